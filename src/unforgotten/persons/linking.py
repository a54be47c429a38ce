"""Linking a space's new entries into its persons, at the cost of the new list rather than of the space.

Why this shape (issue 10): a national registry holds millions of entries and receives lists daily. A small space
(at most :data:`~unforgotten.linkage.model.SMALL_LISTS` entries with the new ones) is linked as it always was, every
linked entry loaded and the broad rules for small lists on. A larger one pulls out of the database only the entries
that share a blocking key with the new list (:mod:`unforgotten.linkage.keys`, stored per entry), with the space's
surname frequencies, and links the list against just those: the same pairs and probabilities Splink gives against
the whole space, for a cost that follows the new list. Persons and matches are written in bulk, each with its audit
event (:func:`unforgotten.audit.recorder.record_inserts`), so replay and accounting see what the ORM would write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.db import IN_CHUNK, analyze_written, copy_rows, in_chunks
from unforgotten.lists import service as lists
from unforgotten.lists.models import Entry, EntryStatus, List
from unforgotten.lists.search import index_unlinked
from unforgotten.persons import writing
from unforgotten.persons.frequencies import add_linked, forget, space_frequencies
from unforgotten.persons.models import (
    EntryLinkKey,
    LinkedList,
    Match,
    MatchState,
    SpaceModel,
    accepted_in_space,
)

if TYPE_CHECKING:  # the engine is imported only when linking runs: `unforgotten --help` stays fast
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

    from unforgotten.linkage import Assignment, LinkageModel

__all__ = ["MAX_ESTIMATE_ROWS", "REESTIMATE_GROWTH", "display_name", "entry_row", "link_all", "link_space",
           "space_model"]  # fmt: skip

# Re-estimate a space's model when it has grown by this share since the last estimate: the cost of a new list
# then follows the new list, not the space, for all but one import in every few.
REESTIMATE_GROWTH = 0.25
# A space's model is estimated on at most this many of its entries (evenly spread over their ids, so the sample is
# the same for the same entries): training samples this many rows anyway, and memory must not follow the space.
MAX_ESTIMATE_ROWS = 60_000
_ENTRY_COLUMNS = (Entry.id, Entry.list_id, Entry.record_id, *(getattr(Entry, c) for c in CANONICAL_COLUMNS
                                                                if c != "record_id"))  # fmt: skip


def display_name(entry: Any) -> str:
    """How a person is shown: the names of the entry that created it, as written (an Entry or a row of one)."""
    parts = [entry.family_name, entry.given_name, entry.patronymic]
    name = " ".join(p for p in parts if p)
    return name or entry.full_name or entry.record_id or f"entry {entry.id}"


def entry_row(entry: Any) -> dict[str, str | None]:
    """An entry (or a row of one) in the canonical columns, with its entry id as the record id.

    Entry ids are unique across lists; the files' record ids are not.
    """
    row: dict[str, str | None] = {c: getattr(entry, c) for c in CANONICAL_COLUMNS}
    row["record_id"] = str(entry.id)
    return row


_SELECTED = tuple(c for c in CANONICAL_COLUMNS if c != "record_id")  # after id, list_id, record_id: _ENTRY_COLUMNS


def _selected_row(row: Any) -> dict[str, str | None]:
    """:func:`entry_row` of a row selected with :data:`_ENTRY_COLUMNS` first, read by position: getting 22
    attributes by name per row was ~2 s of a 200,000-row list's link (and of each 200,000 candidates)."""
    out: dict[str, str | None] = {"record_id": str(row[0])}
    out.update(zip(_SELECTED, row[3 : 3 + len(_SELECTED)], strict=True))
    return out


def _streamed(session: Session, query: Any, names: dict[int, str] | None = None) -> Iterator[dict[str, str | None]]:
    """The query's entries as canonical rows, read a few thousand at a time (noting each one's display name).

    Why: a list's rows held at once as dicts, only to be turned into features, were 300 MB of a 200,000-row list
    that Python kept after they were freed (its allocator rarely hands memory back), under DuckDB's own peak.
    """
    for row in session.execute(query.execution_options(yield_per=IN_CHUNK)):
        if names is not None:
            names[row.id] = display_name(row)
        yield _selected_row(row)


