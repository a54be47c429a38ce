"""What every command needs: the database the settings name, and who is acting.

A command without ``--as`` acts as the local operator — whoever can open the database — unscoped and audited as
``cli:<os-user>``; ``--as NAME`` narrows it to that user's space and role, through the same services as the API.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from unforgotten.cli.i18n import tr
from unforgotten.errors import Text

if TYPE_CHECKING:  # imported only where used: `unforgotten --help` must not load the database layer
    from sqlalchemy.orm import Session

    from unforgotten.auth.service import Actor
    from unforgotten.db import Database, UnitOfWork

__all__ = [
    "AS_OPTION",
    "AS_OPTION_HELP",
    "acting",
    "acting_unit_of_work",
    "allow_new_database",
    "console",
    "database",
    "default_actor",
    "log_access",
    "safe_url",
]

AS_OPTION_HELP = (
    "Act as this user (see `unforgotten user add`): their space and role decide what is seen and allowed. "
    "Without it, the command acts as the local operator, unscoped and audited."
)
AS_OPTION: Any = typer.Option(None, "--as", help=AS_OPTION_HELP, metavar="USER")

console = Console()


_CREATE = {"allowed": False}
err_console = Console(stderr=True)


def allow_new_database() -> None:
    """Let this command create the database when it does not exist yet (``init`` and ``demo`` only)."""
    _CREATE["allowed"] = True


def safe_url(url: str) -> str:
    """The database URL without any password in it, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _require_existing(url: str) -> None:
    """Refuse to create a database as a side effect: a command run from the wrong folder would otherwise work
    on a new, empty database and report that all is well."""
    from sqlalchemy import inspect

    from unforgotten.db import make_engine
    from unforgotten.errors import ConfigurationError, NotFoundError

    hint = Text("create it with `unforgotten init`, or point UNFORGOTTEN_DATABASE_URL at the existing one")
    if url.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        path = make_url(url).database
        if path and path != ":memory:" and not Path(path).exists():
            raise NotFoundError(
                Text("no database at {url} (looked for {path})", url=safe_url(url), path=Path(path).resolve()),
                hint=hint,
            )
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            known = inspect(connection).has_table("alembic_version")
    except Exception as error:  # unreachable server, bad credentials: say which database, never the password
        raise ConfigurationError(
            Text("cannot open the database {url}: {error_type}", url=safe_url(url), error_type=type(error).__name__)
        ) from error
    finally:
        engine.dispose()
    if not known:
        raise NotFoundError(Text("{url} is not an Unforgotten database yet", url=safe_url(url)), hint=hint)


@lru_cache(maxsize=1)
def database() -> Database:
    """The migrated database of ``UNFORGOTTEN_DATABASE_URL`` (built once per process), named on standard error."""
    from unforgotten.bootstrap import bootstrap
    from unforgotten.settings import get_settings

    url = get_settings().database_url
    if not _CREATE["allowed"]:
        _require_existing(url)
    err_console.print(tr("database: {url}", url=safe_url(url)), highlight=False, soft_wrap=True)
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
