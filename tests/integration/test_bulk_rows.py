"""Rows written in bulk (``db.insert_rows``, the audit chain's own writes) read back as the ORM would have written
them, and their events chain like any other — on both databases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.audit import service as audit
from unforgotten.audit.models import Event
from unforgotten.audit.recorder import record_inserts
from unforgotten.auth import service as parties
from unforgotten.db import insert_rows
from unforgotten.persons.models import Person

_COLUMNS = ("space_id", "status", "display_name", "merged_into_id", "retired_reason", "created_at", "version")


def _person(space_id: int, name: str, when: dt.datetime) -> dict[str, Any]:
    return {"space_id": space_id, "status": "held", "display_name": name, "merged_into_id": None,
            "retired_reason": None, "created_at": when, "version": 1}  # fmt: skip


def test_bulk_persons_read_back_as_the_orm_writes_them(session: Session) -> None:
    party = parties.create(session=session, code="UA", name="UA")
    when = dt.datetime(2026, 12, 1, 3, 4, 5, 678901, tzinfo=dt.UTC)
    made = Person(**_person(party.id, "Шевченко Олександр", when))
    session.add(made)
    session.flush()
    rows = [_person(party.id, f"Коваль Ірина {i}", when) for i in range(3)]
    ids = insert_rows(session, Person.__table__, rows)
    assert ids == [made.id + 1, made.id + 2, made.id + 3]  # after every id already taken, in the rows' order
    session.expire_all()
    by_orm = session.get(Person, made.id)
    assert by_orm is not None
    for row_id, row in zip(ids, rows, strict=True):
        bulk = session.get(Person, row_id)
        assert bulk is not None
        assert {c: getattr(bulk, c) for c in _COLUMNS if c != "display_name"} == {
            c: getattr(by_orm, c) for c in _COLUMNS if c != "display_name"
        }
        assert bulk.display_name == row["display_name"]


def test_bulk_events_chain_and_keep_their_values(session: Session) -> None:
    party = parties.create(session=session, code="UA", name="UA")
    when = dt.datetime(2026, 12, 1, 3, 4, 5, 678901, tzinfo=dt.UTC)
    rows = [_person(party.id, "Кравчук Богдан", when), _person(party.id, "Бондар Олена", when)]
    ids = insert_rows(session, Person.__table__, rows)
    record_inserts(session, "persons", [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    session.flush()
    assert audit.verify(session=session) > 0  # the whole chain, these events included, hashes as verified
    events = session.scalars(
        sa.select(Event).where(Event.action == "persons.insert", Event.subject_id.in_([str(i) for i in ids]))
    ).all()
    assert len(events) == 2
    after = events[0].after
    assert after is not None
    assert after["created_at"] == when.isoformat() and after["status"] == "held" and after["version"] == 1
    assert "Кравчук" not in str(after)  # the personal value is sealed, not in the clear
    opened = audit.opened(session=session, events=[events[0]])[0]
    assert "Кравчук Богдан" in str(opened)  # and opens with the person's key
    assert events[0].occurred_at is not None