def link_all(*, session: Session, decided_by: str, lower: float | None = None) -> int:
    """Link, in every space, each visible accepted entry that has no person there yet; return how many.

    Every list is read, even those a space has recorded as linked through: this is the repair the accounting
    proof points to, so it trusts no bookkeeping."""
    from unforgotten.auth.models import Party

    total = 0
    for space_id in session.scalars(select(Party.id).order_by(Party.id)).all():
        total += link_space(session=session, space_id=space_id, decided_by=decided_by, lower=lower, every_list=True)
    return total


def link_space(
    *, session: Session, space_id: int, decided_by: str, lower: float | None = None, every_list: bool = False
) -> int:
    """Link every accepted entry visible in a space that has no person there yet: to an existing person of the
    space, to a new one, or for review.

    Lists are linked one at a time, oldest first, each into the persons the ones before made: a list's own
    duplicates are grouped more strictly than entries of different lists are linked (one clerk wrote both).
    Existing persons keep their ids (no retraining of what is already linked); entries in the review band are
    given their own person at once — every accepted entry always belongs to exactly one in each space that sees
    it — with a pending suggestion for a reviewer. Returns how many entries were linked.

    Only the lists the space has not linked through (:class:`LinkedList`) are read for waiting entries, unless
    ``every_list``; each list read is recorded as linked through at the end.
    """
    from unforgotten.linkage.model import SMALL_LISTS

    visible = lists.linkable_lists_in_space([space_id])  # withdrawn lists link nowhere
    done = set(session.scalars(select(LinkedList.list_id).where(LinkedList.space_id == space_id)))
    unread = [i for i in session.scalars(visible.order_by(List.id)) if every_list or i not in done]
    if not unread:
        return 0
    # NOT EXISTS, never NOT IN: PostgreSQL cannot turn NOT IN into an anti-join (NULLs), and once the linked ids
    # outgrow work_mem it compares each entry with every one of them — 346,000 × 346,000, hours (the load benchmark)
    linked = accepted_in_space(space_id).where(Match.entry_id == Entry.id).exists()
    waiting = (Entry.status == EntryStatus.ACCEPTED, Entry.list_id.in_(unread), ~linked)
    per_list = session.execute(
        select(Entry.list_id, func.count()).where(*waiting).group_by(Entry.list_id).order_by(Entry.list_id)
    ).all()
    if not per_list:
        _linked_through(session, space_id, unread, done)
        return 0
    existing = _linked_count(session, space_id)
    state = _state(session, space_id)
    if existing == 0:
        state.keys_version = _keys_version()  # every entry this space will hold is keyed as it is linked
    kinds: dict[int, str] = {i: k for i, k in session.execute(select(List.id, List.kind).where(List.id.in_(visible)))}
    waiting_ids = select(Entry.id).where(*waiting)
    total = sum(count for _, count in per_list)
    from unforgotten.linkage import compact_features, features

    # One helper thread for what is DuckDB's work (the model's estimate, scoring), which lets go of the interpreter,
    # while this one goes on with what needs the session or Python: the list's features, its search index and keys.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="linking") as background:
        model = _space_model_soon(
            session=session,
            space_id=space_id,
            size=existing + total,
            load=lambda: _estimate_rows(session, space_id, session.scalars(waiting_ids).all()),
            background=background,
        )
        for list_id, count in per_list:
            # One list at a time, and only what linking needs of it kept: the rows go once their features are made.
            names: dict[int, str] = {}
            query = select(*_ENTRY_COLUMNS).where(*waiting, Entry.list_id == list_id).order_by(Entry.id)
            small = existing + count <= SMALL_LISTS
            # Once: linking, keys and frequencies all read them; compact where a list can be large (and the review
            # pass, which reads them as Python values, does not run)
            fresh = (features if small else compact_features)(_streamed(session, query, names))
            if small:
                linking: Future[list[Assignment]] = Future()
                linking.set_result(_link_small(session, space_id, fresh, model(), lower))
            else:
                if existing and state.keys_version != _keys_version():
                    _rekey_space(session, space_id)
                    state.keys_version = _keys_version()
                linking = _link_keyed(session, space_id, fresh, existing, model(), lower, background)
                if existing:  # scoring a large space's candidates within the memory budget, which counts only what
                    wait([linking])  # the process held when it began: nothing grows beside it (+122 MiB at 1.2 M)
            index_unlinked(session, list_id)  # searchable from the moment it has persons (before its first matches)
            keys = _new_keys(session, list(names), fresh)
            writing.write_assignments(session, space_id, names, kinds[list_id], linking.result(), decided_by)
            del linking
            add_linked(session, space_id, fresh)
            _write_keys(session, keys)
            existing += len(names)
    _linked_through(session, space_id, unread, done)
    session.flush()
    # the persons, matches and keys just written, for the queries that follow
    analyze_written(session, total, "persons", "matches", "entry_link_keys", "entry_search_keys", "audit_data_keys",
                    "events")  # fmt: skip
    return total


