"""Use cases for persons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from unforgotten.errors import NotFoundError
from unforgotten.persons.models import Match, MatchState, Person

__all__ = ["count", "count_by_status", "get", "get_all", "get_or_raise"]


def get(*, session: Session, person_id: int) -> Person | None:
    """Return the person, if any."""
    return session.get(Person, person_id)


def get_or_raise(*, session: Session, person_id: int) -> Person:
    """Return the person or raise NotFoundError."""
    person = get(session=session, person_id=person_id)
    if person is None:
        raise NotFoundError(f"no person with id {person_id}")
    return person


def get_all(
    *,
    session: Session,
    limit: int = 100,
    offset: int = 0,
    entry_ids: Select[Any] | None = None,
    person_id: int | None = None,
) -> Sequence[Person]:
    """Return persons in id order, one page (merged ones left out; only those with an entry in ``entry_ids``)."""
    query = select(Person).where(Person.merged_into_id.is_(None)).order_by(Person.id)
    if person_id is not None:
        query = query.where(Person.id == person_id)
    if entry_ids is not None:
        linked = select(Match.person_id).where(Match.state == MatchState.ACCEPTED, Match.entry_id.in_(entry_ids))
        query = query.where(Person.id.in_(linked))
    return session.scalars(query.limit(limit).offset(offset)).all()


def count(*, session: Session, entry_ids: Select[Any] | None = None) -> int:
    """Return how many persons there are (with an entry in ``entry_ids``, when given)."""
    query = select(func.count()).where(Person.merged_into_id.is_(None))
    if entry_ids is not None:
        linked = select(Match.person_id).where(Match.state == MatchState.ACCEPTED, Match.entry_id.in_(entry_ids))
        query = query.where(Person.id.in_(linked))
    return int(session.scalar(query) or 0)


def count_by_status(*, session: Session) -> list[tuple[str, int]]:
    """Return (status, persons) pairs, most frequent first."""
    rows = session.execute(
        select(Person.status, func.count())
        .where(Person.merged_into_id.is_(None))
        .group_by(Person.status)
        .order_by(func.count().desc(), Person.status)
    )
    return [(str(status), int(n)) for status, n in rows]
