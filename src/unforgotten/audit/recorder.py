"""Records an event for every change to an audited table, in the same transaction as the change (on PostgreSQL
chained when it commits, see below).

Hooked on the session factory (``after_flush``), so no service can write without leaving a trace. Tables opt out
with ``__audit__ = False`` (entries, which are bulk-written and covered by their list's import event; the log).
Services add domain events (why something happened) with :func:`record`; those carry no personal values.
Columns a model names in ``__audit_personal__`` are sealed with the subject's key (:mod:`.personal`).
"""

from __future__ import annotations

import datetime as dt
import pickle
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, TextClause, event, insert, inspect, select, text, update
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction, sessionmaker
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.util import find_tables

from unforgotten.audit.chain import GENESIS_HASH, canonical_json, event_hash_serialised
from unforgotten.audit.models import ChainHead, Event
from unforgotten.audit.personal import Personal, personal_of, personal_tables, seal_changes, subject_ref
from unforgotten.db import bind_processor, copy_rows

__all__ = ["install_recorder", "record", "record_inserts"]

_ADVISORY_LOCK = 72_170_001  # serialises appends to the chain across PostgreSQL connections


_PLAIN = frozenset({str, int, float, bool, type(None), dict, list})


@lru_cache(maxsize=64)
def _iso(value: dt.date) -> str:
    """A time's text, once per value: a bulk write stamps all its rows with one time."""
    return value.isoformat()


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # nearly every value: one set lookup instead of three isinstance checks
        return value
    if isinstance(value, dt.datetime | dt.date):
        return _iso(value)
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
        # The rows share their keys: only columns whose first value is not plain JSON (a time) or is missing can
        # need converting, so the other values are copied as they are — a third of a bulk write's audit time.
        convert = [key for key, value in rows[0].items() if value is None or type(value) not in _PLAIN]

        def after(row: Mapping[str, Any]) -> dict[str, Any]:
            values = dict(row)
            for key in convert:
                values[key] = _jsonable(values[key])
            return values

        _append(
            session,
            [
                {
                    "action": f"{table}.insert",
                    "subject_type": table,
                    "subject_id": str(row["id"]),
                    "before": None,
                    "after": after(row),
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
    actor = str(session.info.get("actor") or "system")
    rows = _serialised(changes, actor, session.info.get("reason"), dt.datetime.now(dt.UTC))
    if connection.dialect.name == "postgresql":
        _defer(session, rows)
        return
    _chain(connection, rows)


def _serialised(
    changes: list[dict[str, Any]], actor: str, default_reason: str | None, now: dt.datetime
) -> list[tuple[Any, ...]]:
    """The events' columns but id and hashes, their values as the canonical JSON text that is both hashed and
    stored: serialised once (a 200,000-row link writes 330,000 events; hashing a dict and then letting the JSON
    column serialise it again cost a third of its audit time on SQLite)."""
    return [
        (
            now,
            actor,
            change["reason"] if change["reason"] is not None else default_reason,
            change["action"],
            change["subject_type"],
            change["subject_id"],
            None if change["before"] is None else canonical_json(change["before"]),
            None if change["after"] is None else canonical_json(change["after"]),
        )
        for change in changes
    ]


def _move_head(connection: Connection, exists: bool, last_id: int, last_hash: str) -> None:
    if exists:
        connection.execute(
            update(ChainHead).where(ChainHead.id == 1).values(last_event_id=last_id, last_hash=last_hash)
        )
    else:
        connection.execute(insert(ChainHead).values(id=1, last_event_id=last_id, last_hash=last_hash))


# ---- PostgreSQL: events wait for the commit --------------------------------------------------------------------
#
# The chain is one sequence, so appending to it takes a lock that every other writer waits for. Taken at the first
# change, as SQLite's write lock is, it was held for a whole import: in the load benchmark a person page (which
# records its access) waited 18 s (p50) behind a 200,000-row list. So on PostgreSQL a transaction's events are
# kept — serialised once, as the text that is both hashed and copied — and chained in ``before_commit``: the lock
# is held for the numbering and the COPY, not for the work. SQLite has one writer at a time anyway; it chains at
# once, so its events are readable inside the transaction, as PostgreSQL's are only after the commit.

_PENDING = "unforgotten.audit.pending"
_CHAINED = "unforgotten.audit.chained"
_EVENT_COLUMNS = (
    "id", "occurred_at", "actor", "reason", "action", "subject_type", "subject_id", "before", "after",
    "prev_hash", "hash",
)  # fmt: skip


class _Packed:
    """A batch of serialised events waiting for the commit, held compressed; iterating it gives the rows back.

    Why: a 200,000-row list linked into a registry of a million writes 330,000 events in one transaction, and
    their JSON held as text until the commit was 200 MiB of the import's peak (docs/benchmarks.md). The text
    compresses several-fold, costs about a second to pack, and is unpacked one batch at a time while chained.
    The blob is this process's own, made here from rows it serialised: never read from outside.
    """

    __slots__ = ("_blob",)

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._blob = zlib.compress(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL), 1)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = pickle.loads(zlib.decompress(self._blob))  # noqa: S301 (see the docstring)
        return iter(rows)


def _defer(session: Session, rows: list[tuple[Any, ...]]) -> None:
    # Tagged with the innermost transaction, so a rolled-back savepoint takes its events with it.
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((transaction, _Packed(rows)))


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's release: its events wait for the transaction's commit
    if session.info.get(_PENDING) is None and session.get_transaction() is None:
        return
    session.flush()  # the last flush happens after this hook; its events must be in the chain too
    _drain(session)


def _drain(session: Session) -> None:
    """Chain the pending events now, remembering inside which transaction they were written: should that be a
    savepoint that is rolled back, the rows go with it, and the events (but those made inside it) wait again."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    _chain(session.connection(), (row for _, rows in pending for row in rows))  # a batch unpacked at a time
    written_in = session.get_nested_transaction()
    if written_in is not None:
        session.info.setdefault(_CHAINED, []).append((written_in, pending))


def _chain(connection: Connection, pending: Iterable[tuple[Any, ...]]) -> None:
    """Number, hash and write ``pending`` (rows of :func:`_serialised`) after the chain's head, and move it."""
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:  # SQLite's writer already holds the database's one write lock (BEGIN IMMEDIATE)
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
    stored_time = bind_processor(connection, Event.__table__.c.occurred_at)
    head = connection.execute(select(ChainHead.last_event_id, ChainHead.last_hash).where(ChainHead.id == 1)).first()
    last_id, last_hash = (int(head[0]), str(head[1])) if head else (0, GENESIS_HASH)

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal last_id, last_hash
        for occurred_at, actor, reason, action, subject_type, subject_id, before, after in pending:
            last_id += 1
            fields = {
                "id": last_id, "occurred_at": occurred_at, "actor": actor, "reason": reason, "action": action,
                "subject_type": subject_type, "subject_id": subject_id,
            }  # fmt: skip
            prev_hash = last_hash
            last_hash = event_hash_serialised(fields, before or "null", after or "null", prev_hash)
            stored = occurred_at if stored_time is None else _stored(stored_time, occurred_at)
            yield (last_id, stored, actor, reason, action, subject_type, subject_id, before, after,
                   prev_hash, last_hash)  # fmt: skip

    copy_rows(connection, Event.__tablename__, _EVENT_COLUMNS, rows())  # COPY: 400,000 events for a 200k link
    _move_head(connection, head is not None, last_id, last_hash)


@lru_cache(maxsize=64)
def _stored(process: Any, value: dt.datetime) -> Any:
    """A time as this database's driver takes it, once per value (a batch of events shares one)."""
    return process(value)


_LOG_TABLE_NAMES = frozenset({"events", "chain_head"})
_LOG_TABLES = re.compile(r"\b(events|chain_head)\b", re.IGNORECASE)  # raw SQL that reads or touches the log


def _before_reading_events(state: ORMExecuteState) -> None:
    """A statement on the log inside the transaction (the accounting proof, history, a test's raw SQL) sees the
    transaction's own events as on SQLite: they are chained now, and the lock is held from here to the commit."""
    session = state.session
    if not (session.info.get(_PENDING) or session.new or session.dirty or session.deleted):
        return  # nothing unchained, nothing to flush: the common case costs this one test
    if session.get_bind().dialect.name != "postgresql":
        return
    statement = state.statement
    if isinstance(statement, TextClause):
        if not _LOG_TABLES.search(statement.text):
            return
    elif isinstance(statement, ClauseElement):
        tables = find_tables(statement, check_columns=True, include_crud=True, include_selects=True)
        if not _LOG_TABLE_NAMES & {getattr(table, "name", None) for table in tables}:
            return
    else:
        return
    if session.autoflush:
        session.flush()  # the statement's own autoflush comes after this hook, and makes events
    _drain(session)


def _after_soft_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    def within(transaction: SessionTransaction | None) -> bool:
        while transaction is not None:
            if transaction is previous_transaction:
                return True
            transaction = transaction.parent
        return False

    restored: list[tuple[SessionTransaction, _Packed]] = []
    kept = []
    for written_in, entries in session.info.get(_CHAINED, []):
        if within(written_in):
            restored.extend(entries)  # their rows were rolled back with the savepoint
        else:
            kept.append((written_in, entries))
    if restored:
        session.info[_CHAINED] = kept
    pending = restored + session.info.get(_PENDING, [])
    if pending:
        session.info[_PENDING] = [(tag, rows) for tag, rows in pending if not within(tag)]


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed, rolled back or closed: nothing may carry over to the next one
        session.info.pop(_PENDING, None)
        session.info.pop(_CHAINED, None)


def install_recorder(factory: sessionmaker[Session]) -> None:
    """Hook the recorder on every session ``factory`` makes (idempotent).

    The mark lives on the factory itself: ``event.contains`` keys on ``id()``, which a new factory can inherit from
    a garbage-collected one — and then the recorder would silently not be installed.
    """
    if getattr(factory, "_unforgotten_audited", False):
        return
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "do_orm_execute", _before_reading_events)
    event.listen(factory, "after_soft_rollback", _after_soft_rollback)
    event.listen(factory, "after_transaction_end", _after_transaction_end)
    factory._unforgotten_audited = True  # type: ignore[attr-defined]
