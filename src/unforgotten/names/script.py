"""Which script a name is written in, and repairing Latin look-alike letters inside Cyrillic words (and back).

Clerks type on mixed keyboards: "Iвaн" with a Latin I, "Кoвaль" with Latin o. Such words look right and compare
wrong, so every key starts by folding look-alikes into the word's majority script.
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["Script", "detect_script", "fix_homoglyphs"]


class Script(StrEnum):
    CYRILLIC = "cyrillic"
    LATIN = "latin"
    MIXED = "mixed"
    OTHER = "other"
    EMPTY = "empty"


_LATIN_TO_CYRILLIC_SAFE = str.maketrans("AaBCcEeHIiKMOoPpTXxYy", "АаВСсЕеНІіКМОоРрТХхУу")
_CYRILLIC_TO_LATIN = str.maketrans("АаВСсЕеНІіКМОоРрТХхУу", "AaBCcEeHIiKMOoPpTXxYy")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalpha() or "\u00c0" <= char <= "\u024f"


def detect_script(text: str) -> Script:
    """Classify ``text`` as Cyrillic, Latin, mixed (both in one text), other, or empty.

    Examples:
        >>> detect_script("Шевченко"), detect_script("Shevchenko"), detect_script("Iван")
        (<Script.CYRILLIC: 'cyrillic'>, <Script.LATIN: 'latin'>, <Script.MIXED: 'mixed'>)
    """
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return Script.EMPTY
    cyrillic = sum(1 for c in letters if _is_cyrillic(c))
    latin = sum(1 for c in letters if _is_latin(c))
    if cyrillic and latin:
        return Script.MIXED
    if cyrillic:
        return Script.CYRILLIC
    if latin:
        return Script.LATIN
    return Script.OTHER


def _fix_word(match: re.Match[str]) -> str:
    word = match.group(0)
    cyrillic = sum(1 for c in word if _is_cyrillic(c))
    latin = sum(1 for c in word if _is_latin(c))
    if not cyrillic or not latin:
        return word
    if cyrillic >= latin:
        return word.translate(_LATIN_TO_CYRILLIC_SAFE)
    return word.translate(_CYRILLIC_TO_LATIN)


def fix_homoglyphs(text: str) -> str:
    """Fold look-alike letters of the other script into each word's majority script.

    Examples:
        >>> fix_homoglyphs("Iвaн Кoвaль")  # Latin I, a, o inside Cyrillic words
        'Іван Коваль'
    """
    return _WORD.sub(_fix_word, text)
