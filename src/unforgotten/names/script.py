"""Which script a name is written in, and repair of look-alike letters typed from the wrong keyboard layout.

Lists typed by hand often carry Latin letters inside Cyrillic words (a Latin ``i`` for Ukrainian ``і``, ``o`` for
``о``, ``c`` for ``с``) and the reverse. They look right and compare wrong: ``Шевчeнко`` with a Latin ``e`` is not
``Шевченко`` to any string comparison. :func:`fix_homoglyphs` moves such letters to the script of their word.
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["Script", "detect_script", "fix_homoglyphs"]


class Script(StrEnum):
    """The script of a piece of text, judged by its letters only."""

    CYRILLIC = "cyrillic"
    LATIN = "latin"
    MIXED = "mixed"
    """Both Cyrillic and Latin letters."""
    OTHER = "other"
    """Characters but no Cyrillic or Latin letter (digits, Greek, Arabic …)."""
    EMPTY = "empty"
    """Nothing but white space."""


# Latin letter → Cyrillic letter that looks the same (or nearly, in common fonts).
_LATIN_TO_CYRILLIC = {
    "a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х", "y": "у", "k": "к", "m": "м", "t": "т",
    "ï": "ї", "ë": "ё",
    "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т",
    "X": "Х", "Y": "У", "Ï": "Ї", "Ë": "Ё",
}  # fmt: skip
_CYRILLIC_TO_LATIN = {cyr: lat for lat, cyr in _LATIN_TO_CYRILLIC.items()}
_TO_CYRILLIC = str.maketrans(_LATIN_TO_CYRILLIC)
_TO_LATIN = str.maketrans(_CYRILLIC_TO_LATIN)

_CYR = re.compile(r"[\u0400-\u04FF]")
_LAT = re.compile(r"[A-Za-z\u00C0-\u024F]")
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_latin(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


def detect_script(text: str) -> Script:
    """Tell which script ``text`` is written in.

    Args:
        text: Any string.

    Returns:
        :attr:`Script.EMPTY` for blank text, :attr:`Script.MIXED` if it has both Cyrillic and Latin letters,
        :attr:`Script.CYRILLIC` or :attr:`Script.LATIN` if only one, else :attr:`Script.OTHER`.

    Examples:
        >>> detect_script("Шевченко"), detect_script("Shevchenko"), detect_script("Шевчeнко")
        (<Script.CYRILLIC: 'cyrillic'>, <Script.LATIN: 'latin'>, <Script.MIXED: 'mixed'>)
    """
    if not text or text.isspace():
        return Script.EMPTY
    cyr = _CYR.search(text) is not None
    lat = _LAT.search(text) is not None
    if cyr and lat:
        return Script.MIXED
    if cyr:
        return Script.CYRILLIC
    return Script.LATIN if lat else Script.OTHER


def _fix_word(word: str) -> str:
    cyr = [ch for ch in word if _is_cyrillic(ch)]
    lat = [ch for ch in word if _is_latin(ch)]
    if not cyr or not lat:
        return word
    # A letter with no look-alike in the other script decides; otherwise the majority, ties to Cyrillic.
    if any(ch not in _CYRILLIC_TO_LATIN for ch in cyr):
        to_cyrillic = True
    elif any(ch not in _LATIN_TO_CYRILLIC for ch in lat):
        to_cyrillic = False
    else:
        to_cyrillic = len(cyr) >= len(lat)
    return word.translate(_TO_CYRILLIC if to_cyrillic else _TO_LATIN)


def fix_homoglyphs(text: str) -> str:
    """Replace look-alike letters of the other script inside each word with letters of the word's own script.

    A word is Cyrillic if it has a Cyrillic letter without a Latin look-alike (ш, и, я …), Latin if it has a Latin
    letter without a Cyrillic look-alike (s, v, z …), else whichever script has more letters. Words in one script
    only are returned unchanged.

    Args:
        text: A name or any text.

    Returns:
        The text with each mixed word moved to one script.

    Examples:
        >>> fix_homoglyphs("Шевчeнко Oлександр") == "Шевченко Олександр"
        True
        >>> fix_homoglyphs("Kоvalenkо") == "Kovalenko"
        True
    """
    if detect_script(text) is not Script.MIXED:
        return text
    return _WORD.sub(lambda m: _fix_word(m.group(0)), text)
