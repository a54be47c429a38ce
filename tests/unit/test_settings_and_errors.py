"""Settings refuse a default secret outside local mode; errors say where and what to do."""

from __future__ import annotations

import pytest

from unforgotten.errors import ConfigurationError, FileReadError, InputError, LinkageError, UnforgottenError
from unforgotten.settings import DEFAULT_SECRET, Settings, get_settings


def test_defaults_are_the_embedded_local_mode(clean_env: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    assert settings.database_url == "sqlite:///./unforgotten.db" and settings.is_sqlite
    assert settings.secret_key == DEFAULT_SECRET


def test_environment_selects_postgresql(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("UNFORGOTTEN_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert get_settings().is_sqlite is False


def test_default_secret_refused_in_production(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        Settings(environment="production")
    assert Settings(environment="production", secret_key="x" * 40).environment == "production"


def test_input_error_names_file_row_column_value() -> None:
    error = InputError(
        "date is impossible",
        file="ua.csv",
        row=12,
        column="date_of_birth",
        value="31.02.1999",
        hint="correct the date or leave it empty",
    )
    text = str(error)
    for part in ("ua.csv", "row 12", "'date_of_birth'", "'31.02.1999'", "correct the date"):
        assert part in text
    assert error.exit_code == 2 and error.http_status == 422


def test_hierarchy_and_exit_codes() -> None:
    assert issubclass(FileReadError, InputError) and issubclass(InputError, UnforgottenError)
    assert FileReadError("x").exit_code == 3
    assert "Failing SQL" in str(LinkageError("boom", sql="SELECT 1"))
