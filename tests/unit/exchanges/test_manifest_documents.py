"""A manifest's two documents without a database: the XLSX's protection, list and hidden sheet, what is read back
from it, the outcome words in every language, and the PDF's pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.pdftools import pages_text

from unforgotten.errors import FileReadError
from unforgotten.exchanges import manifest, paper
from unforgotten.exchanges.manifest import Manifest, ManifestLine
from unforgotten.web.i18n import SUPPORTED_LANGUAGES


def _manifest(lines: int = 4) -> Manifest:
    people = [("Шевченко Тарас Григорович", "1990-03-09"), ("Smith John", "1988-01-02"),
              ("=HYPERLINK(\"http://x\",\"Коваль\")", ""), ("", "")]  # fmt: skip
    return Manifest(
        agreement_id=1, agreement_title="Обмін тяжкопораненими (synthetic)", plan_id=2, plan_version=3, stage_id=7,
        stage_code="S1", date=dt.date(2025, 6, 9), place="Пункт пропуску A", sides=("UA", "RU"), mediator="ICRC",
        viewer="UA",
        lines=tuple(ManifestLine(line_id=100 + i, name=people[i % 4][0], date_of_birth=people[i % 4][1],
                                 from_party="RU" if i % 2 else "UA", to_party="UA" if i % 2 else "RU",
                                 category="seriously wounded") for i in range(lines)),
    )  # fmt: skip


def test_directions_and_totals() -> None:
    m = _manifest(5)
    assert [(s, r, [line.line_id for line in lines]) for s, r, lines in m.directions()] == [
        ("UA", "RU", [100, 102, 104]), ("RU", "UA", [101, 103])]  # fmt: skip
    assert m.totals() == {"UA": (3, 2), "RU": (2, 3)}


def test_the_xlsx_locks_all_but_the_cells_to_fill_and_offers_the_outcomes_as_a_list(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    path.write_bytes(manifest.to_xlsx(_manifest(), language="uk"))
    book = load_workbook(path)
    sheet, meta = book.worksheets[0], book[manifest.META_SHEET]
    values = {str(row[0].value): row[1].value for row in meta.iter_rows(max_col=2)}
    assert meta.sheet_state == "hidden" and values["document"] == "unforgotten-manifest" and values["stage_id"] == 7
    first, last = int(values["first_row"]), int(values["last_row"])
    assert last - first + 1 == 4 and sheet.protection.sheet
    columns = manifest.XLSX_COLUMNS
    for row in range(first, last + 1):
        for index, key in enumerate(columns, start=1):
            assert sheet.cell(row=row, column=index).protection.locked is (key not in manifest.FILLED), (row, key)
    assert [sheet.cell(row=r, column=columns.index("line") + 1).value for r in range(first, last + 1)] == [
        100, 102, 101, 103]  # fmt: skip
    header = int(values["header_row"])
    assert all(sheet.cell(row=header, column=i).protection.locked for i in range(1, len(columns) + 1))
    names = [sheet.cell(row=r, column=columns.index("name") + 1) for r in range(first, last + 1)]
    assert names[0].value == "Шевченко Тарас Григорович"
    assert names[1].value.startswith("=HYPERLINK") and names[1].data_type == "s"  # text, never a live formula
    assert names[3].value == "(доступ стороні UA не надано)"  # the uk catalogue's words
    (validation,) = sheet.data_validations.dataValidation
    outcome = f"{chr(ord('A') + columns.index('outcome'))}"
    assert validation.type == "list" and str(validation.sqref) == f"{outcome}{first}:{outcome}{last}"
    assert validation.formula1.strip('"').split(",") == [manifest.action_label(a, "uk") for a in
                                                         manifest.ACTION_LABELS]  # fmt: skip


def test_an_untouched_manifest_reads_back_as_its_lines_with_nothing_filled(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    path.write_bytes(manifest.to_xlsx(_manifest(6), language="ru"))
    read = paper.read_paper(path)
    assert (read.stage_id, read.language, read.file) == (7, "ru", "m.xlsx")
    assert [r.line for r in read.rows] == ["100", "102", "104", "101", "103", "105"]
    assert all(r.outcome == r.reason == r.initials == "" and r.problem is None for r in read.rows)


def test_a_cell_beyond_the_ingest_limit_marks_its_row(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    path.write_bytes(manifest.to_xlsx(_manifest(2)))
    book = load_workbook(path)
    first = int(book[manifest.META_SHEET]["B6"].value)
    book.worksheets[0].cell(row=first, column=manifest.XLSX_COLUMNS.index("reason") + 1, value="x" * 10_001)
    book.save(path)
    rows = paper.read_paper(path).rows
    assert rows[0].problem == "the reason cell is longer than 10,000 characters" and rows[1].problem is None


def test_a_workbook_of_another_layout_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    path.write_bytes(manifest.to_xlsx(_manifest(2)))
    book = load_workbook(path)
    book[manifest.META_SHEET]["B2"] = 99
    book.save(path)
    with pytest.raises(FileReadError, match="another version"):
        paper.read_paper(path)
    with pytest.raises(FileReadError, match="file not found"):
        paper.read_paper(tmp_path / "absent.xlsx")


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_outcome_label_reads_back_as_its_action_and_fits_a_list(language: str) -> None:
    for action in manifest.ACTION_LABELS:
        label = manifest.action_label(action, language)
        assert "," not in label and '"' not in label  # the XLSX list is written inline, comma-separated
        assert paper.parse_outcome(label) == action == paper.parse_outcome(f"  {label.upper()} ")
        assert paper.parse_outcome(action) == action
    assert paper.parse_outcome("handed") is None and paper.parse_outcome("") is None


def test_the_pdf_lists_each_direction_with_totals_and_three_signature_blocks(tmp_path: Path) -> None:
    pdf = tmp_path / "m.pdf"
    pdf.write_bytes(manifest.to_pdf(_manifest(40), language="en"))
    pages = pages_text(pdf)
    text = "".join(pages)
    assert "Handed over by UA to RU — 20 persons" in text and "Handed over by RU to UA — 20 persons" in text
    assert "Шевченко Тарас Григорович" in text and "Smith John" in text and "Пункт пропуску A" in text
    assert all("Line" in page and "Outcome" in page and "Initials" in page for page in pages)  # heading repeated
    assert "Officer of UA" in pages[-1] and "Officer of RU" in pages[-1] and "Mediator (ICRC)" in pages[-1]
    with pytest.raises(ValueError):
        manifest.to_pdf(_manifest(1), language="de")
