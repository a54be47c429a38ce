"""What every command needs: the database the settings name, and who is acting."""

from __future__ import annotations

import getpass
from functools import lru_cache

from unforgotten.db import Database

__all__ = ["console", "database", "default_actor"]

from rich.console import Console

console = Console()


@lru_cache(maxsize=1)
def database() -> Database:
    """The migrated database of ``UNFORGOTTEN_DATABASE_URL`` (built once per process)."""
    from unforgotten.bootstrap import bootstrap

    return bootstrap()


def default_actor() -> str:
    """The operating-system user, as ``cli:<name>``, until commands take ``--as``."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no passwd entry in some containers
        return "cli:unknown"