def _linked_through(session: Session, space_id: int, list_ids: Sequence[int], done: set[int]) -> None:
    """Record that every accepted entry of these lists now has a person in the space (those not yet recorded)."""
    session.add_all(LinkedList(space_id=space_id, list_id=i) for i in list_ids if i not in done)


def _keys_version() -> int:
    from unforgotten.linkage.keys import KEYS_VERSION

    return KEYS_VERSION


def _linked_count(session: Session, space_id: int) -> int:
    return session.scalar(
        select(func.count()).where(Match.state == MatchState.ACCEPTED, Match.space_id == space_id)
    ) or 0  # fmt: skip


def _state(session: Session, space_id: int) -> SpaceModel:
    """The space's cache row (made on first use: ``rows == 0`` and no settings until a model is estimated)."""
    cached = session.get(SpaceModel, space_id)
    if cached is None:
        cached = SpaceModel(space_id=space_id, rows=0, threshold=0.0, settings={}, trained_on={}, keys_version=0)
        session.add(cached)
        session.flush()
    return cached


def _linked_query(space_id: int) -> Any:
    """Entries linked in the space, each with its person."""
    return select(*_ENTRY_COLUMNS, Match.person_id).join(
        Match, (Match.entry_id == Entry.id) & (Match.state == MatchState.ACCEPTED) & (Match.space_id == space_id)
    )


def _linked_rows(session: Session, space_id: int) -> list[dict[str, Any]]:
    """Rows of every entry linked in a small space, each with its person."""
    found = session.execute(_linked_query(space_id).order_by(Entry.id)).all()
    return [{**_selected_row(row), "person_id": str(row.person_id)} for row in found]


def _candidate_rows(
    session: Session, space_id: int, entry_ids: Iterable[int], person_of: dict[str, int]
) -> Iterator[dict[str, str | None]]:
    """The rows of these entries linked in the space, a chunk of ids at a time, each entry's person noted in
    ``person_of``: a large list's candidates are a large part of the space, and only their features are kept."""
    query = _linked_query(space_id)
    for chunk in in_chunks(sorted(entry_ids)):
        for row in session.execute(query.where(Entry.id.in_(chunk))):
            person_of[str(row.id)] = row.person_id
            yield _selected_row(row)


def _link_small(
    session: Session, space_id: int, fresh: pd.DataFrame, model: LinkageModel, lower: float | None
) -> list[Assignment]:
    from unforgotten.linkage import DEFAULT_REVIEW_FLOOR, link_into_persons

    floor = DEFAULT_REVIEW_FLOOR if lower is None else lower
    existing_rows = _linked_rows(session, space_id)
    return link_into_persons([], existing_rows, lower=floor, model=model, broad=True, new_features=fresh)


