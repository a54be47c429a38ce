"""Replay: the current rows of the audited tables must be the state their events produce.

The recorder writes one event per inserted, updated or deleted row (``<table>.insert|update|delete``, with the
values after the change), so folding a table's events per row gives what the row must hold now. A row edited,
inserted or deleted with raw SQL differs from its replay, and the difference names the row and the column. What
the replay cannot see — the log itself rewritten with every hash recomputed — signed checkpoints catch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import DateTime, select
from sqlalchemy.orm import Session

from unforgotten.audit.chain import canonical_time
from unforgotten.audit.models import Event
from unforgotten.audit.personal import SEALED, open_values, prefetch
from unforgotten.lists.models import List, ListShare
from unforgotten.persons.models import Match, Person, StatusChange

__all__ = ["TRACKED", "Difference", "Tracked", "replay"]


@dataclass(frozen=True)
class Tracked:
    """A table whose rows are replayed: which columns must equal their events, how a violation is named."""

    model: Any
    columns: tuple[str, ...]
    check: str
    noun: str


# Only columns that the application sets through the ORM (so every change is an event) and whose tampering
# changes the accounting: who holds, who sees, who is who, what status, who decided.
TRACKED: tuple[Tracked, ...] = (
    Tracked(
        List,
        (
            "party_id",
            "kind",
            "name",
            "version",
            "file_hash",
            "row_count",
            "entries_digest",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawn_reason",
        ),  # fmt: skip
        "lists = events",
        "list",
    ),
    Tracked(ListShare, ("list_id", "party_id"), "shares = events", "share"),
    Tracked(Person, ("space_id", "status", "merged_into_id", "retired_reason"), "persons = events", "person"),
    Tracked(Match, ("entry_id", "person_id", "space_id", "state"), "matches = events", "match"),
    Tracked(
        StatusChange,
        (
            "person_id",
            "from_status",
            "to_status",
            "state",
            "requested_by",
            "evidence",
            "reason",
            "confirmed_by",
            "confirmed_at",
        ),
        "status changes = events",
        "status change",
    ),  # fmt: skip
)
_STATUS_CHECK = "status = history"  # a person's status, the check `account` has always named so


@dataclass(frozen=True)
class Difference:
    """One row that is not what its events say."""

    check: str
    subject: str
    message: str


def _normal(value: Any, is_time: bool) -> Any:
    if isinstance(value, Enum):
        value = value.value
    if is_time and isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return canonical_time(value)
    return value


def replay(*, session: Session) -> Iterator[Difference]:
    """Yield every difference between the audited tables and the state their events produce."""
    for tracked in TRACKED:
        yield from _replay_table(session, tracked)


def _fold(session: Session, tracked: Tracked, times: tuple[bool, ...]) -> dict[str, list[Any] | int]:
    """Per row id: its replayed values (with the last event's id appended), or the id of the event deleting it."""
    table = tracked.model.__tablename__
    state: dict[str, list[Any] | int] = {}
    actions = [f"{table}.{verb}" for verb in ("insert", "update", "delete")]
    query = (
        select(Event.id, Event.action, Event.subject_id, Event.after)
        .where(Event.subject_type == table, Event.action.in_(actions))
        .order_by(Event.id)
        .execution_options(yield_per=10_000)
    )
    sealed_tracked = set(tracked.columns)
    for event_id, action, subject_id, after in _opened(session, session.execute(query), sealed_tracked):
        key, verb = str(subject_id), action.rsplit(".", 1)[1]
        if verb == "delete":
            state[key] = int(event_id)
            continue
        values = after or {}
        current = state.get(key)
        if verb == "insert" or not isinstance(current, list):
            current = [None] * len(tracked.columns) + [0]
        for index, column in enumerate(tracked.columns):
            if column in values:
                current[index] = _normal(values[column], times[index])
        current[-1] = int(event_id)
        state[key] = current
    return state


def _opened(session: Session, rows: Iterable[Any], columns: set[str]) -> Iterator[tuple[Any, ...]]:
    """The rows with their sealed values opened where a sealed field is a tracked column (keys fetched per batch).

    A value whose key was destroyed reads ``<erased>``; the erasure's own event, written after, holds the blank in
    clear, so a row erased through the system still replays exactly.
    """
    batch: list[tuple[Any, ...]] = []

    def drain() -> Iterator[tuple[Any, ...]]:
        prefetch(session, (row[3] for row in batch))
        for event_id, action, subject_id, after in batch:
            yield event_id, action, subject_id, open_values(session, after)
        batch.clear()

    for row in rows:
        after = row[3]
        if after and SEALED in after and columns.intersection(after[SEALED]["fields"]):
            batch.append(tuple(row))
            if len(batch) >= 2000:
                yield from drain()
            continue
        if batch:
            yield from drain()
        yield tuple(row)
    yield from drain()


def _replay_table(session: Session, tracked: Tracked) -> Iterator[Difference]:
    model = tracked.model
    times = tuple(isinstance(model.__table__.c[c].type, DateTime) for c in tracked.columns)
    state = _fold(session, tracked, times)
    query = select(model.id, *(getattr(model, c) for c in tracked.columns)).order_by(model.id)
    for row in session.execute(query.execution_options(yield_per=10_000)):
        key = str(row[0])
        subject = f"{tracked.noun} {key}"
        replayed = state.pop(key, None)
        stored = [_normal(value, times[i]) for i, value in enumerate(row[1:])]
        described = ", ".join(f"{c} {v!r}" for c, v in zip(tracked.columns, stored, strict=True) if v is not None)
        if replayed is None:
            yield Difference(
                tracked.check, subject, f"exists ({described}) but no event created it (inserted outside the system)"
            )
            continue  # fmt: skip
        if isinstance(replayed, int):
            yield Difference(tracked.check, subject, f"exists ({described}) but event {replayed} deleted it")
            continue
        for index, column in enumerate(tracked.columns):
            if stored[index] != replayed[index]:
                check = _STATUS_CHECK if (tracked.noun, column) == ("person", "status") else tracked.check
                yield Difference(
                    check,
                    subject,
                    f"{column} is {stored[index]!r} but its events (the last is event {replayed[-1]}) say "
                    f"{replayed[index]!r} (changed outside the system)",
                )
    for key, replayed in state.items():
        if isinstance(replayed, list):
            values = ", ".join(
                f"{c} {v!r}" for c, v in zip(tracked.columns, replayed[:-1], strict=True) if v is not None
            )
            yield Difference(
                tracked.check,
                f"{tracked.noun} {key}",
                f"is missing, but its events (the last is event {replayed[-1]}) say it exists ({values}): "
                "deleted outside the system",
            )
