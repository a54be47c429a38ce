"""Every write through a session is chained as an event, and tampering in the database is caught."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from tests.integration.audit.tampering import drop_guards

from unforgotten.audit import service as audit
from unforgotten.audit.models import Event
from unforgotten.audit.recorder import record
from unforgotten.auth import service as parties
from unforgotten.errors import AuditChainError


def _events(session: Session) -> list[Event]:
    return list(session.scalars(sa.select(Event).order_by(Event.id)))


def test_insert_update_delete_and_domain_events_are_chained(session: Session) -> None:
    party = parties.create(session=session, code="ua", name="Ukraine")
    party.name = "Україна"
    session.flush()
    record(session, action="demo.note", subject_type="parties", subject_id=party.id, reason="because")
    session.delete(party)
    session.flush()
    actions = [e.action for e in _events(session)]
    assert actions == ["parties.insert", "parties.update", "demo.note", "parties.delete"]
    update = _events(session)[1]
    assert update.before == {"name": "Ukraine"} and update.after == {"name": "Україна"}
    assert update.actor == "test"
    assert audit.verify(session=session) == 4


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE events SET actor = 'mallory' WHERE id = 2",
        "DELETE FROM events WHERE id = 2",
        "UPDATE events SET reason = 'x' WHERE id = 3",
    ],
)
def test_tampering_is_named(session: Session, tamper: str) -> None:
    for code in ("ua", "ru", "icrc"):
        parties.create(session=session, code=code, name=code)
    drop_guards(session)
    session.execute(sa.text(tamper))
    with pytest.raises(AuditChainError) as caught:
        audit.verify(session=session)
    expected = 3 if "reason" in tamper else 2 if "UPDATE" in tamper else 3
    assert caught.value.event_id == expected


def test_deleting_the_newest_event_is_caught(session: Session) -> None:
    for code in ("ua", "ru"):
        parties.create(session=session, code=code, name=code)
    drop_guards(session)
    session.execute(sa.text("DELETE FROM events WHERE id = 2"))
    with pytest.raises(AuditChainError, match="chain head"):
        audit.verify(session=session)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET actor = 'mallory' WHERE id = 1",
        "DELETE FROM events WHERE id = 2",
        "DELETE FROM chain_head",
        "UPDATE chain_head SET last_event_id = 1, last_hash = (SELECT hash FROM events WHERE id = 1)",
        "UPDATE chain_head SET last_hash = 'forged'",
    ],
)
def test_the_database_refuses_to_rewrite_the_log(session: Session, statement: str) -> None:
    for code in ("ua", "ru"):
        parties.create(session=session, code=code, name=code)
    with pytest.raises(DBAPIError, match="append-only|chain head"), session.begin_nested():
        session.execute(sa.text(statement))
    assert audit.verify(session=session) == 2
    parties.create(session=session, code="icrc", name="icrc")  # the recorder itself still moves the head on
    assert audit.verify(session=session) == 3
