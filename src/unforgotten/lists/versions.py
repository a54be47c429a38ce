"""What changed between two versions of a list, and which rows repeat a record id — both asked of the database.

Why queries and not maps: a list of 200,000 rows held as two Python maps (record id → row, key → fingerprint) made
an import's memory grow with the file. Each entry now carries its diff key and fingerprint, written with it, so
the comparison is one grouped query and the importer keeps only a batch of rows in memory (issue 4).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Subquery

from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.ingest.model import Finding, Severity
from unforgotten.lists.models import Entry, EntryStatus

__all__ = [
    "DIFF_KINDS",
    "DiffRow",
    "diff_key",
    "diff_rows",
    "fingerprint",
    "fingerprint_of",
    "flag_duplicate_record_ids",
    "version_diff",
]

_BATCH = 2_000
_RECORD_ID = CANONICAL_COLUMNS.index("record_id")
DIFF_KINDS = ("added", "removed", "changed")  # what a diff shows row by row; "unchanged" is only counted


def diff_key(fields: Mapping[str, Any]) -> str | None:
    """What identifies a row across versions: the file's record id, else the service number, else name and birth.

    Record ids derived from row numbers (``row-…``) say nothing across versions, since rows move.
    """
    record_id = fields.get("record_id")
    if record_id and not str(record_id).startswith("row-"):
        return f"id:{record_id}"
    if fields.get("service_number"):
        return f"sn:{fields['service_number']}"
    parts = [fields.get(c) or "" for c in ("family_name", "given_name", "patronymic", "full_name", "date_of_birth")]
    return "name:" + "|".join(parts).lower() if any(parts) else None


def fingerprint(fields: Mapping[str, Any]) -> str:
    """A hash of the canonical fields: equal fingerprints, unchanged entry.

    A record id derived from the row number is left out: a row that only moved has not changed.
    """
    return fingerprint_of([fields.get(c) for c in CANONICAL_COLUMNS])


def fingerprint_of(values: Sequence[Any]) -> str:
    """:func:`fingerprint` of the canonical values in column order (a list or a tuple: orjson writes both alike)."""
    if str(values[_RECORD_ID] or "").startswith("row-"):
        values = [*values[:_RECORD_ID], None, *values[_RECORD_ID + 1 :]]
    return hashlib.sha1(orjson.dumps(values), usedforsecurity=False).hexdigest()


def _backfill(session: Session, list_id: int) -> None:
    """Give keys to accepted entries stored before entries carried them (lists imported by an older version).

    A batch at a time: each batch, once keyed, no longer matches the query, so memory stays at one batch.
    """
    columns = [getattr(Entry, c) for c in CANONICAL_COLUMNS]
    query = (
        select(Entry.id, *columns)
        .where(Entry.list_id == list_id, Entry.status == EntryStatus.ACCEPTED, Entry.fingerprint.is_(None))
        .order_by(Entry.id)
        .limit(_BATCH)
    )
    while batch := session.execute(query).all():
        keyed: list[dict[str, Any]] = []
        for entry_id, *values in batch:
            fields = dict(zip(CANONICAL_COLUMNS, values, strict=True))
            keyed.append({"id": entry_id, "diff_key": diff_key(fields), "fingerprint": fingerprint(fields)})
        session.execute(update(Entry), keyed)


def _per_key(previous_id: int, current_id: int) -> Subquery:
    """One row per diff key of the two versions: how many entries each side has, whether the fingerprints are the
    same, and each side's first entry (file order) — the one grouping both the counts and the rows are read from."""
    in_current = case((Entry.list_id == current_id, 1), else_=0)
    in_previous = case((Entry.list_id == previous_id, 1), else_=0)
    current_fp = case((Entry.list_id == current_id, Entry.fingerprint))
    previous_fp = case((Entry.list_id == previous_id, Entry.fingerprint))
    return (
        select(
            Entry.diff_key.label("diff_key"),
            func.sum(in_current).label("n_current"),
            func.sum(in_previous).label("n_previous"),
            case(
                ((func.min(current_fp) == func.min(previous_fp)) & (func.max(current_fp) == func.max(previous_fp)), 1),
                else_=0,
            ).label("same"),
            func.min(case((Entry.list_id == current_id, Entry.id))).label("first_current"),
            func.min(case((Entry.list_id == previous_id, Entry.id))).label("first_previous"),
        )
        .where(Entry.list_id.in_((previous_id, current_id)), Entry.diff_key.is_not(None))
        .group_by(Entry.diff_key)
        .subquery()
    )


