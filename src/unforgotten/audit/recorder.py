"""Records an event for every change to an audited table, in the same transaction as the change.

Hooked on the session factory (``after_flush``), so no service can write without leaving a trace. Tables opt out
with ``__audit__ = False`` (entries, which are bulk-written and covered by their list's import event; the log).
Services add domain events (why something happened) with :func:`record`; those carry no personal values.
Columns a model names in ``__audit_personal__`` are sealed with the subject's key (:mod:`.personal`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from sqlalchemy import Table, event, insert, inspect, select, text, update
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from unforgotten.audit.chain import GENESIS_HASH, event_hash
from unforgotten.audit.models import ChainHead, Event
from unforgotten.audit.personal import Personal, personal_of, personal_tables, seal_changes, subject_ref
from unforgotten.db import copy_records

__all__ = ["install_recorder", "record", "record_inserts"]

_ADVISORY_LOCK = 72_170_001  # serialises appends to the chain across PostgreSQL connections


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _column_values(obj: Any, *, changed_only: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    redact: frozenset[str] = getattr(type(obj), "__audit_redact__", frozenset())
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if changed_only and not history.has_changes():
            continue
        if history.deleted:
            before[attr.key] = _jsonable(history.deleted[0])
        elif history.unchanged:
            before[attr.key] = _jsonable(history.unchanged[0])
        current = history.added[0] if history.added else (history.unchanged[0] if history.unchanged else None)
        after[attr.key] = _jsonable(current)
    for key in redact:
        for values in (before, after):
            if key in values:
                values[key] = "<redacted>"
    return before, after


def _subject_id(obj: Any) -> str | None:
    # The identity key is only set after the flush finishes, so read the primary key from the instance.
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return None if any(part is None for part in key) else "/".join(str(part) for part in key)


def record(
    session: Session,
    *,
    action: str,
    subject_type: str,
    subject_id: str | int | None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Chain a domain event now, after the changes made so far, in the same transaction."""
    session.flush()
    _append(
        session,
        [
            {
                "action": action,
                "subject_type": subject_type,
                "subject_id": None if subject_id is None else str(subject_id),
                "before": None if before is None else {k: _jsonable(v) for k, v in before.items()},
                "after": None if after is None else {k: _jsonable(v) for k, v in after.items()},
                "reason": reason,
            }
        ],
    )


def record_inserts(session: Session, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Chain one ``<table>.insert`` event per row written in bulk (Core ``insert``, which the ORM hook cannot see).

    Each row must carry every column, its ``id`` included — the same event the ORM path writes, so replay and the
    accounting proof cannot tell a bulk-linked person from one made alone.
    """
    if rows:
        known = personal_tables().get(table)
        spec = None if known is None else known[1]
        _append(
            session,
            [
                {
                    "action": f"{table}.insert",
                    "subject_type": table,
                    "subject_id": str(row["id"]),
                    "before": None,
                    "after": {k: _jsonable(v) for k, v in row.items()},
                    "reason": None,
                    "personal": None if spec is None else _target(spec, row[spec.attribute], inserted=True),
                }
                for row in rows
            ],
        )


def _audited(obj: Any) -> bool:
    return bool(getattr(type(obj), "__audit__", True))


def _after_flush(session: Session, _flush_context: UOWTransaction) -> None:
    changes: list[dict[str, Any]] = []
    for obj in session.new:
        if _audited(obj):
            _, after = _column_values(obj, changed_only=False)
            changes.append(_change(obj, "insert", None, after))
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _column_values(obj, changed_only=True)
            if after:
                changes.append(_change(obj, "update", before, after))
    for obj in session.deleted:
        if _audited(obj):
            before, _ = _column_values(obj, changed_only=False)
            changes.append(_change(obj, "delete", before, None))
    if changes:
        _append(session, changes)


def _change(obj: Any, verb: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    table = type(obj).__tablename__
    spec = personal_of(type(obj))
    return {
        "action": f"{table}.{verb}",
        "subject_type": table,
        "subject_id": _subject_id(obj),
        "before": before,
        "after": after,
        "reason": None,
        "personal": None if spec is None else _target(spec, getattr(obj, spec.attribute), inserted=verb == "insert"),
    }


def _target(spec: Personal, subject_id: Any, *, inserted: bool) -> tuple[str, frozenset[str], bool]:
    """Whose key seals the change's personal values, which fields, and whether the subject is new — a row that
    is its own subject (a person) being inserted has no key yet, so none is looked up (200,000 lookups for a
    200,000-person link, each a plan PostgreSQL made while the key table was still empty)."""
    return subject_ref(spec.subject, subject_id), spec.fields, inserted and spec.attribute == "id"


def _append(session: Session, changes: list[dict[str, Any]]) -> None:
    seal_changes(session, changes)  # personal values leave in a sealed box: the chain hashes what is stored
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
    head = connection.execute(select(ChainHead.last_event_id, ChainHead.last_hash).where(ChainHead.id == 1)).first()
    last_id, prev_hash = (head[0], head[1]) if head else (0, GENESIS_HASH)
    actor = str(session.info.get("actor") or "system")
    default_reason = session.info.get("reason")
    now = dt.datetime.now(dt.UTC)
    rows = []
    for change in changes:
        last_id += 1
        row = {
            "id": last_id,
            "occurred_at": now,
            "actor": actor,
            "reason": change["reason"] if change["reason"] is not None else default_reason,
            **{k: change[k] for k in ("action", "subject_type", "subject_id", "before", "after")},
        }
        row["prev_hash"] = prev_hash
        row["hash"] = prev_hash = event_hash(row, prev_hash)
        rows.append(row)
    if connection.dialect.name == "postgresql":  # COPY: thousands of events per link, see db.insert_rows
        copy_records(connection, cast(Table, Event.__table__), rows)
    else:
        connection.execute(insert(Event), rows)
    if head:
        connection.execute(
            update(ChainHead).where(ChainHead.id == 1).values(last_event_id=last_id, last_hash=prev_hash)
        )
    else:
        connection.execute(insert(ChainHead).values(id=1, last_event_id=last_id, last_hash=prev_hash))


def install_recorder(factory: sessionmaker[Session]) -> None:
    """Hook the recorder on every session ``factory`` makes (idempotent).

    The mark lives on the factory itself: ``event.contains`` keys on ``id()``, which a new factory can inherit from
    a garbage-collected one — and then the recorder would silently not be installed.
    """
    if getattr(factory, "_unforgotten_audited", False):
        return
    event.listen(factory, "after_flush", _after_flush)
    factory._unforgotten_audited = True  # type: ignore[attr-defined]
