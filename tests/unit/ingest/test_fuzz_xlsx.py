"""Fuzzing the XLSX reader: whatever a workbook holds, every row is accounted for, and damage is a FileReadError.

Workbooks are generated with openpyxl from random sheets (titles, header rows, cells of every type, empty sheets)
and read by both XLSX readers: python-calamine (sheets up to 128 MB of XML) and openpyxl's streaming mode (above).
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from unforgotten.errors import FileReadError
from unforgotten.ingest import ParsedRow, ReadResult, RowStatus, read_file, readers

TODAY = dt.date(2025, 6, 9)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
HEADERS = ["Прізвище", "Ім'я", "По батькові", "ПІБ", "Дата народження", "в/ч", "Особистий номер", "Стать", "№ з/п",
           "Примітки", "Фамилия", "Имя", "full name"]  # fmt: skip

# XML 1.0 cannot hold C0 controls other than tab, newline and carriage return (openpyxl refuses them), nor
# noncharacters; Excel writes the others as _x00HH_, which the readers decode back into control characters. Text
# starting with "=" is left out: openpyxl would store it as a formula with no value.
_XML_ILLEGAL = "".join(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
_CHARACTERS = st.characters(exclude_categories=("Cs", "Cn"), exclude_characters=_XML_ILLEGAL)
_TRICKY = st.sampled_from(["\t", "\n", "\r", "\x7f", "\u00a0", "\u200b", "\ufeff", "\u2028", "_x0007_", "_x001F_",
                           "_x005F_x0007_", "Шевченко", "Ковальчук", "ї", "є", "ґ", "’", "ʼ", "  ", "01.02.1990",
                           "31.02.1990"])  # fmt: skip
TEXT = st.lists(st.one_of(_CHARACTERS, _TRICKY), max_size=8).map("".join).filter(lambda s: not s.startswith("="))
CELL = st.one_of(
    st.none(),
    TEXT,
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)),
    # whole seconds: Excel keeps a time as a fraction of a day, and the two readers round its last digits apart
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
)
ROW = st.lists(CELL, max_size=8)
HEADER = st.one_of(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=6, unique=True), ROW)
SHEET = st.tuples(st.lists(ROW, max_size=3), st.one_of(st.none(), HEADER), st.lists(ROW, max_size=12)).map(
    lambda parts: [*parts[0], *([parts[1]] if parts[1] is not None else []), *parts[2]]
)
SHEET_NAME = st.text("АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯабвгдеєжзиіїйклмнопрстуфхцчшщьюяABCxyz0123456789 -_",
                     min_size=1, max_size=31).filter(lambda s: s.strip() == s and s.lower() != "history")  # fmt: skip
WORKBOOK = st.lists(st.tuples(SHEET_NAME, SHEET), min_size=1, max_size=4, unique_by=lambda s: s[0].lower())


def write(workbook: list[tuple[str, list[list[Any]]]], path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in workbook:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def last_row(rows: list[list[Any]]) -> int:
    """The last row (1-based) that holds a cell, which is where a reader's rows end."""
    return max((number for number, row in enumerate(rows, 1) if any(v is not None and v != "" for v in row)), default=0)


