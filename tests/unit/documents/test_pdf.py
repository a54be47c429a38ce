"""The printable-document pieces: widths, page labels, the vendored font, and a long table's pages as read back."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from tests.pdftools import pages_text

from unforgotten.documents import FAMILY, Column, PrintDocument, SignatureBlock, column_widths, font_path, page_label
from unforgotten.documents.pdf import FONT_FILES


def test_column_widths_share_the_width_by_weight_and_add_up_exactly() -> None:
    widths = column_widths([Column("a", 1), Column("b", 1), Column("c", 1)], 100.0)
    assert widths[:2] == [33.33, 33.33] and sum(widths) == pytest.approx(100.0)
    assert column_widths([Column("a", 1), Column("b", 3)], 100.0) == [25.0, 75.0]
    for bad in ([], [Column("a", 0)], [Column("a", 2), Column("b", -1)]):
        with pytest.raises(ValueError):
            column_widths(bad, 100.0)


def test_page_label() -> None:
    assert page_label(3, 12) == "3 / 12"


@pytest.mark.parametrize("style", sorted(FONT_FILES))
def test_the_vendored_font_is_in_the_package_with_its_licence_and_covers_ukrainian_and_russian(style: str) -> None:
    path = font_path(style)
    assert path.is_file() and path.parent == Path(sys.modules["unforgotten.documents"].__file__ or "").parent / "fonts"
    assert (path.parent / "LICENSE").read_text(encoding="utf-8").count("Bitstream") >= 3
    cmap = TTFont(path).getBestCmap()
    missing = [c for c in "АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯЁЪЫЭабвгґдеєжзиіїйклмнопрстуфхцчшщьюяёъыэ'’ʼ№—⇄→" if
               ord(c) not in cmap]  # fmt: skip
    assert missing == []


def _long_document(rows: int) -> PrintDocument:
    document = PrintDocument(title="Test register", footer="Test register — footer", orientation="landscape")
    document.heading("Test register", "Шевченко and Shevchenko")
    document.fields([("Stage", "S1"), ("Place", "Пункт пропуску A"), ("Date", "2025-06-09")], per_row=2)
    document.section("Handed over by UA to RU")
    columns = [Column("No.", 0.5, "R"), Column("Name", 3), Column("Outcome", 1)]
    document.grid(columns, [[str(i), f"Коваленко Олександр {i}", ""] for i in range(1, rows + 1)], min_row_height=8)
    document.signatures([SignatureBlock("Officer of UA", ("Name", "Signature")), SignatureBlock("Mediator", ("Name",))])
    return document


def test_the_pdf_embeds_the_vendored_font_and_no_builtin_one() -> None:
    content = _long_document(3).to_bytes()
    assert content.startswith(b"%PDF-") and b"/FontFile2" in content  # an embedded TrueType font
    assert re.search(rb"/BaseFont\s*/[A-Z]{6}\+DejaVuSans", content)  # a subset of ours ...
    assert b"/Helvetica" not in content and b"/Times" not in content  # ... and none a reader must supply
    assert FAMILY == "DejaVuSans"


def test_a_long_table_runs_over_pages_repeating_its_heading_row_with_page_n_of_m(tmp_path: Path) -> None:
    document = _long_document(60)
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(document.to_bytes())
    pages = pages_text(pdf)
    assert len(pages) >= 3 and len(pages) == document.page_no()
    for number, text in enumerate(pages, start=1):
        assert re.search(r"No\.\s+Name\s+Outcome", text), f"page {number} lacks the heading row"
        # drawn as "2 / 4"; pdftotext, reading the page count filled in at the end, gives "2/4"
        assert re.search(rf"\b{number}\s*/\s*{len(pages)}\s*$", text.rstrip()), f"page {number}'s footer"
        assert "Test register — footer" in text
    everything = "".join(pages)
    assert all(f"Коваленко Олександр {i}" in everything for i in range(1, 61))
    assert "Signature:" in pages[-1] and "Officer of UA" in pages[-1]
