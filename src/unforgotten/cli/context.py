"""What every command needs: the database the settings name, and who is acting."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from rich.console import Console
from sqlalchemy.orm import Session

from unforgotten.auth.service import Actor
from unforgotten.db import Database, UnitOfWork

__all__ = ["AS_OPTION_HELP", "acting", "acting_unit_of_work", "console", "database", "default_actor"]

AS_OPTION_HELP = "Act as this user (see `unforgotten user add`); their role decides what is allowed."

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


def acting(session: Session, name: str) -> Actor:
    """Resolve ``--as NAME`` to an actor; the service layer checks its role and party."""
    from unforgotten.auth.service import actor_for, get_user_by_name_or_raise

    return actor_for(session=session, user=get_user_by_name_or_raise(session=session, name=name))


@contextmanager
def acting_unit_of_work(as_user: str, *, reason: str | None) -> Iterator[tuple[UnitOfWork, Actor]]:
    """A unit of work recorded under the named user, with that user's actor for the service's role guard."""
    with database().unit_of_work(actor=f"cli:{as_user}", reason=reason) as uow:
        yield uow, acting(uow.session, as_user)
