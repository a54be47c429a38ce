"""Each tampering of issue 11, done with raw SQL behind the system's back, is caught and named.

``account`` replays the audited tables from their events; a rewrite of the log itself, with every hash
recomputed, passes the chain but not a signed receipt (``audit verify --receipts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session
from tests.integration.audit.tampering import drop_guards

from unforgotten.audit import service as audit
from unforgotten.audit.chain import GENESIS_HASH, event_hash
from unforgotten.audit.flows import Violation, account
from unforgotten.audit.models import ChainHead, Event
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.errors import IntegrityError
from unforgotten.lists.models import Entry
from unforgotten.persons import cases
from unforgotten.persons.flows import submit_list
from unforgotten.persons.models import Match, MatchState, Person, StatusChange

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "lists"


@dataclass
class World:
    request: int  # UA's request list, shared with the mediator
    custody: int  # RU's custody list, shared with the mediator
    death: int  # a status change to deceased asked by UA and confirmed by the mediator
    ua: int
    ru: int


@pytest.fixture
def world(session: Session) -> World:
    operator = auth.operator("cli:setup")
    for code, kind in (("UA", PartyKind.SIDE), ("RU", PartyKind.SIDE), ("ICRC", PartyKind.MEDIATOR)):
        auth.create(session=session, code=code, name=code, kind=kind)
    olena = auth.create_user(session=session, name="olena", role="party_coordinator", party_code="UA")[0]
    marie = auth.create_user(session=session, name="marie", role="mediator", party_code="ICRC")[0]
    request = submit_list(session=session, actor=operator, path=EXAMPLES / "ua_request.csv", party_code="UA",
                          kind="request", share_with=("ICRC",))  # fmt: skip
    custody = submit_list(session=session, actor=operator, path=EXAMPLES / "ru_custody.csv", party_code="RU",
                          kind="custody", share_with=("ICRC",))  # fmt: skip
    ua = auth.get_by_code_or_raise(session=session, code="UA").id
    person = session.scalars(sa.select(Person).where(Person.space_id == ua).order_by(Person.id)).first()
    assert person is not None
    asked = cases.transition(session=session, actor=auth.actor_for(session=session, user=olena), person_id=person.id,
                             to_status="deceased", reason="reported", evidence="death certificate 17")  # fmt: skip
    cases.confirm(session=session, actor=auth.actor_for(session=session, user=marie), change_id=asked.id, reason="ok")
    session.flush()
    assert account(session=session).ok, account(session=session).violations
    return World(request=request.outcome.list_id, custody=custody.outcome.list_id, death=asked.id, ua=ua,
                 ru=auth.get_by_code_or_raise(session=session, code="RU").id)  # fmt: skip


def _violations(session: Session) -> list[Violation]:
    session.expire_all()
    report = account(session=session)
    assert not report.ok
    return report.violations


def _named(violations: list[Violation], check: str, subject: str, *words: str) -> bool:
    return any(v.check == check and v.subject.startswith(subject) and all(w in v.message for w in words)
               for v in violations)  # fmt: skip


def _sql(session: Session, statement: str, **params: Any) -> None:
    session.execute(sa.text(statement), params)


def test_a_match_re_pointed_to_another_person(session: Session, world: World) -> None:
    match_id, person_id = session.execute(
        sa.select(Match.id, Match.person_id).where(Match.space_id == world.ua, Match.state == MatchState.ACCEPTED)
    ).first()  # type: ignore[misc]
    other = session.scalar(sa.select(Person.id).where(Person.space_id == world.ua, Person.id != person_id))
    _sql(session, "UPDATE matches SET person_id = :p WHERE id = :m", p=other, m=match_id)
    violations = _violations(session)
    assert _named(violations, "matches = events", f"match {match_id}", "person_id", str(other), str(person_id))


@pytest.mark.parametrize(("column", "value"), [("party_id", "ru"), ("kind", "custody")])
def test_a_list_moved_to_the_other_party_or_re_kinded(session: Session, world: World, column: str, value: str) -> None:
    new: object = world.ru if value == "ru" else value
    _sql(session, f"UPDATE lists SET {column} = :v WHERE id = :l", v=new, l=world.request)
    violations = _violations(session)
    assert _named(violations, "lists = events", f"list {world.request}", column, repr(new))
    key = "party" if column == "party_id" else "kind"
    assert _named(violations, "import recorded", f"list {world.request}", f"its {key} is")


def test_a_secret_share(session: Session, world: World) -> None:
    _sql(session, "INSERT INTO list_shares (list_id, party_id, shared_at, shared_by) VALUES (:l, :p, :t, 'x')",
         l=world.request, p=world.ru, t="2026-11-30 00:00:00")  # fmt: skip
    violations = _violations(session)
    assert _named(violations, "shares = events", "share", f"list_id {world.request}", "no event created it")


def test_a_rewritten_status_change(session: Session, world: World) -> None:
    _sql(session, "UPDATE status_changes SET to_status = 'located', confirmed_by = 'mallory' WHERE id = :c",
         c=world.death)  # fmt: skip
    violations = _violations(session)
    assert _named(violations, "status changes = events", f"status change {world.death}", "to_status", "'located'")
    assert _named(violations, "status changes = events", f"status change {world.death}", "confirmed_by", "'marie'")


def _delete_list(session: Session, list_id: int, *, persons_after: int = 0) -> None:
    """What someone with the database does to make a list disappear: its entries, persons, matches and shares."""
    entries = list(session.scalars(sa.select(Entry.id).where(Entry.list_id == list_id)))
    linked = sa.select(Match.person_id).where(Match.entry_id.in_(entries), Match.person_id > persons_after)
    persons = list(session.scalars(linked.distinct()))
    session.execute(sa.delete(StatusChange).where(StatusChange.person_id.in_(persons)))
    session.execute(sa.delete(Match).where(Match.person_id.in_(persons) | Match.entry_id.in_(entries)))
    session.execute(sa.update(Person).where(Person.merged_into_id.in_(persons)).values(merged_into_id=None))
    session.execute(sa.delete(Person).where(Person.id.in_(persons)))
    session.execute(sa.delete(Entry).where(Entry.list_id == list_id))
    _sql(session, "DELETE FROM list_shares WHERE list_id = :l", l=list_id)
    _sql(session, "DELETE FROM linked_lists WHERE list_id = :l", l=list_id)
    _sql(session, "DELETE FROM lists WHERE id = :l", l=list_id)


def test_a_deleted_list_with_its_entries_and_persons(session: Session, world: World) -> None:
    _delete_list(session, world.custody)
    violations = _violations(session)
    assert _named(violations, "import recorded", f"list {world.custody}", "the list does not")
    assert _named(violations, "lists = events", f"list {world.custody}", "is missing", "deleted outside")
    assert _named(violations, "persons = events", "person", "is missing")
    assert _named(violations, "matches = events", "match", "is missing")


def _receipts(session: Session) -> dict[str, dict[str, Any]]:
    return {"mediator.json": audit.checkpoint(session=session, key=Ed25519PrivateKey.generate())}


def _rechain(session: Session, changed: dict[int, dict[str, Any]]) -> None:
    """Rewrite events (id → new after) and recompute every hash after them, and the head: a wholesale rewrite."""
    drop_guards(session)
    prev = GENESIS_HASH
    for row in session.execute(sa.select(Event).order_by(Event.id)).scalars().all():
        fields = {c: getattr(row, c) for c in ("id", "occurred_at", "actor", "action", "subject_type", "subject_id",
                                               "before", "after", "reason")}  # fmt: skip
        fields["after"] = changed.get(row.id, fields["after"])
        new_hash = event_hash(fields, prev)
        if new_hash != row.hash or row.id in changed:
            session.execute(sa.update(Event).where(Event.id == row.id)
                            .values(after=fields["after"], prev_hash=prev, hash=new_hash))  # fmt: skip
        prev = new_hash
    last = session.scalar(sa.select(sa.func.max(Event.id)))
    session.execute(sa.update(ChainHead).values(last_event_id=last, last_hash=prev))


def test_who_confirmed_the_death_rewritten_with_every_hash_recomputed(session: Session, world: World) -> None:
    receipts = _receipts(session)
    assert audit.verify_receipts(session=session, receipts=receipts) > 0
    events = session.scalars(sa.select(Event).where(Event.subject_type == "status_changes",
                                                    Event.subject_id == str(world.death))).all()  # fmt: skip
    confirmed = next(e for e in events if e.after and e.after.get("confirmed_by") == "marie")
    _sql(session, "UPDATE status_changes SET confirmed_by = 'mallory' WHERE id = :c", c=world.death)
    _rechain(session, {confirmed.id: {**confirmed.after, "confirmed_by": "mallory"}})
    session.expire_all()
    assert account(session=session).ok  # the log now tells the forged story consistently...
    assert audit.verify(session=session) > 0
    with pytest.raises(IntegrityError) as caught:  # ...but not the one the mediator holds a receipt of
        audit.verify_receipts(session=session, receipts=receipts)
    head = receipts["mediator.json"]["head"]["event_id"]
    assert "receipt mediator.json" in str(caught.value) and f"event {head} has hash" in str(caught.value)


def test_a_whole_list_deleted_with_its_last_events_and_the_head_reset(session: Session, world: World) -> None:
    before = int(session.scalar(sa.select(sa.func.max(Event.id))) or 0)
    persons_before = int(session.scalar(sa.select(sa.func.max(Person.id))) or 0)
    late = submit_list(session=session, actor=auth.operator("cli:x"), path=EXAMPLES / "ru_custody.csv",
                       party_code="UA", kind="custody", name="late")  # fmt: skip
    receipts = _receipts(session)
    drop_guards(session)
    _delete_list(session, late.outcome.list_id, persons_after=persons_before)
    _sql(session, "DELETE FROM events WHERE id > :b", b=before)
    session.execute(sa.update(ChainHead).values(last_event_id=before,
                                                last_hash=sa.select(Event.hash).where(Event.id == before)
                                                .scalar_subquery()))  # fmt: skip
    session.expire_all()
    assert account(session=session).ok and audit.verify(session=session) == before  # nothing else shows it
    with pytest.raises(IntegrityError) as caught:
        audit.verify_receipts(session=session, receipts=receipts)
    head = receipts["mediator.json"]["head"]["event_id"]
    assert "receipt mediator.json (signed" in str(caught.value)
    assert f"event {head} is no longer in the chain, which ends at event {before}" in str(caught.value)


def test_a_forged_receipt_is_refused(session: Session, world: World) -> None:
    receipts = _receipts(session)
    receipts["mediator.json"]["head"]["hash"] = "0" * 64
    with pytest.raises(IntegrityError, match="receipt mediator.json: its signature does not match"):
        audit.verify_receipts(session=session, receipts=receipts)
