"""Limits: a hostile or broken file is refused, or its rows quarantined, with the limit named and no value quoted."""

from __future__ import annotations

import datetime as dt
import json
import time
import zipfile
from pathlib import Path

import pytest

from unforgotten.errors import FileReadError
from unforgotten.ingest import Limits, RowStatus, read_file
from unforgotten.ingest.archive import check_archive

TODAY = dt.date(2025, 6, 9)


def test_an_over_long_value_quarantines_its_row_without_quoting_it(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    long_name = "Ш" * 10_001
    path.write_text(f"Прізвище;Ім'я\nКоваль;Іван\n{long_name};Петро\nБойко;Тарас\n", encoding="utf-8")
    rows = list(read_file(path, today=TODAY).rows)
    assert [r.status for r in rows] == [RowStatus.ACCEPTED, RowStatus.QUARANTINED, RowStatus.ACCEPTED]
    (finding,) = rows[1].findings
    assert finding.code == "cell_too_long" and finding.column == "family_name"
    assert finding.message.startswith("value in column 'Прізвище' is 10001 characters, the limit is 10000")
    assert "ШШ" not in finding.message and finding.value is None
    assert len(rows[1].raw["Прізвище"]) < 10_100 and rows[1].fields["family_name"] is None


def test_an_over_long_line_is_set_aside_unread_and_the_next_lines_read(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("Прізвище;Ім'я\r\nКоваль;Іван\r\n" + "x" * 5000 + "\r\nБойко;Тарас\r\n", encoding="utf-8")
    rows = list(read_file(path, today=TODAY, limits=Limits(line_chars=1000)).rows)
    assert [(r.row_number, r.status) for r in rows] == [(2, "accepted"), (3, "quarantined"), (4, "accepted")]
    assert rows[1].findings[0].code == "line_too_long" and rows[1].raw == {}
    assert rows[2].fields["family_name"] == "Бойко"


def test_an_open_quote_spanning_too_many_lines_is_an_unclosed_quote(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    notes = "\n".join(["рядок"] * 20)
    path.write_text(f'Прізвище;Примітки\nКоваль;"{notes}"\nБойко;x\n', encoding="utf-8")
    default = [r.status for r in read_file(path, today=TODAY).rows]
    assert default == [RowStatus.ACCEPTED, RowStatus.ACCEPTED]
    tight = list(read_file(path, today=TODAY, limits=Limits(quoted_lines=5)).rows)
    assert tight[0].findings[0].code == "unclosed_quote" and tight[0].row_number == 2
    assert tight[-1].fields["family_name"] == "Бойко"


def test_a_header_too_wide_refuses_the_file(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text(";".join(["Прізвище", "Ім'я", *(f"c{i}" for i in range(600))]) + "\nКоваль;Іван\n")
    with pytest.raises(FileReadError, match="the header has 602 columns, the limit is 500"):
        list(read_file(path, today=TODAY).rows)


def test_a_row_far_wider_than_the_header_keeps_only_the_first_cells(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("Прізвище;Ім'я\nКоваль;Іван" + ";x" * 5000 + "\n", encoding="utf-8")
    (row,) = read_file(path, today=TODAY).rows
    assert row.status == RowStatus.QUARANTINED and row.findings[0].message.startswith("5002 fields for 2 columns")
    assert len(row.raw) == 500


def test_json_items_each_with_new_keys_read_in_linear_time(tmp_path: Path) -> None:
    """Once, 188 KB of such items grew quadratically (every row carried every key of the file)."""
    path = tmp_path / "keys.json"
    items = [{"family_name": f"Коваль{i}", f"key{i}": "x"} for i in range(20_000)]
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    start = time.perf_counter()
    result = read_file(path, today=TODAY)
    rows = list(result.rows)
    assert time.perf_counter() - start < 30
    assert len(rows) == 20_000 and all(len(r.raw) <= 2 for r in rows)
    statuses = [r.status for r in rows]
    assert statuses.count(RowStatus.ACCEPTED) == 4_999  # family_name and the first 4,999 new keys make 5,000
    assert result.report()["finding_counts"]["too_many_keys"] == 15_001
    assert "beyond the first 5000" in rows[-1].findings[0].message


def test_a_json_item_with_too_many_keys_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    path.write_text(json.dumps([{"family_name": "Коваль"}, {f"k{i}": i for i in range(600)}, {"family_name": "Бойко"}]))
    rows = list(read_file(path, today=TODAY).rows)
    assert [r.status for r in rows] == [RowStatus.ACCEPTED, RowStatus.QUARANTINED, RowStatus.ACCEPTED]
    assert rows[1].findings[0].message.startswith("the item has 600 fields, the limit is 500")
    assert len(rows[1].raw) == 500


def _workbook_with(path: Path, family_name_chars: int) -> Path:
    """An XLSX whose one family name is ``family_name_chars`` long: a zip bomb when that is large.

    openpyxl writes the name inline in the sheet; Excel would put it in the shared strings, checked alike.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Прізвище", "Ім'я"])
    sheet.append(["PLACEHOLDER", "Іван"])
    plain = path.with_suffix(".plain.xlsx")
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if b"PLACEHOLDER" not in data:
                target.writestr(info, data)
                continue
            before, after = data.split(b"PLACEHOLDER")
            with target.open(info.filename, "w", force_zip64=True) as member:
                member.write(before)
                chunk = ("Ш" * 1_000_000).encode()
                for _ in range(family_name_chars // 1_000_000):
                    member.write(chunk)
                member.write(("Ш" * (family_name_chars % 1_000_000)).encode())
                member.write(after)
    return path


def test_a_workbook_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = _workbook_with(tmp_path / "bomb.xlsx", 20_000_000)  # 40 MB of shared strings in about 40 KB
    assert bomb.stat().st_size < 200_000
    with pytest.raises(FileReadError, match="times its packed size") as caught:
        read_file(bomb, today=TODAY)
    assert "ШШ" not in str(caught.value)
    with pytest.raises(FileReadError, match="the workbook unpacks to 38 MB, the limit is 2 MB"):
        check_archive(bomb, Limits(unpacked_bytes=2 << 20, compression_ratio=10_000))


def test_shared_strings_are_limited_on_their_own(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "xl/sharedStrings.xml",
            "<sst>" + "".join(f"<si><t>Коваль{i * 7919 % 100_003}</t></si>" for i in range(200_000)) + "</sst>",
        )
    check_archive(path)
    with pytest.raises(FileReadError, match="shared strings unpack to 6 MB, the limit is 1 MB"):
        check_archive(path, Limits(shared_strings_bytes=1 << 20, compression_ratio=10_000))


def test_a_workbook_with_a_long_but_bounded_name_is_read_and_the_row_quarantined(tmp_path: Path) -> None:
    rows = list(read_file(_workbook_with(tmp_path / "long.xlsx", 20_000), today=TODAY).rows)
    assert [r.status for r in rows] == [RowStatus.QUARANTINED]
    assert rows[0].findings[0].code == "cell_too_long"
