"""Cells that a spreadsheet program would run as a formula, flagged on the way in and neutralised on the way out.

Excel, LibreOffice and Google Sheets treat a cell beginning with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return can hide one), so a name like ``=HYPERLINK("http://…","Шевченко")`` in a list
becomes a live link, or worse, in whoever opens an export (OWASP "CSV injection"). Imports keep such values
verbatim and warn; CSV exports prefix a ``'`` so the program shows the text instead of running it.

The import warning spares values that are only a number, a phone number or a dash ("-", "+380 67 123 45 67"):
clerks write them all the time, and a spreadsheet reads them as a number or text, never as a formula. Exports
neutralise those too, since a prefix costs nothing there.
"""

from __future__ import annotations

import re

__all__ = ["FORMULA_PREFIXES", "looks_like_formula", "neutralise_cell"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_HARMLESS = re.compile(r"[-+]?[\d\s.,()/-]*")


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet program opening ``value`` as a cell could run it as a formula.

    Examples:
        >>> looks_like_formula('=HYPERLINK("http://x")'), looks_like_formula("Шевченко"), looks_like_formula("-")
        (True, False, False)
    """
    return value.startswith(FORMULA_PREFIXES) and _HARMLESS.fullmatch(value) is None


def neutralise_cell(value: object) -> str:
    """A cell's text, safe to write to CSV: a leading ``'`` disarms a would-be formula; ``None`` becomes ``""``.

    Args:
        value: the value to export (``None``, a string, or anything with a string form).

    Returns:
        The text, prefixed with ``'`` when it begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return.

    Examples:
        >>> neutralise_cell("=1+2"), neutralise_cell("-"), neutralise_cell("Коваль"), neutralise_cell(None)
        ("'=1+2", "'-", 'Коваль', '')
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