def _kind(per_key: Subquery) -> Any:
    """A key's kind: added (only in the current version), removed (only in the previous), changed, unchanged."""
    return case(
        (per_key.c.n_previous == 0, "added"),
        (per_key.c.n_current == 0, "removed"),
        (per_key.c.same == 0, "changed"),
        else_="unchanged",
    )


def version_diff(session: Session, previous_id: int, current_id: int) -> dict[str, int]:
    """Added, removed, changed and unchanged accepted entries of ``current_id`` against ``previous_id``, by key.

    A key repeated within one version counts once; it is unchanged only if the same fingerprints are on both sides.
    """
    _backfill(session, previous_id)
    kind = _kind(_per_key(previous_id, current_id)).label("kind")
    counts = dict.fromkeys(DIFF_KINDS + ("unchanged",), 0)
    per_kind = select(kind, func.count()).group_by(kind)
    counts.update({str(name): int(n) for name, n in session.execute(per_kind)})
    return counts


@dataclass(frozen=True)
class DiffRow:
    """One key of a diff: its kind and the entries (ids, file order) that carry it on each side."""

    kind: str
    previous_ids: tuple[int, ...]
    current_ids: tuple[int, ...]


def diff_rows(
    session: Session, previous_id: int, current_id: int, *, kind: str | None = None, limit: int = 100, offset: int = 0
) -> list[DiffRow]:
    """A page of the keys :func:`version_diff` counts as added, removed or changed (all three when ``kind`` is
    ``None``), in the order their first entry has in the file, each with its entries on both sides.

    Two queries, whatever the lists' size: the page of keys (the same grouping as the counts, so the rows of a
    kind add up to its count), then the entries of those keys only.
    """
    if kind is not None and kind not in DIFF_KINDS:
        raise ValueError(f"unknown diff kind {kind!r}")
    _backfill(session, previous_id)
    _backfill(session, current_id)
    per_key = _per_key(previous_id, current_id)
    key_kind = _kind(per_key)
    wanted = (key_kind == kind) if kind is not None else key_kind.in_(DIFF_KINDS)
    keys = session.execute(
        select(per_key.c.diff_key, key_kind)
        .where(wanted)
        .order_by(func.coalesce(per_key.c.first_current, per_key.c.first_previous), per_key.c.diff_key)
        .limit(limit)
        .offset(offset)
    ).all()
    if not keys:
        return []
    sides: dict[str, tuple[list[int], list[int]]] = {str(key): ([], []) for key, _ in keys}
    entries = select(Entry.id, Entry.list_id, Entry.diff_key).where(
        Entry.list_id.in_((previous_id, current_id)), Entry.diff_key.in_(list(sides))
    )
    for entry_id, list_id, key in session.execute(entries.order_by(Entry.id)):
        sides[str(key)][0 if list_id == previous_id else 1].append(int(entry_id))
    return [DiffRow(str(name), tuple(sides[str(key)][0]), tuple(sides[str(key)][1])) for key, name in keys]


def flag_duplicate_record_ids(session: Session, list_id: int) -> int:
    """Warn on every row whose record id an earlier row of the same sheet already used; return how many.

    The rows stay as they are (a warning, not an error): two rows with one id are often the same person written
    twice, which linking resolves, but a coordinator must see it.
    """
    repeated = (
        select(Entry.sheet, Entry.record_id, func.min(Entry.row_number).label("first_row"))
        .where(Entry.list_id == list_id, Entry.record_id.is_not(None), Entry.status != EntryStatus.BLANK)
        .group_by(Entry.sheet, Entry.record_id)
        .having(func.count() > 1)
    )
    # Whether there is any first, alone: a list just written has no statistics yet, and PostgreSQL, expecting one
    # row, grouped the list again for each of its rows in the join below (0.57 s for 1,000 rows) to find nothing.
    if session.execute(repeated.limit(1)).first() is None:
        return 0
    grouped = repeated.subquery()
    later = session.execute(
        select(Entry.id, Entry.findings, Entry.record_id, grouped.c.first_row)
        .join(grouped, (Entry.sheet == grouped.c.sheet) & (Entry.record_id == grouped.c.record_id))
        .where(Entry.list_id == list_id, Entry.row_number > grouped.c.first_row, Entry.status != EntryStatus.BLANK)
    ).all()
    batch = [
        {
            "id": entry_id,
            "findings": [
                *findings,
                Finding(
                    Severity.WARNING, "duplicate_record_id", f"record id also used on row {first_row}", "record_id",
                    record_id,
                ).as_dict(),
            ],
        }
        for entry_id, findings, record_id, first_row in later
    ]  # fmt: skip
    for start in range(0, len(batch), _BATCH):
        session.execute(update(Entry), batch[start : start + _BATCH])
    return len(batch)
