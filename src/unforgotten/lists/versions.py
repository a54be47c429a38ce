"""What changed between two versions of a list, and which rows repeat a record id — both asked of the database.

Why queries and not maps: a list of 200,000 rows held as two Python maps (record id → row, key → fingerprint) made
an import's memory grow with the file. Each entry now carries its diff key and fingerprint, written with it, so
the comparison is one grouped query and the importer keeps only a batch of rows in memory (issue 4).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import orjson
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.ingest.model import Finding, Severity
from unforgotten.lists.models import Entry, EntryStatus

__all__ = ["diff_key", "fingerprint", "flag_duplicate_record_ids", "version_diff"]

_BATCH = 2_000
_RECORD_ID = CANONICAL_COLUMNS.index("record_id")


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
    values = [fields.get(c) for c in CANONICAL_COLUMNS]
    if str(values[_RECORD_ID] or "").startswith("row-"):
        values[_RECORD_ID] = None
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


def version_diff(session: Session, previous_id: int, current_id: int) -> dict[str, int]:
    """Added, removed, changed and unchanged accepted entries of ``current_id`` against ``previous_id``, by key.

    A key repeated within one version counts once; it is unchanged only if the same fingerprints are on both sides.
    """
    _backfill(session, previous_id)
    in_current = case((Entry.list_id == current_id, 1), else_=0)
    in_previous = case((Entry.list_id == previous_id, 1), else_=0)
    current_fp = case((Entry.list_id == current_id, Entry.fingerprint))
    previous_fp = case((Entry.list_id == previous_id, Entry.fingerprint))
    per_key = (
        select(
            func.sum(in_current).label("n_current"),
            func.sum(in_previous).label("n_previous"),
            case(
                ((func.min(current_fp) == func.min(previous_fp)) & (func.max(current_fp) == func.max(previous_fp)), 1),
                else_=0,
            ).label("same"),
        )
        .where(Entry.list_id.in_((previous_id, current_id)), Entry.diff_key.is_not(None))
        .group_by(Entry.diff_key)
        .subquery()
    )
    both = (per_key.c.n_current > 0) & (per_key.c.n_previous > 0)
    row = session.execute(
        select(
            func.sum(case((per_key.c.n_previous == 0, 1), else_=0)),
            func.sum(case((per_key.c.n_current == 0, 1), else_=0)),
            func.sum(case((both & (per_key.c.same == 0), 1), else_=0)),
            func.sum(case((both & (per_key.c.same == 1), 1), else_=0)),
        )
    ).one()
    added, removed, changed, unchanged = (int(value or 0) for value in row)
    return {"added": added, "removed": removed, "changed": changed, "unchanged": unchanged}


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
        .subquery()
    )
    later = session.execute(
        select(Entry.id, Entry.findings, Entry.record_id, repeated.c.first_row)
        .join(repeated, (Entry.sheet == repeated.c.sheet) & (Entry.record_id == repeated.c.record_id))
        .where(Entry.list_id == list_id, Entry.row_number > repeated.c.first_row, Entry.status != EntryStatus.BLANK)
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
