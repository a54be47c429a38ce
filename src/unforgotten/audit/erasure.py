"""Erasure: blank a data subject's personal values in the current rows, then destroy the key that seals them.

The blanking is an ordinary audited change: its events hold the old values sealed with the subject's key (so they
go with it) and the blanks in clear (so replay stays exact). Then the key row loses its key and keeps when and by
whom; every earlier event of the subject still verifies, byte for byte, and reads ``<erased>``. A last event says
who erased whom and why — with no personal value in it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from unforgotten.audit.models import DataKey
from unforgotten.audit.personal import is_blank, mark_erased, personal_tables, subject_ref
from unforgotten.audit.recorder import record
from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor, require_role
from unforgotten.errors import ConflictError, InputError, Text

__all__ = ["ERASER_ROLES", "Erasure", "erase_person", "erase_subject", "scrub"]

# The neutral intermediary answers for persons across the sides; an admin executes a data-protection decision.
ERASER_ROLES = frozenset({Role.MEDIATOR, Role.ADMIN})


@dataclass
class Erasure:
    """What an erasure did: the subject, and how many values it blanked per table."""

    subject: str
    blanked: dict[str, int] = field(default_factory=dict)
    erased_at: dt.datetime | None = None


def erase_person(*, session: Session, actor: Actor, person_id: int, reason: str) -> Erasure:
    """Erase a person's personal data: blank it in the current rows, destroy its key, audit who and why."""
    from unforgotten.persons import service as persons

    persons.get_visible_or_raise(session=session, actor=actor, person_id=person_id)  # not visible = not found first
    require_role(actor, ERASER_ROLES, Text("erase a person's personal data"))
    return erase_subject(session=session, actor=actor, kind="person", subject_id=person_id, reason=reason)


def erase_subject(*, session: Session, actor: Actor, kind: str, subject_id: int, reason: str) -> Erasure:
    """Blank every personal value of one subject (``person``, ``tracing_request``) and destroy its key.

    The caller checks that the actor sees the subject; the role is checked here too.
    """
    require_role(actor, ERASER_ROLES, Text("erase personal data"))
    why = reason.strip()
    if not why:
        raise InputError(
            Text("an erasure needs a reason"), hint=Text("say which request or decision it carries out (--reason)")
        )
    ref = subject_ref(kind, subject_id)
    key = session.get(DataKey, ref)
    if key is not None and key.erased_at is not None:
        raise ConflictError(
            Text(
                "{kind} {subject_id} was already erased on {erased_at:%Y-%m-%d %H:%M} by {erased_by}",
                kind=kind.replace("_", " "),
                subject_id=subject_id,
                erased_at=key.erased_at,
                erased_by=key.erased_by,
            ),
            hint=Text("nothing is left to erase; its events read <erased>"),
        )
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # Overwrite freed space with zeros, so the blanked values and the key do not linger in free pages.
        connection.exec_driver_sql("PRAGMA secure_delete = ON")
    blanked: Counter[str] = Counter()
    for table, (model, spec) in sorted(personal_tables().items()):
        if spec.subject != kind:
            continue
        columns = getattr(model, "__table__").c  # noqa: B009  (a mapped class, typed as ``type``)
        rows: list[Any] = list(session.scalars(select(model).where(getattr(model, spec.attribute) == subject_id)))
        for row in rows:
            for name in sorted(spec.fields):
                if not is_blank(getattr(row, name)):
                    setattr(row, name, _blank(columns[name]))
                    blanked[table] += 1
    session.flush()  # the blanking's events, sealed with the key that is about to go
    now = dt.datetime.now(dt.UTC)
    if key is None:
        session.execute(insert(DataKey).values(subject=ref, wrapped=None, created_at=now, erased_at=now,
                                               erased_by=actor.name))  # fmt: skip
    else:
        session.execute(
            update(DataKey).where(DataKey.subject == ref).values(wrapped=None, erased_at=now, erased_by=actor.name)
        )
        session.expire(key)
    mark_erased(session, ref)
    record(session, action=f"{kind}.erased", subject_type=_subject_type(kind), subject_id=subject_id,
           after={"erased_by": actor.name, "blanked": dict(sorted(blanked.items()))}, reason=why)  # fmt: skip
    return Erasure(subject=ref, blanked=dict(sorted(blanked.items())), erased_at=now)


def _subject_type(kind: str) -> str:
    return {"person": "persons", "tracing_request": "tracing_requests"}.get(kind, kind)


def _blank(column: Any) -> Any:
    if column.nullable:
        return None
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return ""
    if python_type is dict:
        return {}
    if python_type is list:
        return []
    return ""


def scrub(engine: Engine) -> None:
    """After an erasure is committed: fold SQLite's write-ahead log into the file and empty it.

    The log still holds the pages as they were before the erasure until a checkpoint; ``TRUNCATE`` writes them back
    (zeroed where secure_delete cleared them) and cuts the log to nothing. PostgreSQL keeps old row versions until
    a vacuum reuses them — see docs/security.md.
    """
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()  # outside any transaction: a checkpoint cannot run inside one
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
