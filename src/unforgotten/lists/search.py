"""The search index of entries: the hashes of their name, id and birth-date keys in ``entry_search_keys``.

Search answers persons, and an entry reaches a person only when it is linked, so an entry is indexed when it is
first linked, in any space (:func:`index_unlinked`, called by linking right before it writes the entry's first
matches, in the same transaction) — not at import: reading and storing a list stays within its own budget, and an
entry no space has linked could not be found anyway. Entries linked before the index existed are indexed by the
migrations that (re)built it (:func:`index_missing`).
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from unforgotten.db import copy_rows
from unforgotten.lists.models import Entry, EntrySearchKey, EntryStatus
from unforgotten.names.search import entry_search_hashes

__all__ = ["index_missing", "index_unlinked"]

# Entries per batch: each batch's keys are written in key order, so a larger batch touches each index page once
# for more rows (10,000 entries are some 120,000 keys, a few MB).
_BATCH = 10_000
_FIELDS = ("family_name", "given_name", "patronymic", "full_name", "alternate_names", "record_id",
           "service_number", "date_of_birth")  # fmt: skip


def _index(connection: Connection | Session, query: Any) -> int:
    """Index the accepted entries ``query`` selects (ids and fields), page by page by id; return keys written."""
    columns = [Entry.id, *(getattr(Entry, name) for name in _FIELDS)]
    last, written = 0, 0
    while True:
        rows = connection.execute(
            query.with_only_columns(*columns).where(Entry.id > last).order_by(Entry.id).limit(_BATCH)
        ).all()
        if not rows:
            return written
        batch = [(key, row[0]) for row in rows for key in entry_search_hashes(dict(zip(_FIELDS, row[1:], strict=True)))]
        # In (key, entry) order. By the key alone: the sort is stable and the pairs come in entry order (an entry's
        # keys are distinct), so the order is the same, and comparing ints, not tuples, halves the sort (0.75 s
        # against 1.6 s for a 200,000-row list's 2.4 million keys).
        batch.sort(key=itemgetter(0))
        if batch:  # plain values by the million: the database's bulk path, not per-row parameter processing
            copy_rows(connection, EntrySearchKey.__tablename__, ("key", "entry_id"), batch)
        written += len(batch)
        last = rows[-1][0]


def _never_linked() -> Any:
    from unforgotten.persons.models import Match  # persons build on lists; only this query looks up

    return ~select(Match.id).where(Match.entry_id == Entry.id).exists()


def index_unlinked(session: Session, list_id: int) -> int:
    """Index one list's accepted entries that no space has linked yet (call before writing their matches).

    An entry linked once has a match for ever (a withdrawn or rejected one stays as history), so an entry is
    indexed exactly once however many spaces link it, and again never.
    """
    query = select(Entry.id).where(Entry.list_id == list_id, Entry.status == EntryStatus.ACCEPTED, _never_linked())
    return _index(session, query)


def index_missing(connection: Connection | Session) -> int:
    """Index every linked accepted entry that has no keys yet (the backfill; safe to run twice)."""
    # An outer join to the indexed ids, not NOT EXISTS (the index leads with the key: SQLite would scan it per
    # entry) nor NOT IN (PostgreSQL compares each entry with every id once they outgrow work_mem): both databases
    # make it one pass — a hash anti-join, or SQLite's automatic index on the derived table.
    indexed = select(EntrySearchKey.entry_id).distinct().subquery()
    query = (
        select(Entry.id)
        .outerjoin(indexed, indexed.c.entry_id == Entry.id)
        .where(Entry.status == EntryStatus.ACCEPTED, ~_never_linked(), indexed.c.entry_id.is_(None))
    )
    return _index(connection, query)
