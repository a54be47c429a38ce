"""The reconciliation as a coordinator reads it: names beside the record ids, filtered, sorted and paged, and the
export that the page and ``unforgotten reconcile -o`` share.

Names come only from lists the reader may see (``visible_list_ids``): the reconciliation itself runs in a space that
sees both lists, but this module does not trust that and asks again, so a name can never reach a reader by way of a
reconciliation row. Where a list is not visible, the row keeps its record id and the name stays empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth.service import Actor
from unforgotten.errors import InputError, Text
from unforgotten.ingest import neutralise_cell
from unforgotten.lists.flows import ReconciliationResult, ReconciliationRow, ReconciliationStatus
from unforgotten.lists.models import Entry, EntryStatus
from unforgotten.lists.service import visible_list_ids

__all__ = [
    "CSV_HEADER",
    "PAGE_SIZE",
    "SORTS",
    "STATUSES",
    "NamedRow",
    "Page",
    "Unrequested",
    "name_rows",
    "page_of",
    "reconciliation_csv",
    "select_rows",
    "unrequested_csv",
    "write_reconciliation",
    "written_name",
]

PAGE_SIZE = 100
STATUSES = tuple(s.value for s in ReconciliationStatus)
SORTS = ("list", "name", "probability", "status")  # "list": the request list's own order
# A stable contract: the first four columns never move; anything new is added after the last.
CSV_HEADER = ("request_record_id", "custody_record_id", "status", "probability", "person_id", "reason",
              "request_name", "custody_name")  # fmt: skip
UNREQUESTED_HEADER = ("custody_record_id", "person_id", "custody_name")
T = TypeVar("T")


@dataclass(frozen=True)
class NamedRow:
    """A reconciliation row with each side's name as its list wrote it (``None``: not visible to the reader)."""

    row: ReconciliationRow
    request_name: str | None
    custody_name: str | None


@dataclass(frozen=True)
class Unrequested:
    """A custody entry whose person no request row names."""

    entry_id: int
    record_id: str | None
    person_id: int
    name: str | None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items: ``first``–``last`` of ``total`` (1-based; 0–0 of 0 when empty)."""

    items: list[T]
    number: int
    pages: int
    total: int
    first: int
    last: int


def written_name(family: str | None, given: str | None, patronymic: str | None, born: str | None) -> str:
    """A name as the list wrote it, family name first, then the date of birth: "Коваленко Олександр; 1990-03-12"."""
    name = " ".join(part for part in (family, given, patronymic) if part)
    return f"{name}; {born}" if born else name


def _names(session: Session, actor: Actor, list_id: int) -> dict[int, str]:
    """The written names of a list's accepted entries, or none at all when the reader may not see the list."""
    visible = visible_list_ids(session=session, actor=actor)
    if visible is not None and list_id not in visible:
        return {}
    query = select(Entry.id, Entry.family_name, Entry.given_name, Entry.patronymic, Entry.date_of_birth).where(
        Entry.list_id == list_id, Entry.status == EntryStatus.ACCEPTED
    )
    return {int(i): written_name(f, g, p, b) for i, f, g, p, b in session.execute(query)}


def name_rows(
    *, session: Session, actor: Actor, result: ReconciliationResult
) -> tuple[list[NamedRow], list[Unrequested]]:
    """Put each side's written name beside the reconciliation's rows and its unrequested custody entries."""
    requested = _names(session, actor, result.request_list_id)
    held = _names(session, actor, result.custody_list_id)
    rows = [
        NamedRow(
            row=r,
            request_name=requested.get(r.request_entry_id),
            custody_name=held.get(r.custody_entry_id) if r.custody_entry_id is not None else None,
        )
        for r in result.rows
    ]
    unrequested = [Unrequested(e, rid, p, held.get(e)) for e, rid, p in result.not_requested]
    return rows, unrequested


def select_rows(rows: Iterable[NamedRow], *, status: str = "", sort: str = "list") -> list[NamedRow]:
    """Keep the rows of one outcome (all when ``status`` is empty) in the chosen order; refuse unknown words."""
    if status and status not in STATUSES:
        raise InputError(
            Text("unknown outcome"), value=status, hint=Text("use one of: {statuses}", statuses=", ".join(STATUSES))
        )
    if sort not in SORTS:
        raise InputError(Text("unknown sort"), value=sort, hint=Text("use one of: {sorts}", sorts=", ".join(SORTS)))
    chosen = [r for r in rows if not status or r.row.status.value == status]
    if sort == "name":  # rows whose name the reader may not see go last, in list order
        chosen.sort(key=lambda r: (r.request_name is None, (r.request_name or "").casefold()))
    elif sort == "probability":  # most certain first; rows without a probability last
        chosen.sort(key=lambda r: (r.row.probability is None, -(r.row.probability or 0.0)))
    elif sort == "status":
        chosen.sort(key=lambda r: STATUSES.index(r.row.status.value))
    return chosen


def page_of(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """The ``number``-th page (1-based, clamped to the pages there are) of ``items``."""
    pages = max(1, -(-len(items) // size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    chunk = list(items[start : start + size])
    return Page(items=chunk, number=number, pages=pages, total=len(items),
                first=start + 1 if chunk else 0, last=start + len(chunk))  # fmt: skip


def _cells(row: NamedRow) -> list[Any]:
    r = row.row
    return [r.request_record_id, r.custody_record_id, r.status.value, r.probability, r.person_id, r.reason,
            row.request_name, row.custody_name]  # fmt: skip


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a BOM (Excel on a Cyrillic Windows then reads it as UTF-8); no cell can run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([neutralise_cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def reconciliation_csv(rows: Iterable[NamedRow]) -> bytes:
    """The reconciliation CSV: one row per request entry, the four contract columns first, the names last."""
    return _csv(CSV_HEADER, (_cells(r) for r in rows))


def unrequested_csv(entries: Iterable[Unrequested]) -> bytes:
    """The custody entries nobody requested, as CSV (same encoding and neutralising as the reconciliation CSV)."""
    return _csv(UNREQUESTED_HEADER, ([e.record_id, e.person_id, e.name] for e in entries))


def write_reconciliation(
    rows: Sequence[NamedRow], unrequested: Sequence[Unrequested], counts: dict[str, int], path: Path
) -> None:
    """Write CSV (one row per request entry) or XLSX (requests, the unrequested custody entries, the counts)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_bytes(reconciliation_csv(rows))
        return
    if suffix != ".xlsx":
        raise InputError(Text("unsupported output format"), file=str(path), hint=Text("name the output .csv or .xlsx"))
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)

    def append(sheet: Any, values: Sequence[Any]) -> None:
        cells: list[Any] = []
        for value in values:  # openpyxl makes a string starting with "=" a live formula; keep it a string
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)

    requests = workbook.create_sheet("requests")
    append(requests, CSV_HEADER)
    for row in rows:
        append(requests, _cells(row))
    not_requested = workbook.create_sheet("not requested")
    append(not_requested, UNREQUESTED_HEADER)
    for entry in unrequested:
        append(not_requested, [entry.record_id, entry.person_id, entry.name])
    sheet = workbook.create_sheet("counts")
    for key, value in counts.items():
        sheet.append([key, value])
    workbook.save(path)
