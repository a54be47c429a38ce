"""Composition root: settings → engine → migrated database with an audited session factory."""

from __future__ import annotations

from unforgotten.db import Database, make_engine
from unforgotten.settings import Settings, get_settings

__all__ = ["bootstrap"]


def bootstrap(settings: Settings | None = None, *, migrate: bool = True) -> Database:
    """Build the database the settings name, applying migrations first unless told not to."""
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    if migrate:
        from unforgotten.migrations import upgrade

        upgrade(engine)
    return Database(engine)
