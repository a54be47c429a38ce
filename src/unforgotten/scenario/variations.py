"""How each side writes a name, and the errors clerks make — each labelled, so benchmarks can measure recall by kind.

Kinds: ``transliteration`` (Latin in one of the systems), ``russian_forms`` (a Ukrainian name written in Russian
forms), ``date_error`` (day/month swap, a digit off, year ±1, only year or year-month, missing), ``typo`` (a letter
inserted, deleted, replaced or transposed, a Latin look-alike inside a Cyrillic word, stray spaces),
``missing_patronymic``, ``name_order_swap`` and ``full_name_only``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from unforgotten.names import System, transliterate

__all__ = ["VARIATION_KINDS", "date_error", "latin", "typo"]

VARIATION_KINDS = (
    "transliteration",
    "russian_forms",
    "date_error",
    "typo",
    "missing_patronymic",
    "name_order_swap",
    "full_name_only",
)
_UK_ALPHABET = "абвгдеєжзиіїйклмнопрстуфхцчшщьюя"
_LOOKALIKES = {"а": "a", "о": "o", "е": "e", "і": "i", "с": "c", "р": "p", "х": "x", "у": "y"}
UA_SYSTEMS = (System.UA_2010, System.BGN_PCGN_UK, System.ADHOC, System.GERMAN, System.FRENCH)
RU_SYSTEMS = (System.RU_ICAO, System.RU_PASSPORT_1997, System.BGN_PCGN_RU, System.GOST_7_79, System.ADHOC)


@lru_cache(maxsize=100_000)
def latin(text: str, system: System) -> str:
    """Transliterate, cached: lists repeat names heavily."""
    return transliterate(text, system)


def typo(word: str, rng: np.random.Generator) -> str:
    """One clerk's slip in ``word``."""
    if len(word) < 3:
        return word + word[-1:]
    kind = int(rng.integers(5))
    i = int(rng.integers(1, len(word) - 1))
    if kind == 0:  # deletion
        return word[:i] + word[i + 1 :]
    if kind == 1:  # insertion
        return word[:i] + _UK_ALPHABET[int(rng.integers(len(_UK_ALPHABET)))] + word[i:]
    if kind == 2:  # substitution
        return word[:i] + _UK_ALPHABET[int(rng.integers(len(_UK_ALPHABET)))] + word[i + 1 :]
    if kind == 3:  # transposition
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    for j, ch in enumerate(word):  # a Latin look-alike typed on the wrong keyboard layout
        if ch in _LOOKALIKES:
            return word[:j] + _LOOKALIKES[ch] + word[j + 1 :]
    return word + " "


def date_error(iso: str, rng: np.random.Generator) -> str:
    """A wrong or partial version of a full ISO date; never an impossible date."""
    year, month, day = (int(p) for p in iso.split("-"))
    kind = int(rng.integers(6))
    if kind == 0 and day <= 12 and day != month:
        month, day = day, month
    elif kind == 1:
        year += 1 if rng.random() < 0.5 else -1
    elif kind == 2:
        day = max(1, min(28, day + (1 if rng.random() < 0.5 else -1) * int(rng.integers(1, 9))))
    elif kind == 3:
        return f"{year:04d}"
    elif kind == 4:
        return f"{year:04d}-{month:02d}"
    else:
        return ""
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}"
