"""Settings, read from the environment (``UNFORGOTTEN_*``) or a ``.env`` file.

Built once by the cached :func:`get_settings`; importing this module reads nothing, so tests and the CLI can set
the environment first.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from unforgotten.errors import ConfigurationError, Text

__all__ = ["DEFAULT_SECRET", "Settings", "get_settings"]

DEFAULT_SECRET = "change-me-local-only"


class Settings(BaseSettings):
    """Every setting Unforgotten reads, with defaults for the embedded local mode."""

    model_config = SettingsConfigDict(env_prefix="UNFORGOTTEN_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./unforgotten.db"
    secret_key: str = DEFAULT_SECRET
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    environment: Literal["local", "production"] = "local"
    # API tokens expire (a credential must not outlive its holder's job); `user rotate-token` issues a new one.
    token_ttl_days: int = 90
    # Browser sessions end after this many hours, or at logout.
    session_ttl_hours: int = 12
    # Request bodies: an uploaded list file, and anything else (JSON). Refused with 413 beyond, before being read.
    max_upload_mb: int = 200
    max_body_kb: int = 1024
    # The background job runner (list uploads from the pages) in this web process: None = on for `serve`, off
    # elsewhere (tests run jobs themselves, deterministically).
    run_jobs: bool | None = None

    @model_validator(mode="after")
    def _refuse_default_secret_outside_local(self) -> Settings:
        # A default secret in production would let anyone forge sessions and signatures.
        if self.environment != "local" and self.secret_key == DEFAULT_SECRET:
            raise ConfigurationError(
                Text("UNFORGOTTEN_SECRET_KEY is the default outside local mode"),
                hint=Text("set UNFORGOTTEN_SECRET_KEY to a long random value"),
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read from the environment on first call."""
    return Settings()
