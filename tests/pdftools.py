"""Looking at a PDF as a reader would: poppler-utils' pdftotext (its text, page by page) and pdftoppm (a page as
a PNG). Debian's poppler-utils; where it is not installed the test is skipped, saying so in the summary."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

__all__ = ["page_png", "page_text", "pages_text"]

MISSING = "poppler-utils is not installed (no {tool} on PATH): the PDF was NOT looked at; apt-get install poppler-utils"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(MISSING.format(tool=name))
    return found


def page_text(pdf: Path, page: int) -> str:
    """The text of one page (1-based), in reading order with the layout kept."""
    result = subprocess.run([_tool("pdftotext"), "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                            capture_output=True, text=True, check=True, timeout=60)  # fmt: skip
    return result.stdout


def pages_text(pdf: Path) -> list[str]:
    """The text of every page (pdftotext separates pages with a form feed)."""
    result = subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                            check=True, timeout=60)  # fmt: skip
    return result.stdout.split("\f")[:-1]


def page_png(pdf: Path, page: int, out: Path, *, dpi: int = 80) -> Path:
    """Render one page to ``out`` (a .png path) and return it."""
    stem = out.with_suffix("")
    subprocess.run([_tool("pdftoppm"), "-png", "-singlefile", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    str(pdf), str(stem)], check=True, timeout=60)  # fmt: skip
    return stem.with_suffix(".png")
