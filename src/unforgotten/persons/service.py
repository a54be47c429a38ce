"""Use cases for persons."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.db import AnySelect
from unforgotten.errors import NotFoundError
from unforgotten.persons.models import Match, MatchState, Person

__all__ = ["count", "count_by_status", "get", "get_all", "get_ids", "get_or_raise"]


def _with_entries_in(query: AnySelect, entry_ids: AnySelect | None) -> AnySelect:
    """Keep only persons with an accepted entry among ``entry_ids`` (what a viewer may see)."""
    if entry_ids is None:
        return query
    linked = select(Match.person_id).where(Match.state == MatchState.ACCEPTED, Match.entry_id.in_(entry_ids))
    return query.where(Person.id.in_(linked))


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
    entry_ids: AnySelect | None = None,
    person_id: int | None = None,
) -> Sequence[Person]:
    """Return persons in id order, one page (merged ones left out; only those with an entry in ``entry_ids``)."""
    query = select(Person).where(Person.merged_into_id.is_(None)).order_by(Person.id)
    if person_id is not None:
        query = query.where(Person.id == person_id)
    query = _with_entries_in(query, entry_ids)
    return session.scalars(query.limit(limit).offset(offset)).all()


def count(*, session: Session, entry_ids: AnySelect | None = None) -> int:
    """Return how many persons there are (with an entry in ``entry_ids``, when given)."""
    query = select(func.count()).where(Person.merged_into_id.is_(None))
    query = _with_entries_in(query, entry_ids)
    return int(session.scalar(query) or 0)


def count_by_status(*, session: Session, entry_ids: AnySelect | None = None) -> list[tuple[str, int]]:
    """Return (status, persons) pairs, most frequent first (persons with an entry in ``entry_ids``, when given)."""
    query = select(Person.status, func.count()).where(Person.merged_into_id.is_(None))
    query = _with_entries_in(query, entry_ids)
    rows = session.execute(query.group_by(Person.status).order_by(func.count().desc(), Person.status))
    return [(str(status), int(n)) for status, n in rows]


def get_ids(*, session: Session, entry_ids: AnySelect | None) -> set[int] | None:
    """Ids of the current persons with an entry among ``entry_ids`` (``None``: no restriction)."""
    if entry_ids is None:
        return None
    query = _with_entries_in(select(Person.id).where(Person.merged_into_id.is_(None)), entry_ids)
    return {int(i) for i in session.scalars(query)}
