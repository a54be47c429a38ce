"""XLSX, XLS and ODS read alike: the same clerk's list, saved in each format, gives the same rows.

The workbooks are written at test time (openpyxl, xlwt, odfpy) so that what is in them stays readable here; a
damaged XLS must be refused with a FileReadError, never take the process down.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from unforgotten.errors import FileReadError
from unforgotten.ingest import RowStatus, read_file
from unforgotten.ingest.compound import compound_file_problem

TODAY = dt.date(2025, 6, 9)
Sheets = dict[str, list[list[Any]]]

# A note on the first sheet, the list on the second: a title and a blank line above the header; a real date cell,
# a date typed as text, Excel serial numbers, a blank row, a row with no name.
WORKBOOK: Sheets = {
    "Примітки": [["Список на аркуші «Список», звірено з журналом"]],
    "Список": [
        ["Список військовополонених станом на 01.06.2025"],
        [],
        ["№ з/п", "ПІБ", "Дата народження", "в/ч", "Військове звання", "Дата полону"],
        [1, "ШЕВЧЕНКО Олександр Іванович", dt.date(1990, 5, 17), "А0123", "солдат", 45000],
        [2, "Коваль Ірина Петрівна", "17.05.1991", "А4567", "сержант", "01.03.2023"],
        [],
        [3, "Гнатюк Тарас", 36161, "А0123", None, dt.date(2024, 2, 29)],
        [None, None, "01.01.1990", "А4567"],
    ],
}


def write_xlsx(path: Path, sheets: Sheets) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)


def write_xls(path: Path, sheets: Sheets) -> None:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    as_date = xlwt.easyxf(num_format_str="DD.MM.YYYY")  # an XLS date is a number with a date format
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, as_date)
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.save(str(path))


def write_ods(path: Path, sheets: Sheets) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    def cell(value: Any) -> TableCell:
        if value is None:
            return TableCell()
        if isinstance(value, dt.date):
            element = TableCell(valuetype="date", datevalue=value.isoformat())
            text = value.strftime("%d.%m.%Y")
        elif isinstance(value, int | float):
            element, text = TableCell(valuetype="float", value=value), str(value)
        else:
            element, text = TableCell(valuetype="string"), str(value)
        element.addElement(P(text=text))
        return element

    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                table_row.addElement(cell(value))
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    document.save(str(path))


WRITERS: dict[str, Callable[[Path, Sheets], None]] = {"xlsx": write_xlsx, "xls": write_xls, "ods": write_ods}


def workbook(tmp_path: Path, suffix: str, sheets: Sheets = WORKBOOK) -> Path:
    path = tmp_path / f"list.{suffix}"
    WRITERS[suffix](path, sheets)
    return path


@pytest.mark.parametrize("suffix", list(WRITERS))
def test_the_list_on_the_second_sheet_is_read_whole(tmp_path: Path, suffix: str) -> None:
    result = read_file(workbook(tmp_path, suffix), today=TODAY)
    rows = list(result.rows)
    assert result.format == suffix
    assert result.sheets == ["Список"]
    assert result.ignored_sheets == {"Примітки": "no recognisable header row"}
    assert result.skipped_above_header == {"Список": 2}
    assert result.mapping["Список"] == {
        "№ з/п": "record_id",
        "ПІБ": "full_name",
        "Дата народження": "date_of_birth",
        "в/ч": "military_unit",
        "Військове звання": "rank",
        "Дата полону": "date_of_capture",
    }
    assert [(r.row_number, r.status) for r in rows] == [
        (4, RowStatus.ACCEPTED),
        (5, RowStatus.ACCEPTED),
        (6, RowStatus.BLANK),
        (7, RowStatus.ACCEPTED),
        (8, RowStatus.QUARANTINED),
    ]
    assert Counter(r.status for r in rows) == {RowStatus.ACCEPTED: 3, RowStatus.BLANK: 1, RowStatus.QUARANTINED: 1}
    assert all(r.sheet == "Список" for r in rows)


@pytest.mark.parametrize("suffix", list(WRITERS))
def test_values_come_out_canonical(tmp_path: Path, suffix: str) -> None:
    first, second, _, third, nameless = read_file(workbook(tmp_path, suffix), today=TODAY).rows
    names = ("record_id", "family_name", "given_name", "patronymic", "military_unit", "rank")
    assert [first.fields[c] for c in names] == ["1", "ШЕВЧЕНКО", "Олександр", "Іванович", "А0123", "солдат"]
    assert [second.fields[c] for c in names] == ["2", "Коваль", "Ірина", "Петрівна", "А4567", "сержант"]
    assert [third.fields[c] for c in names] == ["3", "Гнатюк", "Тарас", None, "А0123", None]
    dates = [(r.fields["date_of_birth"], r.fields["date_of_capture"]) for r in (first, second, third)]
    # a date cell; a date typed as text; Excel serial numbers (36161 is 01.01.1999, 45000 is 15.03.2023)
    assert dates == [("1990-05-17", "2023-03-15"), ("1991-05-17", "2023-03-01"), ("1999-01-01", "2024-02-29")]
    assert not [f for r in (first, second, third) for f in r.findings if f.code == "date_dropped"]
    assert nameless.fields["date_of_birth"] == "1990-01-01"
    assert [f.code for f in nameless.findings] == ["record_id_from_row", "no_name"]


@pytest.mark.parametrize("suffix", list(WRITERS))
def test_a_workbook_without_a_list_says_so(tmp_path: Path, suffix: str) -> None:
    path = workbook(tmp_path, suffix, {"Аркуш1": [["Звіт"], [1, 2, 3]]})
    with pytest.raises(FileReadError, match="no sheet has a header row"):
        list(read_file(path, today=TODAY).rows)


def xls_bytes(tmp_path: Path) -> bytearray:
    return bytearray(workbook(tmp_path, "xls").read_bytes())


def test_an_xls_whose_sector_chain_loops_is_refused(tmp_path: Path) -> None:
    """calamine would follow the loop until the process is killed for memory; the check finds it first."""
    data = xls_bytes(tmp_path)
    directory, fat_sector = struct.unpack_from("<I", data, 48)[0], struct.unpack_from("<I", data, 76)[0]
    struct.pack_into("<I", data, (fat_sector + 1) * 512 + directory * 4, directory)  # the directory's next is itself
    path = tmp_path / "loop.xls"
    path.write_bytes(data)
    assert compound_file_problem(path) == f"the sector allocation table loops at sector {directory}"
    # read_file is not called here: should the check ever be lost, this test must fail, not exhaust the machine.


def test_an_xls_claiming_billions_of_rows_is_refused(tmp_path: Path) -> None:
    """calamine would reserve memory for every claimed cell at once and abort the process."""
    data = xls_bytes(tmp_path)
    dimensions = data.index(b"\x00\x02\x0e\x00")  # record type 0x0200, 14 bytes: first and last row, column
    struct.pack_into("<IIHH", data, dimensions + 4, 0, 0xFFFFFF00, 0, 0xFF)
    path = tmp_path / "huge.xls"
    path.write_bytes(data)
    assert (compound_file_problem(path) or "").startswith("a sheet claims 4294967040 rows × 255 columns")
    with pytest.raises(FileReadError, match="damaged.*4294967040 rows"):
        read_file(path, today=TODAY)


def test_a_truncated_xls_is_refused_not_a_panic(tmp_path: Path) -> None:
    """Cut inside the directory, calamine panics (a BaseException in Python): the reader reports it all the same."""
    data = xls_bytes(tmp_path)
    directory = struct.unpack_from("<I", data, 48)[0]
    path = tmp_path / "cut.xls"
    path.write_bytes(data[: (directory + 1) * 512 + 100])
    assert compound_file_problem(path) is None  # not what the check is for: calamine's own error is reported
    with pytest.raises(FileReadError, match="cannot be opened"):
        read_file(path, today=TODAY)


@pytest.mark.parametrize("suffix", list(WRITERS))
def test_sound_workbooks_pass_the_check(tmp_path: Path, suffix: str) -> None:
    path = workbook(tmp_path, suffix)
    expected = None if suffix == "xls" else "not an OLE compound file (bad signature or shorter than its header)"
    assert compound_file_problem(path) == expected
