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
        _ensure_checkpoint_key(settings)
    return Database(engine)


def _ensure_checkpoint_key(settings: Settings) -> None:
    """Create the key that signs checkpoints, outside the database, if there is none yet (see audit/checkpoints)."""
    import logging

    from unforgotten.audit.checkpoints import checkpoint_key, key_file
    from unforgotten.settings import DEFAULT_SECRET

    if settings.secret_key != DEFAULT_SECRET or key_file(settings.database_url) is None:
        return  # derived from the secret key, or an in-memory database: nothing to create
    try:
        checkpoint_key(settings, create=True)
    except OSError as error:  # a read-only home must not stop the app; `audit checkpoint` will name the problem
        logging.getLogger(__name__).warning("cannot create the checkpoint key: %s", error)