def _link_keyed(
    session: Session,
    space_id: int,
    fresh: pd.DataFrame,
    existing: int,
    model: LinkageModel,
    lower: float | None,
    background: Executor,
) -> Future[list[Assignment]]:
    """Link one list against the space's entries that share a blocking key with it, with the space's frequencies:
    the candidates read here, the scoring and clustering in ``background`` (it touches no session)."""
    from unforgotten.linkage import DEFAULT_REVIEW_FLOOR, compact_features, link_into_persons
    from unforgotten.linkage.keys import probe_keys

    floor = DEFAULT_REVIEW_FLOOR if lower is None else lower
    term_frequencies = None
    person_of: dict[str, int] = {}
    known: pd.DataFrame | None = None
    if existing:
        probes = probe_keys(fresh)
        # Every entry found by a key, whichever spaces link it: reading the rows keeps only this space's (a join),
        # and a test of the space per key row here cost as much again (4.4 → 8.3 s for 1.6 million probes).
        ids: set[int] = set()
        for start in range(0, len(probes), IN_CHUNK):
            chunk = probes[start : start + IN_CHUNK].tolist()
            ids.update(session.scalars(select(EntryLinkKey.entry_id).where(EntryLinkKey.key.in_(chunk))))
        # read by frequencies and scoring only; compact: at a million entries they are hundreds of thousands of rows
        known = compact_features(_candidate_rows(session, space_id, ids, person_of))
        del probes, ids  # tens of MB each for a large list, held otherwise through scoring (the peak)
        term_frequencies = {"family_key": space_frequencies(session, space_id, fresh, known, existing)}
    return background.submit(
        link_into_persons,
        [],
        [],
        person_ids=person_of,
        lower=floor,
        model=model,
        broad=False,
        term_frequencies=term_frequencies,
        space_size=existing,
        new_features=fresh,
        existing_features=known,
    )


def _store_keys(session: Session, entry_ids: Sequence[int], frame: pd.DataFrame) -> None:
    """Write the blocking keys of just-linked entries that have none of this version yet."""
    _write_keys(session, _new_keys(session, entry_ids, frame))


def _new_keys(
    session: Session, entry_ids: Sequence[int], frame: pd.DataFrame
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(keys, entry ids) of the entries of ``frame`` that have no keys of this version yet (an entry shared with
    the mediator is linked in two spaces, and keyed once), ordered by key: the order the index is written in.

    Made a slice of rows at a time, so that only one slice's Python values exist at once; held as arrays (44 MB
    for a 200,000-row list's 2.75 million keys)."""
    import numpy as np

    from unforgotten.linkage.keys import stored_key_arrays  # with each entry's marker (see _keyed)

    keyed = _keyed(session, entry_ids)
    if keyed:
        frame = frame[~frame["record_id"].astype(int).isin(keyed)]
    entries = frame["record_id"].astype(np.int64).to_numpy()
    found_keys, found_entries = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    for start in range(0, len(frame), 20_000):
        positions, keys = stored_key_arrays(frame.iloc[start : start + 20_000])
        found_keys.append(keys)
        found_entries.append(entries[start + positions])
    keys, ids = np.concatenate(found_keys), np.concatenate(found_entries)
    order = np.lexsort((ids, keys))  # slices hold distinct entries: no pair repeats across them
    return keys[order], ids[order]


def _write_keys(session: Session, keys: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]) -> None:
    for start in range(0, len(keys[0]), 100_000):
        end = start + 100_000
        rows = zip(keys[0][start:end].tolist(), keys[1][start:end].tolist(), strict=True)
        copy_rows(session, "entry_link_keys", ("key", "entry_id"), rows)


def _keyed(session: Session, entry_ids: Sequence[int]) -> set[int]:
    """Which of these entries are keyed with this version: one range of the (key, entry_id) index."""
    from unforgotten.linkage.keys import marker_key

    marker = marker_key()
    found: set[int] = set()
    for chunk in in_chunks(sorted(entry_ids)):
        query = select(EntryLinkKey.entry_id).where(EntryLinkKey.key == marker, EntryLinkKey.entry_id.in_(chunk))
        found.update(session.scalars(query))
    return found


