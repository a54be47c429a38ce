"""The search index of entries: the hashes of their name, id and birth-date keys in ``entry_search_keys``.

Filled when a list is imported (:func:`index_entries`, in batches, in the import's transaction) and for lists
imported before the index existed by the migration that created it (:func:`index_missing`). Only accepted
entries are indexed: only they are linked into persons, and search answers persons.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from unforgotten.db import copy_rows
from unforgotten.lists.models import Entry, EntrySearchKey, EntryStatus
from unforgotten.names.search import entry_search_hashes

__all__ = ["index_entries", "index_missing"]

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
        batch = sorted(
            (key, row[0]) for row in rows for key in entry_search_hashes(dict(zip(_FIELDS, row[1:], strict=True)))
        )
        if batch:  # plain values by the million: the database's bulk path, not per-row parameter processing
            copy_rows(connection, EntrySearchKey.__tablename__, ("key", "entry_id"), batch)
        written += len(batch)
        last = rows[-1][0]


def index_entries(session: Session, list_id: int) -> int:
    """Write the search keys of one list's accepted entries (call once, right after they are stored)."""
    return _index(session, select(Entry.id).where(Entry.list_id == list_id, Entry.status == EntryStatus.ACCEPTED))


def index_missing(connection: Connection | Session) -> int:
    """Write the search keys of every accepted entry that has none yet (the backfill; safe to run twice)."""
    # NOT IN, not NOT EXISTS: the index leads with the key, so one pass over it beats a scan per entry.
    indexed = select(EntrySearchKey.entry_id).distinct()
    return _index(connection, select(Entry.id).where(Entry.status == EntryStatus.ACCEPTED, Entry.id.not_in(indexed)))
