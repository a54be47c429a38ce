"""Use cases for a list's versions: the versions a reader may see, and what changed between two of them, row by row.

Kept beside ``service.py`` rather than in it (that module is past the size the conventions keep to); it reaches
visibility only through ``service``'s own rules, so a side never learns of the other side's unshared versions —
not their rows, not their names, not even how many there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth.service import Actor, readable_spaces
from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.errors import InputError, Text
from unforgotten.lists.models import Entry, List
from unforgotten.lists.reconciliation import written_name
from unforgotten.lists.service import get_visible_or_raise, lists_in_space
from unforgotten.lists.versions import DIFF_KINDS, DiffRow, diff_rows, version_diff

__all__ = [
    "Diff",
    "DiffEntry",
    "FieldChange",
    "NamedDiffRow",
    "diff",
    "previous_version",
    "since_previous",
    "versions_of",
]

MAX_LIMIT = 1000  # rows in one answer; a script pages on with ``offset``


@dataclass(frozen=True)
class DiffEntry:
    """One entry of a diff row as the reader sees it: where it is in its file, its record id and written name."""

    id: int
    row_number: int
    record_id: str | None
    name: str


@dataclass(frozen=True)
class FieldChange:
    """A canonical field whose value differs between the two sides of a changed row."""

    field: str
    previous: str | None
    current: str | None


@dataclass(frozen=True)
class NamedDiffRow:
    """One added, removed or changed row: the entries on each side and, when changed, the fields that differ."""

    kind: str
    previous: tuple[DiffEntry, ...]
    current: tuple[DiffEntry, ...]
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class Diff:
    """A page of what changed in ``current`` since ``previous``, with the counts of every kind."""

    current: List
    previous: List
    kind: str | None
    counts: dict[str, int]
    total: int  # rows of ``kind`` (of all three kinds when ``kind`` is None)
    limit: int
    offset: int
    rows: list[NamedDiffRow]


def versions_of(*, session: Session, actor: Actor, list_id: int) -> list[List]:
    """Return every version of the list's name and party that the actor may see (this one included), oldest first."""
    found = get_visible_or_raise(session=session, actor=actor, list_id=list_id)
    query = select(List).where(List.party_id == found.party_id, List.name == found.name)
    spaces = readable_spaces(actor)
    if spaces is not None:
        query = query.where(List.id.in_(lists_in_space(spaces)))
    return list(session.scalars(query.order_by(List.version)))


def previous_version(versions: Sequence[List], current: List) -> List | None:
    """The newest of ``versions`` (a reader's, from :func:`versions_of`) older than ``current``."""
    older = [v for v in versions if v.version < current.version]
    return older[-1] if older else None


def since_previous(*, session: Session, versions: Sequence[List], current: List) -> tuple[List | None, dict[str, int]]:
    """:func:`previous_version` and the counts of what changed since it (none when there is no older version)."""
    previous = previous_version(versions, current)
    return previous, {} if previous is None else version_diff(session, previous.id, current.id)


def diff(
    *,
    session: Session,
    actor: Actor,
    list_id: int,
    against_id: int | None,
    kind: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Diff:
    """Return a page of the rows added, removed or changed in a list since another version of it (both visible; the
    newest older version the actor sees when ``against_id`` is None)."""
    current = get_visible_or_raise(session=session, actor=actor, list_id=list_id)
    if against_id is None:
        older = previous_version(versions_of(session=session, actor=actor, list_id=list_id), current)
        if older is None:
            raise InputError(
                Text("list {list_id} has no earlier version to compare with", list_id=list_id),
                column="against",
                hint=Text("name one with ?against=ID (/api/v1/lists/{list_id}/versions lists them)", list_id=list_id),
            )
        against_id = older.id
    previous = get_visible_or_raise(session=session, actor=actor, list_id=against_id)
    if kind is not None and kind not in DIFF_KINDS:
        raise InputError(
            Text("unknown kind of change"), column="kind", value=kind, hint=Text("use added, removed or changed")
        )
    if previous.id == current.id or (previous.party_id, previous.name) != (current.party_id, current.name):
        raise InputError(
            Text("list {against_id} is not another version of list {list_id}", against_id=against_id,
                 list_id=list_id), column="against", value=against_id,
            hint=Text("the versions of list {list_id} are at /api/v1/lists/{list_id}/versions", list_id=list_id),
        )  # fmt: skip
    if not (1 <= limit <= MAX_LIMIT) or offset < 0:
        raise InputError(Text("a page is 1 to 1000 rows from an offset of 0 or more"), column="limit", value=limit)
    counts = version_diff(session, previous.id, current.id)
    total = counts[kind] if kind is not None else sum(counts[k] for k in DIFF_KINDS)
    rows = diff_rows(session, previous.id, current.id, kind=kind, limit=limit, offset=offset)
    return Diff(current=current, previous=previous, kind=kind, counts=counts, total=total, limit=limit,
                offset=offset, rows=_named(session, rows))  # fmt: skip


def _named(session: Session, page: Sequence[DiffRow]) -> list[NamedDiffRow]:
    """The page's entries with their written names (as the reconciliation writes them) and their changed fields."""
    ids = [i for r in page for i in (*r.previous_ids, *r.current_ids)]
    entries = {e.id: e for e in session.scalars(select(Entry).where(Entry.id.in_(ids)))} if ids else {}

    def shown(entry_id: int) -> DiffEntry:
        e = entries[entry_id]
        name = written_name(e.family_name, e.given_name, e.patronymic, e.date_of_birth) or e.full_name or ""
        return DiffEntry(id=e.id, row_number=e.row_number, record_id=e.record_id, name=name)

    out = []
    for r in page:
        changes: tuple[FieldChange, ...] = ()
        if r.kind == "changed":
            changes = _changes(entries[r.previous_ids[0]], entries[r.current_ids[0]])
        out.append(NamedDiffRow(kind=r.kind, previous=tuple(shown(i) for i in r.previous_ids),
                                current=tuple(shown(i) for i in r.current_ids), changes=changes))  # fmt: skip
    return out


def _changes(previous: Entry, current: Entry) -> tuple[FieldChange, ...]:
    """The canonical fields whose values differ, as the fingerprint compares them (exactly; a record id made from
    the row number is not compared, since a row that only moved has not changed)."""
    out = []
    for column in CANONICAL_COLUMNS:
        before, after = getattr(previous, column), getattr(current, column)
        if column == "record_id" and str(before or "").startswith("row-") and str(after or "").startswith("row-"):
            continue
        if before != after:
            out.append(FieldChange(field=column, previous=before, current=after))
    return tuple(out)
