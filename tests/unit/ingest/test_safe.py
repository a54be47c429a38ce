"""Exports cannot attack whoever opens them: a would-be formula is written as text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unforgotten.ingest import looks_like_formula, neutralise_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","Шевченко")', '\'=HYPERLINK("http://x","Шевченко")'),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("Шевченко", "Шевченко"),
        ("О'Коннор", "О'Коннор"),
        ("", ""),
        (None, ""),
        (1990, "1990"),
    ],
)
def test_neutralise_cell(value: object, written: str) -> None:
    assert neutralise_cell(value) == written


@given(st.text())
def test_a_neutralised_cell_never_starts_a_formula_and_keeps_its_text(value: str) -> None:
    written = neutralise_cell(value)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert written in (value, "'" + value)


@pytest.mark.parametrize(
    ("value", "flagged"),
    [("=1+1", True), ("@x", True), ("-2+cmd|x", True), ("\tx", True), ("-", False), ("+380 67 123 45 67", False),
     ("-12.5", False), ("Коваль", False)],
)  # fmt: skip
def test_import_flags_formulas_but_not_dashes_or_phone_numbers(value: str, flagged: bool) -> None:
    assert looks_like_formula(value) is flagged
