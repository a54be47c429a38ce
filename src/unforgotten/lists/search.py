"""The search index of entries: their name, id and birth-date keys in ``entry_search_keys``.

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
from unforgotten.names.search import entry_search_keys

__all__ = ["index_entries", "index_missing"]

_BATCH = 2000
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
        batch = [
            (row[0], key) for row in rows for key in sorted(entry_search_keys(dict(zip(_FIELDS, row[1:], strict=True))))
        ]
        if batch:  # plain values by the million: the database's bulk path, not per-row parameter processing
            copy_rows(connection, EntrySearchKey.__tablename__, ("entry_id", "key"), batch)
        written += len(batch)
        last = rows[-1][0]


def index_entries(session: Session, list_id: int) -> int:
    """Write the search keys of one list's accepted entries (call once, right after they are stored)."""
    return _index(session, select(Entry.id).where(Entry.list_id == list_id, Entry.status == EntryStatus.ACCEPTED))


def index_missing(connection: Connection | Session) -> int:
    """Write the search keys of every accepted entry that has none yet (the backfill; safe to run twice)."""
    has_keys = select(EntrySearchKey.entry_id).where(EntrySearchKey.entry_id == Entry.id).exists()
    return _index(connection, select(Entry.id).where(Entry.status == EntryStatus.ACCEPTED, ~has_keys))
