"""Use cases for reading persons — always within the spaces the actor may read.

A person lives in one space (a side's or the mediator's). Every query here is scoped by
:func:`unforgotten.auth.service.readable_spaces`, so an id in another space is the same 404, from the same query,
as an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import nullcontext

from sqlalchemy import ColumnExpressionArgument, CompoundSelect, Select, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from unforgotten.auth.service import Actor, readable_spaces
from unforgotten.db import AnySelect, planner_setting
from unforgotten.errors import NotFoundError, Text
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
        raise NotFoundError(
            Text("no current person with id {person_id}", person_id=person_id)
            if current
            else Text("no person with id {person_id}", person_id=person_id)
        )
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
    spaces = readable_spaces(actor)
    # Entries with a key of every word, scored by how many of the query's keys they have. The rarest word drives
    # (:func:`_rarest_first`, which also drops the keys no entry has); each other word then keeps the driven
    # entries that have one of its keys and adds how many, either probed per entry or by reading its rows once
    # (:func:`_probe`); only the entries left are looked up in the matches, on the partial unique index of
    # accepted matches by (entry, space). 1M entries, "Shevchenko Oleksandr": intersecting every word's index
    # rows read 637 000 of them (170 ms); driving by the surname reads 3 400.
    (driving, driver_rows), *others = ranked = _rarest_first(session, parsed.words)
    if not all(word for word, _ in ranked):  # a word no entry has a key of: only the whole id may answer
        driving, others = frozenset(), []
    answering: Select[int, int] = (
        select(EntrySearchKey.entry_id, func.count().label("score"))
        .where(EntrySearchKey.key.in_(key_hashes(driving)))
        .group_by(EntrySearchKey.entry_id)
    )
    for word, word_rows in others:
        answering = _and_word(answering, word, probe=_probe(driver_rows, word_rows))
    entries = answering.subquery()
    found_by: Select[int, int] | CompoundSelect[int, int]
    found_by = _accepted(select(Match.person_id, entries.c.score), entries.c.entry_id, spaces)
    if parsed.identifier is not None:  # the whole query as one identifier (ids written with spaces)
        by_id = select(Match.person_id, literal(1).label("score")).select_from(EntrySearchKey)
        by_id = by_id.where(EntrySearchKey.key == key_hash(parsed.identifier))
        found_by = union_all(found_by, _accepted(by_id, EntrySearchKey.entry_id, spaces))
    scores = found_by.subquery()
    found = in_spaces(
        select(Person.id.label("person_id"), func.max(scores.c.score).label("score"))
        .join(scores, scores.c.person_id == Person.id)
        .where(current_persons()),
        actor,
    )
    best = found.group_by(Person.id).subquery()
    page = (
        select(Person, func.count().over().label("total"))  # the total in the same pass as the page
        .join(best, best.c.person_id == Person.id)
        .order_by(best.c.score.desc(), Person.id)
        .limit(max(1, min(limit, MAX_SEARCH_RESULTS)))
    )
    # One word: its entries' matches are looked up by index, not all of the space's read (see the constant).
    one_word = planner_setting(session, "random_page_cost", _INDEXED_PAGE_COST) if not others else nullcontext()
    with one_word:
        rows = session.execute(page).all()
    return [row[0] for row in rows], int(rows[0][1]) if rows else 0


# How many index rows of each word are counted to find the rarest: a cap, so that counting a common given name
# (629 000 rows at 1M entries) costs a few milliseconds. Words past it are all broad; among them a word that is no
# given name (a surname, an id) drives, then the one with more keys (a longer word).
_RARITY_CAP = 20_000
# A broad word (its index rows past the cap) is checked per entry of the driving word while the driving word is
# not broad itself: one probe of the (entry, key) index per entry, which reads the entry's few keys (some 3-6 µs
# at 1M entries), against reading every row of the broad word once (0.09 µs a row, but 629,000 rows of Oleksandr:
# 54 ms). Both words broad, the probes would be more than the rows: the rows are read and joined.
# 1M entries, the CI suite on the same cores: "Ustymenko Oleksandr" 80 ms joined, 42 ms probed; "Haydets'
# Oleksiy" 24 -> 4 ms (docs/benchmarks.md, "Search").


# The cost PostgreSQL plans a random page read at for a one-word search (the default is 4.0, a spinning disk's;
# 1.1 is the usual figure for SSDs and cached data). A single typed surname (1,000-7,000 persons) hash-joined all
# 500,000 accepted matches of the space at the default, 90-170 ms; at 1.1 its entries are looked up by the (entry,
# space) index, 6-60 ms. Not for two words and more: their plans were measured slower at 1.1, by 5-35 ms ("Smetanko
# Oleksandr" 58 -> 65 ms; "Shapovalenko Oleksandr", both words broad, 113 -> 146 ms). 1M entries,
# docs/benchmarks.md, "Search".
_INDEXED_PAGE_COST = "1.1"


def _probe(driver_rows: int, word_rows: int) -> bool:
    """Whether to check ``word`` by probing per driven entry rather than by reading its rows (see above)."""
    return word_rows >= _RARITY_CAP > driver_rows


def _rarest_first(session: Session, words: Sequence[frozenset[str]]) -> list[tuple[frozenset[str], int]]:
    """The query's words, each with only its keys that some entry has, and its index rows, the fewest first.

    One statement counts each word's index rows up to a cap and asks of each key whether any entry has it. Why
    count and not guess by the kind of word: a surname may look like a given name to the lexicon's typo match
    (Kharytov ~ Khariton), and then driving by the given name read 629,000 rows and probed 209,000 entries (26
    s at 1M entries, where driving by the surname reads 5,800). Why drop the absent keys: most of a long word's
    keys are its skeletons with one consonant deleted, which few names have (Oleksandr: 5 of its 9 keys, none at
    1M entries), and each key is one more probe per checked entry. A word left without keys answers nothing.
    """

    def kind(word: frozenset[str]) -> tuple[bool, int]:
        return any(k.startswith("g:") for k in word), -len(word)

    if len(words) == 1:  # one word drives whatever its size, and an absent key costs it one probe: no statement
        return [(words[0], 0)]
    keys = sorted(set().union(*words))
    hashes = [key_hash(key) for key in keys]
    sizes = []
    for word in words:
        rows = select(literal(1)).where(EntrySearchKey.key.in_(key_hashes(word))).limit(_RARITY_CAP).subquery()
        sizes.append(select(func.count()).select_from(rows).scalar_subquery())
    present = [select(EntrySearchKey.entry_id).where(EntrySearchKey.key == h).exists() for h in hashes]
    answer = session.execute(select(*sizes, *present)).one()
    counted = [int(n) for n in answer[: len(sizes)]]
    live = {key for key, there in zip(keys, answer[len(sizes) :], strict=True) if there}
    order = sorted(range(len(words)), key=lambda i: (counted[i], kind(words[i]), i))
    return [(words[i] & live, counted[i]) for i in order]


def _and_word(answering: Select[int, int], word: frozenset[str], *, probe: bool) -> Select[int, int]:
    """Keep the (entry, score) rows of ``answering`` whose entry has a key of ``word``, adding how many it has.

    With ``probe``, a correlated count per entry: the database finds the entry's keys by the (entry, key) index
    and filters them (``key + 0`` keeps it from probing the primary key once per key of the word instead);
    otherwise a join to the word's own index rows, which the database reads once (a hash join) or probes, as it
    estimates.
    """
    kept = answering.subquery()
    other = aliased(EntrySearchKey)
    of_word = other.key.in_(key_hashes(word))
    if probe:
        among = (other.key + 0).in_(key_hashes(word))
        count = select(func.count()).where(other.entry_id == kept.c.entry_id, among).scalar_subquery()
        scored = select(kept.c.entry_id, kept.c.score.label("before"), (kept.c.score + count).label("score"))
        counted = scored.subquery()  # the count in one column, then a filter on it
        return select(counted.c.entry_id, counted.c.score).where(counted.c.score > counted.c.before)
    joined = select(kept.c.entry_id, (kept.c.score + func.count()).label("score")).join(
        other, other.entry_id == kept.c.entry_id
    )
    return joined.where(of_word).group_by(kept.c.entry_id, kept.c.score)


def _accepted(query: AnySelect, entry_id: ColumnExpressionArgument[int], spaces: frozenset[int] | None) -> AnySelect:
    """``query`` joined to the accepted matches of ``entry_id`` into the given spaces (every space: ``None``).

    The match's space is its person's: filtering on it here lets the partial unique index on (entry, space) of
    accepted matches drop the entries of other spaces before the persons are read; the person's own space is
    still checked (:func:`in_spaces`), so this is a shortcut, never the access rule.
    """
    query = query.join(Match, Match.entry_id == entry_id).where(Match.state == MatchState.ACCEPTED)
    return query if spaces is None else query.where(Match.space_id.in_(spaces))
