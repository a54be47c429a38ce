"""Case transitions through the service: applied, pending a second confirmation, refused in bulk with reasons."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from unforgotten.audit.flows import account
from unforgotten.auth import service as auth
from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor
from unforgotten.errors import PermissionDeniedError
from unforgotten.lists.models import Entry, List
from unforgotten.persons import cases, review
from unforgotten.persons.models import Person

COORD = Actor(name="olena", role=Role.PARTY_COORDINATOR, party_id=None, party_code="UA")
COORD2 = Actor(name="petro", role=Role.PARTY_COORDINATOR, party_id=None, party_code="UA")
MEDIATOR = Actor(name="m", role=Role.MEDIATOR, party_id=None, party_code="ICRC")


def person(session: Session, status: str) -> Person:
    p = Person(status=status, display_name="x")
    session.add(p)
    session.flush()
    return p


def test_a_category_through_verification(session: Session) -> None:
    people = [person(session, "held") for _ in range(3)]
    ids = [p.id for p in people]
    for to, actor in (("identity_confirmed", COORD), ("eligible", COORD), ("consent_confirmed", MEDIATOR)):
        outcome = cases.transition_many(session=session, actor=actor, person_ids=ids, to_status=to, reason="stage 1")
        assert outcome.changed == ids and not outcome.refused
    declined = cases.transition(session=session, actor=MEDIATOR, person_id=ids[0], to_status="declined",
                                reason="private interview: wishes to stay")  # fmt: skip
    assert declined.state == "applied" and session.get(Person, ids[0]).status == "declined"  # type: ignore[union-attr]
    refused = cases.transition_many(session=session, actor=COORD, person_ids=ids, to_status="scheduled", reason="s")
    assert refused.changed == ids[1:] and ids[0] in refused.refused
    assert not [v for v in account(session=session).violations if v.check == "status = history"]


def test_deceased_waits_for_a_second_user(session: Session) -> None:
    p = person(session, "held")
    change = cases.transition(session=session, actor=COORD, person_id=p.id, to_status="deceased", reason="report",
                              evidence="act 12/2025")  # fmt: skip
    assert change.state == "pending" and p.status == "held"
    with pytest.raises(PermissionDeniedError):
        cases.confirm(session=session, actor=COORD, change_id=change.id, reason="me again")
    cases.confirm(session=session, actor=COORD2, change_id=change.id, reason="saw the act")
    assert p.status == "deceased" and [c.state for c in cases.history(session=session, person_id=p.id)] == ["applied"]


def test_commission_findings_feed_the_rules(session: Session) -> None:
    import datetime as dt

    from unforgotten.agreements import service as agreements
    from unforgotten.agreements.flows import assess

    p = person(session, "held")
    with pytest.raises(PermissionDeniedError):
        cases.record_finding(session=session, actor=COORD, person_id=p.id, outcome="repatriate",
                             examined_on=dt.date(2025, 6, 5))  # fmt: skip
    cases.record_finding(session=session, actor=MEDIATOR, person_id=p.id, outcome="repatriate",
                         examined_on=dt.date(2025, 6, 5))  # fmt: skip
    agreement = agreements.create(
        session=session, title="t", signed_on=dt.date(2025, 6, 2), reference_date=dt.date(2025, 6, 9),
        categories=[{"name": "wounded", "format": "all_for_all", "rule": {"medical_commission": ["repatriate"]}}],
    )  # fmt: skip
    party = auth.create(session=session, code="RU", name="Russia")
    custody = List(party_id=party.id, kind="custody", name="c", file_name="c.csv", file_hash="c" * 64,
                   file_format="csv", submitted_by="t")  # fmt: skip
    session.add(custody)
    session.flush()
    entry = Entry(list_id=custody.id, row_number=2, status="accepted", raw={}, findings=[], family_name="Коваль")
    session.add(entry)
    session.flush()
    review.attach(session=session, entry_id=entry.id, person_id=p.id, probability=None, explanation={}, decided_by="t")
    session.flush()
    rows = [r for r in assess(session=session, agreement=agreement).rows if r.person_id == p.id]
    assert [(r.verdict, r.reasons) for r in rows] == [("eligible", ("medical commission 2025-06-05: repatriate",))]