def _rekey_space(session: Session, space_id: int) -> None:
    """Key every entry linked in the space that has no keys of this version (the space predates them, or the
    version changed)."""
    from unforgotten.linkage import features

    forget(session, space_id)  # counted by the keys of the old version
    ids = session.scalars(accepted_in_space(space_id).order_by(Match.entry_id)).all()
    for chunk in in_chunks(ids, 20_000):
        rows = session.execute(select(*_ENTRY_COLUMNS).where(Entry.id.in_(chunk))).all()
        _store_keys(session, [row.id for row in rows], features([_selected_row(row) for row in rows]))


def _estimate_rows(session: Session, space_id: int, new_ids: Sequence[int]) -> Iterator[dict[str, str | None]]:
    """At most :data:`MAX_ESTIMATE_ROWS` of the space's entries, old and new, evenly spread over their ids (read a
    chunk at a time: the estimate keeps only their features)."""
    old_ids = session.scalars(accepted_in_space(space_id)).all()
    ids = sorted([*old_ids, *new_ids])
    if len(ids) > MAX_ESTIMATE_ROWS:
        step = len(ids) / MAX_ESTIMATE_ROWS
        ids = [ids[int(i * step)] for i in range(MAX_ESTIMATE_ROWS)]
    for chunk in in_chunks(ids):
        yield from _streamed(session, select(*_ENTRY_COLUMNS).where(Entry.id.in_(chunk)))


def space_model(
    *, session: Session, space_id: int, size: int, load: Callable[[], Iterable[dict[str, str | None]]]
) -> LinkageModel:
    """The space's own linkage model: re-estimated on its entries (the shipped model as the prior) when there are
    enough and the space grew by :data:`REESTIMATE_GROWTH` since the last estimate; cached otherwise.

    Deterministic (seeded, rows ordered by entry id, a sample spread evenly over the ids), and fed only the space's
    rows, so another space's data never moves it. ``size`` is how many entries the space holds with the new ones;
    ``load`` gives the rows to estimate on, called only when an estimate is due. Below
    :data:`~unforgotten.linkage.MIN_ESTIMATE_ROWS` the shipped model is used as it is.
    """
    return _space_model_soon(session=session, space_id=space_id, size=size, load=load, background=None)()


def _space_model_soon(
    *,
    session: Session,
    space_id: int,
    size: int,
    load: Callable[[], Iterable[dict[str, str | None]]],
    background: Executor | None,
) -> Callable[[], LinkageModel]:
    """:func:`space_model`, its estimate (if one is due) run in ``background`` once the rows are read and their
    features made; the call returned waits for it and caches it in the session (once), then gives the model."""
    from unforgotten.linkage import MIN_ESTIMATE_ROWS, default_model, estimate_from_features, features

    cached = session.get(SpaceModel, space_id)
    estimated = cached is not None and cached.rows > 0 and bool(cached.settings)
    if size < MIN_ESTIMATE_ROWS:
        kept = _as_model(cached) if estimated and cached is not None else default_model()
        return lambda: kept
    if estimated and cached is not None and size < cached.rows * (1 + REESTIMATE_GROWTH):
        known = _as_model(cached)
        return lambda: known
    estimate = partial(
        estimate_from_features, features(load()), prior=default_model(), seed=1, min_rows=MIN_ESTIMATE_ROWS
    )
    if background is not None:
        pending = background.submit(estimate)  # the helper drops the sample's features once it has estimated
    else:
        pending = Future()
        pending.set_result(estimate())
    del estimate

    @cache
    def model() -> LinkageModel:
        learned = pending.result()
        state = _state(session, space_id)
        state.rows, state.threshold = size, learned.threshold
        state.settings, state.trained_on = learned.splink_settings, dict(learned.trained_on)
        state.estimated_at = dt.datetime.now(dt.UTC)
        session.flush()
        return learned

    return model


def _as_model(cached: SpaceModel) -> LinkageModel:
    from unforgotten.linkage import LinkageModel

    return LinkageModel(splink_settings=cached.settings, threshold=cached.threshold, trained_on=cached.trained_on)