@pytest.fixture(params=["calamine", "openpyxl-streaming"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "openpyxl-streaming":
        monkeypatch.setattr(readers, "STREAM_XLSX_ABOVE", -1)
    return str(request.param)


def read(path: Path) -> tuple[ReadResult, list[ParsedRow]] | None:
    """The result and its rows, or None when no sheet had a recognisable header (the one refusal allowed here)."""
    result = read_file(path, today=TODAY)
    try:
        return result, list(result.rows)
    except FileReadError as error:
        assert "no sheet has a header row" in str(error)
        return None


@FUZZ
@given(workbook=WORKBOOK)
def test_every_row_is_accounted_for(reader: str, workbook: list[tuple[str, list[list[Any]]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        outcome = read(write(workbook, Path(tmp) / "fuzz.xlsx"))
    if outcome is None:
        return
    result, rows = outcome
    counts = {status: sum(r.status == status for r in rows) for status in RowStatus}
    assert sum(counts.values()) == len(rows)  # accepted + quarantined + blank, nothing else
    for name, sheet_rows in workbook:
        read_here = [r for r in rows if r.sheet == name]
        if name not in result.sheets:
            assert not read_here
            continue
        header = result.skipped_above_header[name] + 1  # the header's row number
        assert [r.row_number for r in read_here] == list(range(header + 1, last_row(sheet_rows) + 1))
    for row in rows:
        filled = any(str(v).strip() for v in row.raw.values())
        assert (row.status == RowStatus.BLANK) == (not filled)
        if row.status == RowStatus.ACCEPTED:
            assert any(row.fields[c] for c in ("family_name", "given_name", "patronymic", "full_name"))


@FUZZ
@given(workbook=WORKBOOK)
# Found by this test: the header of a one-column list was missed when openpyxl padded its row; openpyxl yielded the
# empty rows that end a sheet, and left Excel's escapes of control characters (_x000B_, from text pasted from Word).
@example(workbook=[("Список", [["Прізвище"], [None, None], ["Коваль"]])])
@example(workbook=[("Список", [["Прізвище", "Ім'я"], ["Коваль", "Ірина"], [None], [None, None]])])
@example(workbook=[("Список", [["Прізвище", "Ім'я"], ["Коваль_x000B_", "Ірина_x005F_x000B_"]])])
def test_both_readers_give_the_same_rows(workbook: list[tuple[str, list[list[Any]]]]) -> None:
    """Which reader runs depends only on a sheet's size: the same workbook must import the same either way."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write(workbook, Path(tmp) / "fuzz.xlsx")
        whole = read(path)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(readers, "STREAM_XLSX_ABOVE", -1)
            streamed = read(path)
    if whole is None or streamed is None:
        assert whole is None and streamed is None
        return
    assert [(r.sheet, r.row_number, r.status, r.fields) for r in whole[1]] == [
        (r.sheet, r.row_number, r.status, r.fields) for r in streamed[1]
    ]


@cache
def sound_workbook() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = write([("Список", [["Прізвище", "Ім'я"], ["Шевченко", "Тарас"], ["Коваль", "Ірина"]])], Path(tmp) / "w")
        return path.read_bytes()


def read_or_refuse(data: bytes) -> list[ParsedRow] | None:
    """The rows of a possibly damaged workbook, or None when it was refused with a FileReadError."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "damaged.xlsx"
        path.write_bytes(data)
        try:
            return list(read_file(path, today=TODAY).rows)
        except FileReadError:
            return None


@FUZZ
@given(cut=st.integers(min_value=0, max_value=2**20))
def test_a_truncated_workbook_is_a_file_read_error(reader: str, cut: int) -> None:
    sound = sound_workbook()
    with tempfile.TemporaryDirectory() as tmp, pytest.raises(FileReadError):
        path = Path(tmp) / "cut.xlsx"
        path.write_bytes(sound[: cut % len(sound)])
        list(read_file(path, today=TODAY).rows)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_named_xlsx_are_a_file_read_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp, pytest.raises(FileReadError):
        path = Path(tmp) / "random.xlsx"
        path.write_bytes(data)
        list(read_file(path, today=TODAY).rows)


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 2**20), st.integers(0, 255)), min_size=1, max_size=8))
def test_flipped_bytes_are_read_or_refused(reader: str, flips: list[tuple[int, int]]) -> None:
    data = bytearray(sound_workbook())
    for position, value in flips:
        data[position % len(data)] = value
    rows = read_or_refuse(bytes(data))
    assert rows is None or all(r.status in RowStatus for r in rows)


def test_a_sound_zip_with_a_broken_sheet_is_a_file_read_error(reader: str, tmp_path: Path) -> None:
    """The workbook opens, and the sheet's XML breaks off only when it is read: still a FileReadError."""
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(io.BytesIO(sound_workbook())) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if item.filename.startswith("xl/worksheets/") else data)
    with pytest.raises(FileReadError, match="sheet 'Список' of the workbook cannot be read"):
        list(read_file(path, today=TODAY).rows)


def test_a_zip_of_an_unknown_version_is_read_or_refused(reader: str) -> None:
    """Found by the flipped-bytes test: zipfile raised NotImplementedError while the reader was being picked."""
    data = bytearray(sound_workbook())
    entry = data.index(b"PK\x01\x02")  # the first central directory entry
    data[entry + 6 : entry + 8] = (64).to_bytes(2, "little")  # "version needed to extract": 6.4
    rows = read_or_refuse(bytes(data))  # calamine reads it, openpyxl refuses it
    assert rows is None or [r.fields["family_name"] for r in rows] == ["Шевченко", "Коваль"]
