"""A PDF document class for what people print and sign on paper: title, header block, tables, signature blocks.

The font is vendored, never looked up on the machine: fpdf2's built-in fonts (Helvetica, Times) are Latin-1 only,
so "Коваленко" would not print, and a system font may be missing on a fresh machine or on a laptop at a crossing.
``fonts/`` holds DejaVu Sans 2.37, regular and bold, from Debian's ``fonts-dejavu-core`` 2.37-6 (Latin, Cyrillic,
Greek; Bitstream Vera licence with DejaVu changes in the public domain, ``fonts/LICENSE``). fpdf2 embeds only the
glyphs a document uses (about 20 KB for a manifest), so the PDF shows the same on any reader.

Pure: no database, no web. The callers pass text already translated; nothing here knows what a manifest or a
tracing letter is, so both are laid out the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from fpdf.fonts import FontFace

__all__ = [
    "FAMILY",
    "FONT_FILES",
    "Column",
    "PrintDocument",
    "SignatureBlock",
    "column_widths",
    "font_path",
    "page_label",
]

FAMILY = "DejaVuSans"
# style → file in ``fonts/``; "" is regular, "B" bold (fpdf2's style letters).
FONT_FILES: dict[str, str] = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

_MARGIN = 12.0  # mm: inside what office printers leave blank, with room for a hole punch
_BODY_PT = 9.0
_SMALL_PT = 7.5
_GREY = (225, 225, 225)


def font_path(style: str = "") -> Path:
    """The vendored font file for a style ("" or "B"), inside the installed package."""
    return Path(str(resources.files("unforgotten.documents") / "fonts" / FONT_FILES[style]))


def page_label(page: int, pages: int | str) -> str:
    """The footer's page number, as on paper forms: ``2 / 5``.

    Examples:
        >>> page_label(2, 5)
        '2 / 5'
    """
    return f"{page} / {pages}"


@dataclass(frozen=True)
class Column:
    """One column of a table: its heading, its share of the table's width, and how its cells align."""

    title: str
    weight: float = 1.0
    align: Literal["L", "C", "R"] = "L"


@dataclass(frozen=True)
class SignatureBlock:
    """Who signs (``role``, e.g. "Officer of UA") and the labelled lines they fill in by hand."""

    role: str
    lines: Sequence[str] = field(default_factory=tuple)


def column_widths(columns: Sequence[Column], width: float) -> list[float]:
    """Share ``width`` (mm) among the columns by weight; the widths add up to ``width`` exactly.

    Examples:
        >>> column_widths([Column("a", 1), Column("b", 3)], 100.0)
        [25.0, 75.0]
    """
    if not columns:
        raise ValueError("a table needs at least one column")
    total = sum(c.weight for c in columns)
    if total <= 0 or any(c.weight < 0 for c in columns):
        raise ValueError("column weights must be positive")
    widths = [round(width * c.weight / total, 2) for c in columns]
    widths[-1] = round(width - sum(widths[:-1]), 2)
    return widths


