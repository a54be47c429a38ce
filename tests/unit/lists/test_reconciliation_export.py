"""The reconciliation CSV is a contract (its first four columns never move; names come after), safe to open in a
spreadsheet, and the page's filter, order and paging keep every row exactly once."""

from __future__ import annotations

import csv
import io

import pytest

from unforgotten.errors import InputError
from unforgotten.lists.flows import ReconciliationRow, ReconciliationStatus
from unforgotten.lists.reconciliation import (
    NamedRow,
    Unrequested,
    page_of,
    reconciliation_csv,
    select_rows,
    unrequested_csv,
    written_name,
)

S = ReconciliationStatus


def named(n: int, status: ReconciliationStatus, probability: float | None, name: str | None) -> NamedRow:
    held = status in (S.ACKNOWLEDGED, S.CONFLICTING)
    row = ReconciliationRow(request_entry_id=n, request_record_id=f"UA-{n}", custody_entry_id=100 + n if held else None,
                            custody_record_id=f"RU-{n}" if held else None, person_id=1000 + n, status=status,
                            probability=probability, reason="date of birth 1990 vs 1991" if status == S.CONFLICTING
                            else "")  # fmt: skip
    return NamedRow(row=row, request_name=name, custody_name=f"held {name}" if held and name else None)


ROWS = [
    named(1, S.ACKNOWLEDGED, 0.91, "Шевчук Андрій"),
    named(2, S.NOT_ACKNOWLEDGED, None, "Коваленко Олександр"),
    named(3, S.CONFLICTING, 0.99, '=HYPERLINK("http://x")'),
    named(4, S.PENDING_REVIEW, 0.5, None),
]


def read(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel reads Cyrillic CSV as UTF-8 only with a BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_first_four_columns_stay_and_the_names_come_after() -> None:
    header, *rows = read(reconciliation_csv(ROWS))
    assert header[:4] == ["request_record_id", "custody_record_id", "status", "probability"]
    assert header.index("request_name") > 3 and header.index("custody_name") > 3
    assert len(rows) == len(ROWS)
    first = dict(zip(header, rows[0], strict=True))
    assert first["request_record_id"] == "UA-1" and first["custody_record_id"] == "RU-1"
    assert first["status"] == "acknowledged" and float(first["probability"]) == 0.91
    assert first["request_name"] == "Шевчук Андрій" and first["custody_name"] == "held Шевчук Андрій"
    hidden = dict(zip(header, rows[3], strict=True))
    assert hidden["request_name"] == "" and hidden["custody_name"] == "" and hidden["request_record_id"] == "UA-4"


def test_no_cell_runs_as_a_formula() -> None:
    header, *rows = read(reconciliation_csv(ROWS))
    cell = dict(zip(header, rows[2], strict=True))["request_name"]
    assert cell.startswith("'=") and not any(c.startswith(("=", "+", "@")) for row in rows for c in row)
    _, row = read(unrequested_csv([Unrequested(entry_id=5, record_id="+7", person_id=9, name="@x")]))
    assert row == ["'+7", "9", "'@x"]


def test_filter_and_orders() -> None:
    assert [r.row.request_entry_id for r in select_rows(ROWS, status="conflicting")] == [3]
    assert [r.row.request_entry_id for r in select_rows(ROWS, sort="probability")] == [3, 1, 4, 2]
    by_name = [r.row.request_entry_id for r in select_rows(ROWS, sort="name")]
    assert by_name[-1] == 4  # a name the reader may not see sorts last
    assert [r.row.status for r in select_rows(ROWS, sort="status")] == list(S)
    with pytest.raises(InputError):
        select_rows(ROWS, status="everything")
    with pytest.raises(InputError):
        select_rows(ROWS, sort="age")


def test_pages_cover_every_item_once() -> None:
    items = list(range(250))
    pages = [page_of(items, n) for n in (1, 2, 3)]
    assert [(p.first, p.last, p.total) for p in pages] == [(1, 100, 250), (101, 200, 250), (201, 250, 250)]
    assert sum((p.items for p in pages), []) == items
    assert page_of(items, 99).number == 3 and page_of(items, -1).number == 1
    empty = page_of([], 1)
    assert (empty.first, empty.last, empty.total, empty.pages) == (0, 0, 0, 1)


def test_a_written_name() -> None:
    assert (
        written_name("Коваленко", "Олександр", "Петрович", "1990-03-12") == "Коваленко Олександр Петрович; 1990-03-12"
    )
    assert written_name("Мельник", None, None, None) == "Мельник"
