"""Finding the header row under title and blank rows, for every reader."""

from __future__ import annotations

from collections.abc import Sequence

from unforgotten.errors import FileReadError, Text
from unforgotten.ingest.mapping import ColumnMapping, recognised

__all__ = ["HEADER_SCAN", "check_header_width", "find_header"]

HEADER_SCAN = 30  # rows searched for the header under title rows
_MIN_RECOGNISED = 2


def find_header(rows: Sequence[Sequence[str]], mapping: ColumnMapping | None) -> int | None:
    """The row best recognised as a header; a one-column header needs its one name recognised, others two.

    Cells are counted only when filled: spreadsheet readers pad rows to the sheet's width, and that padding must not
    decide whether a header is found.
    """
    best, best_score = None, 0
    for index, row in enumerate(rows[:HEADER_SCAN]):
        score = recognised([str(c) for c in row], mapping)
        if score > best_score:
            best, best_score = index, score
    if best is None or best_score < min(_MIN_RECOGNISED, sum(1 for c in rows[best] if str(c).strip())):
        return None
    return best


def check_header_width(headers: Sequence[str], limit: int, *, file: str, sheet: str = "") -> None:
    """Refuse a header with more filled columns than ``limit`` (trailing empty cells, a sheet's padding, are free)."""
    width = len(headers)
    while width and not headers[width - 1].strip():
        width -= 1
    if width > limit:
        where = Text("sheet {sheet!r}: ", sheet=sheet) if sheet else ""
        raise FileReadError(
            Text("{where}the header has {width} columns, the limit is {limit}", where=where, width=width, limit=limit),
            file=file,
            hint=Text("remove the unused columns, or split the file"),
        )
