"""Readers account for every row, in every encoding and layout clerks produce."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unforgotten.errors import FileReadError
from unforgotten.ingest import RowStatus, read_file
from unforgotten.ingest.encoding import detect_encoding

TODAY = dt.date(2025, 6, 9)
ROWS = [
    ("Шевченко", "Олександр", "Іванович", "12.03.1999"),
    ("Ковальчук", "Ірина", "Петрівна", "1987-11"),
    ("Іванов", "Сергей", "Петрович", "31.02.1990"),
    ("Бондаренко", "Юрій", "", "1975"),
]


def write_csv(path: Path, *, encoding: str, delimiter: str = ";", title: bool = False) -> Path:
    lines = ["Список військовополонених станом на 01.06.2025", ""] if title else []
    apostrophe = "’" if encoding.startswith("utf") else "'"  # single-byte code pages have no typographic apostrophe
    lines.append(delimiter.join(["Прізвище", f"Ім{apostrophe}я", "По батькові", "Дата народження"]))
    lines += [delimiter.join(row) for row in ROWS]
    lines.append(delimiter.join(["", "", "", ""]))  # a blank row
    lines.append(delimiter.join(["", "", "", "01.01.1990"]))  # no name at all
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def statuses(path: Path) -> list[RowStatus]:
    return [row.status for row in read_file(path, today=TODAY).rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1251", "koi8_u",
                                      "mac_cyrillic"])  # fmt: skip
def test_every_encoding_reads_the_same_names(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "list.csv", encoding=encoding)
    result = read_file(path, today=TODAY)
    rows = list(result.rows)
    assert [r.fields["family_name"] for r in rows[:4]] == [r[0] for r in ROWS]
    assert [r.status for r in rows] == [RowStatus.ACCEPTED] * 4 + [RowStatus.BLANK, RowStatus.QUARANTINED]


def test_title_rows_are_skipped_and_reported(tmp_path: Path) -> None:
    result = read_file(write_csv(tmp_path / "t.csv", encoding="cp1251", title=True), today=TODAY)
    rows = list(result.rows)
    assert result.skipped_above_header[""] == 2
    assert rows[0].row_number == 4 and rows[0].fields["given_name"] == "Олександр"


def test_dates_are_never_guessed(tmp_path: Path) -> None:
    rows = list(read_file(write_csv(tmp_path / "d.csv", encoding="utf-8"), today=TODAY).rows)
    assert [r.fields["date_of_birth"] for r in rows[:4]] == ["1999-03-12", "1987-11", None, "1975"]
    assert any(f.code == "date_dropped" and f.value == "31.02.1990" for f in rows[2].findings)


def test_quoted_fields_and_extra_fields(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('ПІБ,Дата народження,Примітки\n"ШЕВЧЕНКО Олександр Іванович",01.02.2000,"поранений,\nлікарня"\n'
                    'Коваль Іван,1990,x,extra\n', encoding="utf-8")  # fmt: skip
    rows = list(read_file(path, today=TODAY).rows)
    assert (rows[0].fields["family_name"], rows[0].fields["given_name"], rows[0].fields["patronymic"]) == (
        "ШЕВЧЕНКО", "Олександр", "Іванович")  # fmt: skip
    assert rows[0].fields["notes"] == "поранений, лікарня"
    assert rows[1].status == RowStatus.QUARANTINED and rows[1].findings[0].code == "too_many_fields"


def test_json_keeps_unknown_fields(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    path.write_text(json.dumps([{"family_name": "Мельник", "given_name": "Олена", "badge": "7"}, {"x": ""}]))
    rows = list(read_file(path, today=TODAY).rows)
    assert rows[0].raw["badge"] == "7" and rows[0].status == RowStatus.ACCEPTED
    assert rows[1].status == RowStatus.BLANK


def test_xlsx_every_sheet_and_real_dates(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "Полонені"
    first.append(["Список"])
    first.append(["Фамилия", "Имя", "Дата рождения"])
    first.append(["Петров", "Игорь", dt.datetime(1990, 5, 17)])
    first.append(["Сидоренко", "Анна", "17.05.1991"])
    second = workbook.create_sheet("Додаток")
    second.append(["Прізвище", "Ім'я", "Дата народження"])
    second.append(["Гнатюк", "Тарас", 36161])
    workbook.create_sheet("Порожній")
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    result = read_file(path, today=TODAY)
    rows = list(result.rows)
    assert [r.fields["date_of_birth"] for r in rows] == ["1990-05-17", "1991-05-17", "1999-01-01"]
    assert [r.sheet for r in rows] == ["Полонені", "Полонені", "Додаток"]
    assert result.skipped_above_header["Полонені"] == 1


def test_unreadable_files_say_why(tmp_path: Path) -> None:
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileReadError, match="empty"):
        read_file(empty)
    noise = tmp_path / "n.csv"
    noise.write_text("1;2;3\n4;5;6\n")
    with pytest.raises(FileReadError, match="header"):
        list(read_file(noise).rows)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(cells=st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=6), max_size=20))
def test_every_row_is_accounted_for(tmp_path: Path, cells: list[list[str]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Прізвище", "Ім'я", "Дата народження"])
    writer.writerows(cells)
    path = tmp_path / "fuzz.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    rows = list(read_file(path, today=TODAY).rows)
    physical = sum(1 for _ in csv.reader(io.StringIO(buffer.getvalue()))) - 1
    assert len(rows) == physical
    assert all(r.status in (RowStatus.ACCEPTED, RowStatus.QUARANTINED, RowStatus.BLANK) for r in rows)


@settings(max_examples=80, deadline=None)
@given(data=st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.csv"
        path.write_bytes(data)
        try:
            rows = list(read_file(path, today=TODAY).rows)
        except FileReadError:
            return
        assert all(r.status in RowStatus for r in rows)


def test_short_cyrillic_detection() -> None:
    assert detect_encoding("Олександр Шевченко".encode("cp1251")) == "cp1251"
    assert detect_encoding("Олександр Шевченко".encode("koi8_u")) == "koi8_u"


def test_a_row_pasted_in_another_encoding_is_kept_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    good = "Прізвище;Ім'я\nШевченко;Олександр\n".encode()
    pasted = "Ковальчук;Ірина\n".encode().decode("cp1251").encode()  # a row once saved as cp1251 text, now UTF-8
    path.write_bytes(good + pasted)
    rows = list(read_file(path, today=TODAY).rows)
    assert [r.status for r in rows] == [RowStatus.ACCEPTED, RowStatus.ACCEPTED]
    assert not [f for f in rows[0].findings if f.code == "suspicious_encoding"]
    warned = [f for f in rows[1].findings if f.code == "suspicious_encoding"]
    assert {f.column for f in warned} == {"family_name", "given_name"}
    assert "Ковальчук" in warned[0].message


@pytest.mark.parametrize("stream", [False, True], ids=["calamine", "openpyxl-streaming"])
def test_both_xlsx_readers_give_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stream: bool) -> None:
    """Large sheets stream through openpyxl, small ones are read whole by calamine: the rows must not differ."""
    from openpyxl import Workbook

    from unforgotten.ingest import readers

    if stream:
        monkeypatch.setattr(readers, "STREAM_XLSX_ABOVE", 0)
    workbook = Workbook()
    sheet = workbook.active
    sheet["B3"] = "Прізвище"  # two empty rows and an empty column before the table
    sheet["C3"], sheet["D3"], sheet["E3"] = "Ім'я", "Дата народження", "Особистий номер"
    sheet.append([None, "Шевченко", "Олександр", dt.datetime(1990, 5, 17), 123456])
    sheet.append([])
    sheet.append([None, "Коваль", "Ірина", "31.02.1990", "A-17"])
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    rows = list(read_file(path, today=TODAY).rows)
    assert [(r.row_number, r.status) for r in rows] == [
        (4, RowStatus.ACCEPTED),
        (5, RowStatus.BLANK),
        (6, RowStatus.ACCEPTED),
    ]
    assert [r.fields["date_of_birth"] for r in rows] == ["1990-05-17", None, None]
    assert rows[0].fields["service_number"] == "123456" and rows[2].fields["family_name"] == "Коваль"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_json_streams_in_any_unicode_encoding_and_in_an_entries_object(tmp_path: Path, encoding: str) -> None:
    items = [{"Прізвище": "Мельник", "Ім'я": "Олена", "Дата народження": "05.04.1990"}, 7, {"badge": 1.5}]
    for document in (items, {"entries": items, "source": "x"}):
        path = tmp_path / "l.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding=encoding)
        result = read_file(path, today=TODAY)
        rows = list(result.rows)
        assert [r.status for r in rows] == [RowStatus.ACCEPTED, RowStatus.QUARANTINED, RowStatus.QUARANTINED]
        assert rows[0].fields["family_name"] == "Мельник" and rows[0].fields["date_of_birth"] == "1990-04-05"
        assert rows[1].raw == {"value": "7"} and rows[2].raw["badge"] == "1.5"


@pytest.mark.parametrize(
    ("text", "ok"),
    [("[]", True), ('{"entries": []}', True), ("{}", False), ('{"a": [1]}', False), ("[1, 2", False), ("x", False)],
)
def test_json_that_is_not_a_list_is_refused_clearly(tmp_path: Path, text: str, ok: bool) -> None:
    path = tmp_path / "l.json"
    path.write_text(text, encoding="utf-8")
    if ok:
        assert list(read_file(path, today=TODAY).rows) == []
    else:
        with pytest.raises(FileReadError):
            list(read_file(path, today=TODAY).rows)
