"""What every command needs: the database the settings name, and who is acting.

A command without ``--as`` acts as the local operator — whoever can open the database — unscoped and audited as
``cli:<os-user>``; ``--as NAME`` narrows it to that user's space and role, through the same services as the API.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from unforgotten.auth.service import Actor
from unforgotten.db import Database, UnitOfWork

__all__ = [
    "AS_OPTION",
    "AS_OPTION_HELP",
    "acting",
    "acting_unit_of_work",
    "console",
    "database",
    "default_actor",
    "log_access",
]

AS_OPTION_HELP = (
    "Act as this user (see `unforgotten user add`): their space and role decide what is seen and allowed. "
    "Without it, the command acts as the local operator, unscoped and audited."
)
AS_OPTION: Any = typer.Option(None, "--as", help=AS_OPTION_HELP, metavar="USER")

console = Console()


@lru_cache(maxsize=1)
def database() -> Database:
    """The migrated database of ``UNFORGOTTEN_DATABASE_URL`` (built once per process)."""
    from unforgotten.bootstrap import bootstrap

    return bootstrap()


def default_actor() -> str:
    """The operating-system user, as ``cli:<name>``: how the local operator appears in the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no passwd entry in some containers
        return "cli:unknown"


def acting(session: Session, name: str | None) -> Actor:
    """Resolve ``--as NAME`` to that user's actor, or the local operator when no name is given."""
    from unforgotten.auth.service import actor_for, get_user_by_name_or_raise, operator

    if name is None:
        return operator(default_actor())
    return actor_for(session=session, user=get_user_by_name_or_raise(session=session, name=name))


@contextmanager
def acting_unit_of_work(as_user: str | None, *, reason: str | None) -> Iterator[tuple[UnitOfWork, Actor]]:
    """A unit of work recorded under the named user (or the local operator), with its actor for the services."""
    label = default_actor() if as_user is None else f"cli:{as_user}"
    with database().unit_of_work(actor=label, reason=reason) as uow:
        yield uow, acting(uow.session, as_user)


def log_access(actor: Actor, action: str, subject_type: str, subject_id: str | int | None, **details: Any) -> None:
    """Record that the actor read or exported sensitive data (one event per command)."""
    from unforgotten.audit.service import record_access

    record_access(
        database(),
        actor=actor.name if actor.operator else f"cli:{actor.name}",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )
