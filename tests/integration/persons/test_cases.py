"""Case transitions through the service: applied, pending a confirmation from outside the asking side, refused in
bulk with reasons, and the exchange's own statuses kept in the mediator's space."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from unforgotten.audit.flows import account
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind, Role
from unforgotten.auth.service import Actor
from unforgotten.errors import ConflictError, NotFoundError, PermissionDeniedError
from unforgotten.lists.models import Entry, List
from unforgotten.persons import cases, review
from unforgotten.persons.models import Person


@dataclass
class World:
    ua: int
    ru: int
    icrc: int
    coord: Actor
    coord2: Actor
    ru_coord: Actor
    mediator: Actor
    mediator2: Actor


@pytest.fixture
def world(session: Session) -> World:
    ua = auth.create(session=session, code="UA", name="Ukraine").id
    ru = auth.create(session=session, code="RU", name="Russia").id
    icrc = auth.create(session=session, code="ICRC", name="ICRC", kind=PartyKind.MEDIATOR).id
    return World(
        ua=ua, ru=ru, icrc=icrc,
        coord=Actor(name="olena", role=Role.PARTY_COORDINATOR, party_id=ua, party_code="UA"),
        coord2=Actor(name="petro", role=Role.PARTY_COORDINATOR, party_id=ua, party_code="UA"),
        ru_coord=Actor(name="ivan", role=Role.PARTY_COORDINATOR, party_id=ru, party_code="RU"),
        mediator=Actor(name="m", role=Role.MEDIATOR, party_id=icrc, party_code="ICRC"),
        mediator2=Actor(name="m2", role=Role.MEDIATOR, party_id=icrc, party_code="ICRC"),
    )  # fmt: skip


def person(session: Session, space_id: int, status: str) -> Person:
    p = Person(space_id=space_id, status=status, display_name="x")
    session.add(p)
    session.flush()
    return p


def test_a_category_through_verification_in_the_mediators_space(session: Session, world: World) -> None:
    ids = [person(session, world.icrc, "held").id for _ in range(3)]
    for to in ("identity_confirmed", "eligible", "consent_confirmed"):
        outcome = cases.transition_many(session=session, actor=world.mediator, person_ids=ids, to_status=to,
                                        reason="stage 1")  # fmt: skip
        assert outcome.changed == ids and not outcome.refused
    declined = cases.transition(session=session, actor=world.mediator, person_id=ids[0], to_status="declined",
                                reason="private interview: wishes to stay")  # fmt: skip
    assert declined.state == "applied" and session.get(Person, ids[0]).status == "declined"  # type: ignore[union-attr]
    refused = cases.transition_many(session=session, actor=world.mediator, person_ids=ids, to_status="scheduled",
                                    reason="s")  # fmt: skip
    assert refused.changed == ids[1:] and ids[0] in refused.refused
    assert not [v for v in account(session=session).violations if v.check == "status = history"]


def test_a_side_cannot_record_the_exchanges_statuses(session: Session, world: World) -> None:
    own = person(session, world.ua, "held")
    with pytest.raises(ConflictError, match="mediator"):
        cases.transition(session=session, actor=world.coord, person_id=own.id, to_status="identity_confirmed",
                         reason="x")  # fmt: skip
    theirs = person(session, world.icrc, "held")
    with pytest.raises(NotFoundError):  # not visible = not found, before any role or state check
        cases.transition(session=session, actor=world.coord, person_id=theirs.id, to_status="identity_confirmed",
                         reason="x")  # fmt: skip
    assert own.status == theirs.status == "held"


def test_deceased_needs_the_mediator_not_a_second_user_of_the_side(session: Session, world: World) -> None:
    p = person(session, world.ua, "acknowledged")
    change = cases.transition(session=session, actor=world.coord, person_id=p.id, to_status="deceased",
                              reason="report", evidence="act 12/2025")  # fmt: skip
    assert change.state == "pending" and p.status == "acknowledged"
    with pytest.raises(PermissionDeniedError):
        cases.confirm(session=session, actor=world.coord, change_id=change.id, reason="me again")
    with pytest.raises(PermissionDeniedError, match="mediator"):
        cases.confirm(session=session, actor=world.coord2, change_id=change.id, reason="my colleague")
    with pytest.raises(NotFoundError):  # the other side cannot even see it
        cases.confirm(session=session, actor=world.ru_coord, change_id=change.id, reason="x")
    assert [c.id for c in cases.pending_confirmations(session=session, actor=world.mediator)] == [change.id]
    assert cases.pending_confirmations(session=session, actor=world.ru_coord) == []
    cases.confirm(session=session, actor=world.mediator, change_id=change.id, reason="saw the act")
    assert p.status == "deceased"
    assert [c.state for c in cases.history(session=session, actor=world.coord, person_id=p.id)] == ["applied"]


def test_commission_findings_feed_the_rules_in_the_mediators_space(session: Session, world: World) -> None:
    from unforgotten.agreements import service as agreements
    from unforgotten.agreements.flows import assess

    p = person(session, world.icrc, "held")
    with pytest.raises(NotFoundError):
        cases.record_finding(session=session, actor=world.coord, person_id=p.id, outcome="repatriate",
                             examined_on=dt.date(2025, 6, 5))  # fmt: skip
    cases.record_finding(session=session, actor=world.mediator, person_id=p.id, outcome="repatriate",
                         examined_on=dt.date(2025, 6, 5))  # fmt: skip
    agreement = agreements.create(
        session=session, title="t", signed_on=dt.date(2025, 6, 2), reference_date=dt.date(2025, 6, 9),
        categories=[{"name": "wounded", "format": "all_for_all", "rule": {"medical_commission": ["repatriate"]}}],
    )  # fmt: skip
    custody = List(party_id=world.ru, kind="custody", name="c", file_name="c.csv", file_hash="c" * 64,
                   file_format="csv", submitted_by="t")  # fmt: skip
    session.add(custody)
    session.flush()
    entry = Entry(list_id=custody.id, row_number=2, status="accepted", raw={}, findings=[], family_name="Коваль")
    session.add(entry)
    session.flush()
    review.attach(session=session, space_id=world.icrc, entry_id=entry.id, person_id=p.id, probability=None,
                  explanation={}, decided_by="t")  # fmt: skip
    session.flush()
    rows = [r for r in assess(session=session, agreement=agreement, space_id=world.icrc).rows if r.person_id == p.id]
    assert [(r.verdict, r.reasons) for r in rows] == [("eligible", ("medical commission 2025-06-05: repatriate",))]
    assert assess(session=session, agreement=agreement, space_id=world.ru).rows == []  # the side sees no finding
