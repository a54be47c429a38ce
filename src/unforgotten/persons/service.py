"""Use cases for reading persons — always within the spaces the actor may read.

A person lives in one space (a side's or the mediator's). Every query here is scoped by
:func:`unforgotten.auth.service.readable_spaces`, so an id in another space is the same 404, from the same query,
as an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, CompoundSelect, Select, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from unforgotten.auth.service import Actor, readable_spaces
from unforgotten.db import AnySelect
from unforgotten.errors import NotFoundError
from unforgotten.lists.models import EntrySearchKey
from unforgotten.names.search import key_hash, key_hashes, parse_query
from unforgotten.persons.models import Match, MatchState, Person, current_persons

__all__ = [
    "count",
    "count_by_status",
    "display_names",
    "get_all",
    "get_ids",
    "get_visible_or_raise",
    "in_spaces",
    "search",
]

MAX_SEARCH_RESULTS = 500


def in_spaces(query: AnySelect, actor: Actor) -> AnySelect:
    """Keep only persons of the spaces the actor may read (every space for the local operator)."""
    spaces = readable_spaces(actor)
    return query if spaces is None else query.where(Person.space_id.in_(spaces))


def get_visible_or_raise(*, session: Session, actor: Actor, person_id: int, current: bool = False) -> Person:
    """Return the person if it is in a space the actor reads (and, with ``current``, neither merged nor retired)."""
    query = in_spaces(select(Person).where(Person.id == person_id), actor)
    if current:
        query = query.where(current_persons())
    person: Person | None = session.scalars(query).first()
    if person is None:
        raise NotFoundError(f"no {'current ' if current else ''}person with id {person_id}")
    return person


def get_all(
    *, session: Session, actor: Actor, limit: int = 100, offset: int = 0, space_id: int | None = None
) -> Sequence[Person]:
    """Return the current persons the actor may see, in id order, one page (optionally of one space)."""
    query = in_spaces(select(Person).where(current_persons()), actor)
    if space_id is not None:
        query = query.where(Person.space_id == space_id)
    return session.scalars(query.order_by(Person.id).limit(limit).offset(offset)).all()


def display_names(*, session: Session, actor: Actor, person_ids: Iterable[int]) -> dict[int, str]:
    """The display names of those of ``person_ids`` the actor may see (the others are simply absent)."""
    wanted = sorted(set(person_ids))
    names: dict[int, str] = {}
    for start in range(0, len(wanted), 5_000):  # within every database's parameter limit
        query = in_spaces(select(Person.id, Person.display_name), actor).where(
            Person.id.in_(wanted[start : start + 5_000])
        )
        names.update((int(i), name or "") for i, name in session.execute(query))
    return names


def count(*, session: Session, actor: Actor) -> int:
    """How many current persons the actor may see."""
    return int(session.scalar(in_spaces(select(func.count()).where(current_persons()), actor)) or 0)


def count_by_status(*, session: Session, actor: Actor) -> list[tuple[str, str, int]]:
    """(space, status, persons) over the persons the actor may see, by space, most frequent status first.

    Each space counts its own persons: one individual seen by a side and by the mediator is one person in each.
    """
    from unforgotten.auth.models import Party

    query = in_spaces(
        select(Party.code, Person.status, func.count())
        .join(Party, Party.id == Person.space_id)
        .where(current_persons()),
        actor,
    )
    grouped = query.group_by(Party.code, Person.status).order_by(Party.code, func.count().desc(), Person.status)
    return [(str(space), str(status), int(n)) for space, status, n in session.execute(grouped)]


def get_ids(*, session: Session, actor: Actor) -> set[int] | None:
    """Ids of the current persons the actor may see (``None``: every space)."""
    if readable_spaces(actor) is None:
        return None
    return {int(i) for i in session.scalars(in_spaces(select(Person.id).where(current_persons()), actor))}


def search(*, session: Session, actor: Actor, query: str, limit: int = 20) -> tuple[Sequence[Person], int]:
    """Find the current persons the actor may see whose entries match the query; best first, with the total.

    The query's keys (:func:`unforgotten.names.search.parse_query`) are looked up in the entries' search index;
    an entry answers if it has a key of every word of the query, and scores the number of the query's keys it
    has; a person scores the best score of its accepted entries. Only accepted matches into persons of the
    actor's spaces count, so an entry the actor's spaces do not see never reaches the answer.
    """
    parsed = parse_query(query)
    if not parsed.words:
        return [], 0
    # Entries with a key of every word, scored by how many of the query's keys they have. The first word drives
    # (a word with no given-name group first: surnames and ids are rarer than given names); the others are
    # checked and counted per driven entry on the primary key, so the planner sees as many rows as the driving
    # word has. 1M entries, "Shevchenko Oleksandr": intersecting every word's index rows read 637 000 of them
    # (170 ms); driving by the surname reads 3 400.
    words = sorted(parsed.words, key=lambda word: (any(k.startswith("g:") for k in word), -len(word)))
    driven = (
        select(EntrySearchKey.entry_id, func.count().label("score"))
        .where(EntrySearchKey.key.in_(key_hashes(words[0])))
        .group_by(EntrySearchKey.entry_id)
        .subquery()
    )
    counts: list[ColumnElement[int]] = [driven.c.score]
    for number, word in enumerate(words[1:]):
        other = aliased(EntrySearchKey)
        of_word = select(func.count()).where(other.entry_id == driven.c.entry_id, other.key.in_(key_hashes(word)))
        counts.append(of_word.scalar_subquery().label(f"w{number}"))
    per_word = select(driven.c.entry_id, *counts).subquery()
    answering: Select[int, int] | CompoundSelect[int, int] = select(
        per_word.c.entry_id, sum((per_word.c[c.name] for c in counts[1:]), per_word.c.score).label("score")
    ).where(*(per_word.c[c.name] > 0 for c in counts[1:]))
    if parsed.identifier is not None:  # the whole query as one identifier (ids written with spaces)
        by_id = select(EntrySearchKey.entry_id, literal(1).label("score"))
        answering = union_all(answering, by_id.where(EntrySearchKey.key == key_hash(parsed.identifier)))
    scores = answering.subquery()
    found = in_spaces(
        select(Person.id.label("person_id"), func.max(scores.c.score).label("score"))
        .join(Match, Match.person_id == Person.id)
        .join(scores, scores.c.entry_id == Match.entry_id)
        .where(Match.state == MatchState.ACCEPTED, current_persons()),
        actor,
    )
    best = found.group_by(Person.id).subquery()
    page = (
        select(Person, func.count().over().label("total"))  # the total in the same pass as the page
        .join(best, best.c.person_id == Person.id)
        .order_by(best.c.score.desc(), Person.id)
        .limit(max(1, min(limit, MAX_SEARCH_RESULTS)))
    )
    rows = session.execute(page).all()
    return [row[0] for row in rows], int(rows[0][1]) if rows else 0