class PrintDocument(FPDF):
    """An A4 document with the vendored font, a footer naming the document and ``page / pages`` on every page.

    Use its blocks top to bottom (``heading``, ``fields``, ``section``, ``grid``, ``signatures``, ``paragraph``) and
    take the file with :meth:`to_bytes`.
    """

    def __init__(
        self, *, title: str, footer: str = "", orientation: Literal["portrait", "landscape"] = "portrait"
    ) -> None:
        super().__init__(orientation="L" if orientation == "landscape" else "P", unit="mm", format="A4")
        for style in FONT_FILES:
            self.add_font(FAMILY, style=style, fname=font_path(style))
        self.document_title = title
        self.footer_text = footer or title
        self.set_title(title)
        self.set_creator("Unforgotten")
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(auto=True, margin=_MARGIN + 6)
        self.add_page()
        self.set_font(FAMILY, size=_BODY_PT)

    @property
    def usable_width(self) -> float:
        """The width between the margins, in mm."""
        return float(self.w - self.l_margin - self.r_margin)

    def footer(self) -> None:
        """Every page: what the document is on the left, ``page / pages`` on the right (fpdf2 calls this)."""
        self.set_y(-_MARGIN - 2)
        self.set_font(FAMILY, size=_SMALL_PT)
        self.set_text_color(90, 90, 90)
        self.cell(w=self.usable_width * 0.8, h=4, text=self.footer_text, align="L")
        self.cell(w=0, h=4, text=page_label(self.page_no(), self.str_alias_nb_pages), align="R")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, subtitle: str | None = None) -> None:
        """The document's title in bold, and an optional line under it."""
        self.set_font(FAMILY, style="B", size=14)
        self.multi_cell(w=0, h=7, text=text, new_x="LMARGIN", new_y="NEXT")
        if subtitle:
            self.set_font(FAMILY, size=_BODY_PT)
            self.multi_cell(w=0, h=5, text=subtitle, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font(FAMILY, size=_BODY_PT)

    def fields(self, pairs: Sequence[tuple[str, str]], *, per_row: int = 2) -> None:
        """The header block: ``label: value`` pairs, ``per_row`` to a row, labels in bold, no borders."""
        if not pairs:
            return
        per_row = max(1, per_row)
        columns = [Column("", 1.0), Column("", 2.0)] * per_row
        with self.table(
            col_widths=column_widths(columns, self.usable_width),
            first_row_as_headings=False,
            borders_layout="NONE",
            text_align="LEFT",
            line_height=5,
            padding=(0.6, 1.0),
        ) as table:
            for start in range(0, len(pairs), per_row):
                row = table.row()
                chunk = list(pairs[start : start + per_row])
                chunk += [("", "")] * (per_row - len(chunk))
                for label, value in chunk:
                    row.cell(f"{label}:" if label else "", style=FontFace(family=FAMILY, emphasis="BOLD"))
                    row.cell(value)
        self.ln(2)

    def section(self, text: str) -> None:
        """A bold heading over the block that follows, kept on the page with at least a few lines under it."""
        if self.will_page_break(30):
            self.add_page()
        self.set_font(FAMILY, style="B", size=11)
        self.multi_cell(w=0, h=6, text=text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, size=_BODY_PT)
        self.ln(1)

    def paragraph(self, text: str, *, size: float = _BODY_PT) -> None:
        """Running text across the page."""
        self.set_font(FAMILY, size=size)
        self.multi_cell(w=0, h=size * 0.5, text=text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FAMILY, size=_BODY_PT)
        self.ln(1)

    def grid(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, min_row_height: float = 0) -> None:
        """A bordered table whose heading row is repeated at the top of every page it runs onto.

        ``min_row_height`` (mm) leaves room to write by hand in empty cells.
        """
        with self.table(
            col_widths=column_widths(columns, self.usable_width),
            headings_style=FontFace(family=FAMILY, emphasis="BOLD", fill_color=_GREY),
            text_align=tuple(c.align for c in columns),
            line_height=4.5,
            padding=(0.8, 1.0),
            repeat_headings=1,
            min_row_height=min_row_height or None,
            v_align="MIDDLE",
        ) as table:
            heading = table.row()
            for column in columns:
                heading.cell(column.title)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.ln(3)

    def signatures(self, blocks: Sequence[SignatureBlock], *, line_height: float = 9.0) -> None:
        """Signature blocks side by side, each a role and labelled lines to sign on; never split over two pages."""
        if not blocks:
            return
        needed = 8 + line_height * max(len(b.lines) for b in blocks)
        if self.will_page_break(needed):
            self.add_page()
        gap = 6.0
        width = (self.usable_width - gap * (len(blocks) - 1)) / len(blocks)
        top = self.get_y()
        for index, block in enumerate(blocks):
            x = self.l_margin + index * (width + gap)
            self.set_xy(x, top)
            self.set_font(FAMILY, style="B", size=_BODY_PT)
            self.multi_cell(w=width, h=4.5, text=block.role, new_x="LEFT", new_y="NEXT")
            self.set_font(FAMILY, size=_BODY_PT)
            for label in block.lines:
                self.set_x(x)
                y = self.get_y() + line_height
                self.set_xy(x, y - 4.5)
                self.cell(w=width, h=4.5, text=f"{label}:", new_x="LEFT", new_y="NEXT")
                self.line(x + self.get_string_width(f"{label}: "), y, x + width, y)
                self.set_y(y)
        self.set_y(top + needed)

    def to_bytes(self) -> bytes:
        """The finished PDF."""
        return bytes(self.output())
