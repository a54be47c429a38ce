"""RowBuilder's shortcuts (a row of clean values checked once, dates read once, widths checked from the narrowest)
must build exactly the row the cell-by-cell path builds."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unforgotten.ingest import map_headers
from unforgotten.ingest import rows as rows_module
from unforgotten.ingest.model import ParsedRow
from unforgotten.ingest.rows import RowBuilder

TODAY = dt.date(2025, 6, 9)
HEADERS = ["№", "Прізвище", "Ім'я", "По батькові", "ПІБ", "Стать", "Дата народження", "Військове звання",
           "Дата полону", "Примітки"]  # fmt: skip
# Letters, spaces of every kind, controls, a combining accent, mojibake leads and continuations, "|", dates.
_CELL = st.text(
    alphabet="ШевченкоОлександрІванович РСÐÑЁµ‡¨і\u0301\u00a0\u2009\u200b\x07\t\n|.-=+@0123456789ч",
    max_size=12,
) | st.sampled_from(["", "12.03.1990", "31.02.1999", "2099-01-01", "1990", "ч", "Ж.", "РЁРµРІС‡РµРЅРєРѕ", "x" * 20])


def _builder() -> RowBuilder:
    positions, _ = map_headers(HEADERS)
    return RowBuilder(headers=HEADERS, positions=positions, sheet="", today=TODAY, spreadsheet=False)


def _as_tuple(row: ParsedRow) -> tuple[object, ...]:
    return dataclasses.astuple(row)


@given(st.lists(st.lists(_CELL, min_size=len(HEADERS) - 2, max_size=len(HEADERS)), min_size=1, max_size=4))
def test_the_clean_row_shortcut_builds_the_row_the_cell_by_cell_path_builds(rows: list[list[str]]) -> None:
    fast, slow = _builder(), _builder()
    for number, cells in enumerate(rows + rows, start=2):  # twice: the second time the dates come from memory
        expected = _cell_by_cell(slow, number, cells)
        assert _as_tuple(fast.build(number, cells)) == _as_tuple(expected)


def _cell_by_cell(builder: RowBuilder, number: int, cells: list[str]) -> ParsedRow:
    original = rows_module.all_clean
    rows_module.all_clean = lambda values: False  # type: ignore[assignment]
    try:
        return builder.build(number, cells)
    finally:
        rows_module.all_clean = original


@pytest.mark.parametrize(
    ("long", "expected"),
    [({}, []), ({9: 300}, []), ({5: 20}, ["sex"]), ({7: 101}, ["rank"]), ({1: 201, 5: 17, 7: 150, 9: 5000},
     ["family_name", "sex", "rank"]), ({7: 101, 1: 201}, ["family_name", "rank"])],
)  # fmt: skip
def test_every_value_wider_than_its_column_is_found_in_column_order(long: dict[int, int], expected: list[str]) -> None:
    cells = ["7", "Шевченко", "Олександр", "", "", "ч", "12.03.1990", "рядовий", "", "примітка"]
    for position, length in long.items():
        cells[position] = "д" * length
    row = _builder().build(2, cells)
    assert [f.column for f in row.findings if f.code == "value_too_long"] == expected
    assert row.status == ("quarantined" if expected else "accepted")
