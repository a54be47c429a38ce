"""The review queue keeps every accepted entry with exactly one person through accept, reject, merge, split."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor
from unforgotten.errors import ConflictError, PermissionDeniedError
from unforgotten.lists.models import Entry, List
from unforgotten.persons import review
from unforgotten.persons.models import Match, MatchState, Person

SPACE = 0  # set by the fixture: UA's space, where these entries are linked


def coordinator() -> Actor:
    return Actor(name="c", role=Role.PARTY_COORDINATOR, party_id=SPACE, party_code="UA")


def viewer() -> Actor:
    return Actor(name="v", role=Role.PARTY_VIEWER, party_id=SPACE, party_code="UA")


def outsider() -> Actor:
    return Actor(name="r", role=Role.PARTY_COORDINATOR, party_id=SPACE + 1, party_code="RU")


@pytest.fixture
def entries(session: Session) -> list[int]:
    global SPACE
    ua = auth.create(session=session, code="UA", name="Ukraine")
    auth.create(session=session, code="RU", name="Russia")
    SPACE = ua.id
    lst = List(
        party_id=ua.id,
        kind="request",
        name="r",
        file_name="r.csv",
        file_hash="a" * 64,
        file_format="csv",
        submitted_by="t",
    )
    session.add(lst)
    session.flush()
    ids = []
    for row in range(1, 4):
        entry = Entry(list_id=lst.id, row_number=row, status="accepted", raw={"n": str(row)}, findings=[])
        session.add(entry)
        session.flush()
        ids.append(entry.id)
    return ids


def one_person_each(session: Session, entry_ids: list[int]) -> None:
    for entry_id in entry_ids:
        count = session.scalar(
            sa.select(sa.func.count()).where(Match.entry_id == entry_id, Match.state == MatchState.ACCEPTED)
        )
        assert count == 1


def test_accept_moves_the_entry_and_retires_the_empty_person(session: Session, entries: list[int]) -> None:
    a = review.new_person(
        session=session, space_id=SPACE, entry_id=entries[0], status="requested", display_name="A", decided_by="t"
    )
    b = review.new_person(
        session=session, space_id=SPACE, entry_id=entries[1], status="requested", display_name="B", decided_by="t"
    )
    pending = review.propose(
        session=session, space_id=SPACE, entry_id=entries[1], person_id=a.id, probability=0.7, explanation={}
    )
    session.flush()
    assert [m.id for m in review.get_pending(session=session, actor=coordinator())] == [pending.id]
    review.accept(session=session, actor=coordinator(), match_id=pending.id, reason="same service number")
    one_person_each(session, entries[:2])
    assert review.current_match(session=session, entry_id=entries[1], space_id=SPACE).person_id == a.id
    assert session.get(Person, b.id).merged_into_id == a.id  # type: ignore[union-attr]
    with pytest.raises(ConflictError):
        review.accept(session=session, actor=coordinator(), match_id=pending.id, reason="again")


def test_reject_keeps_the_entry_and_needs_a_reviewer(session: Session, entries: list[int]) -> None:
    a = review.new_person(
        session=session, space_id=SPACE, entry_id=entries[0], status="requested", display_name="A", decided_by="t"
    )
    review.new_person(
        session=session, space_id=SPACE, entry_id=entries[1], status="requested", display_name="B", decided_by="t"
    )
    pending = review.propose(
        session=session, space_id=SPACE, entry_id=entries[1], person_id=a.id, probability=0.6, explanation={}
    )
    session.flush()
    with pytest.raises(PermissionDeniedError):
        review.reject(session=session, actor=viewer(), match_id=pending.id, reason="no")
    review.reject(session=session, actor=coordinator(), match_id=pending.id, reason="different father")
    assert review.current_match(session=session, entry_id=entries[1], space_id=SPACE).person_id != a.id
    one_person_each(session, entries[:2])


def test_merge_then_split(session: Session, entries: list[int]) -> None:
    people = [
        review.new_person(
            session=session, space_id=SPACE, entry_id=e, status="requested", display_name=str(e), decided_by="t"
        )
        for e in entries
    ]
    review.merge(session=session, actor=coordinator(), keep_id=people[0].id, merge_id=people[1].id, reason="twins? no")
    assert review.current_match(session=session, entry_id=entries[1], space_id=SPACE).person_id == people[0].id
    with pytest.raises(ConflictError):
        review.merge(session=session, actor=coordinator(), keep_id=people[1].id, merge_id=people[2].id, reason="x")
    fresh = review.split(
        session=session,
        actor=coordinator(),
        entry_id=entries[1],
        space_id=SPACE,
        status="requested",
        display_name="x",
        reason="brothers",
    )
    assert review.current_match(session=session, entry_id=entries[1], space_id=SPACE).person_id == fresh.id
    with pytest.raises(ConflictError):
        review.split(
            session=session,
            actor=coordinator(),
            entry_id=entries[2],
            space_id=SPACE,
            status="requested",
            display_name="y",
            reason="alone",
        )
    one_person_each(session, entries)


def test_another_space_sees_nothing_and_changes_nothing(session: Session, entries: list[int]) -> None:
    from unforgotten.errors import NotFoundError

    a = review.new_person(session=session, space_id=SPACE, entry_id=entries[0], status="requested", display_name="A",
                          decided_by="t")  # fmt: skip
    b = review.new_person(session=session, space_id=SPACE, entry_id=entries[1], status="requested", display_name="B",
                          decided_by="t")  # fmt: skip
    pending = review.propose(session=session, space_id=SPACE, entry_id=entries[1], person_id=a.id, probability=0.7,
                             explanation={})  # fmt: skip
    session.flush()
    assert review.get_pending(session=session, actor=outsider()) == []
    for attempt in (
        lambda: review.accept(session=session, actor=outsider(), match_id=pending.id, reason="x"),
        lambda: review.reject(session=session, actor=outsider(), match_id=pending.id, reason="x"),
        lambda: review.merge(session=session, actor=outsider(), keep_id=a.id, merge_id=b.id, reason="x"),
    ):
        with pytest.raises(NotFoundError):
            attempt()
    assert pending.state == "pending" and b.merged_into_id is None
