"""How each side writes a name, and the errors clerks make — each a rate, each labelled, so benchmarks can measure
recall by kind and stress each kind on its own (``python -m bench.linkage --stress``).

:class:`ErrorRates` holds one rate per kind (the share of rows that get it; some apply only where they can: a
double surname, a woman's surname). Kinds, as rows are labelled:

* names: ``typo`` (a letter inserted, deleted, replaced or transposed, a Latin look-alike, stray space),
  ``keyboard_typo`` (a neighbouring key, ЙЦУКЕН or QWERTY), ``ocr_typo`` (letters a scanner confuses: и/н, ш/щ,
  rn/m) — in any name field, surnames included; ``transliteration`` (Latin in one standard system),
  ``translit_habit`` (systems mixed within one name, soft signs dropped, letters doubled or undoubled),
  ``russian_forms`` / ``ukrainian_forms`` (the writer's language), ``missing_patronymic``, ``full_name_only``,
  ``name_order_swap`` (given and family names in each other's column), ``name_order_shift`` (given, patronymic,
  family: the whole order moved), ``double_surname_part`` (one part of a double surname), ``female_form`` (a
  woman's surname in its masculine form);
* dates: ``date_error`` (day/month swap, a digit off, year ±1, only year or year-month), ``missing_dob``,
  ``placeholder_dob`` (1 January of the year, or 1900-01-01);
* each side's own way with other fields: ``place_variant`` (the other language's spelling, a village prefix,
  the region added), ``unit_variant`` (the unit's name instead of its code);
* ``duplicate`` (the person listed twice on one list, each row with its own errors).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from unforgotten.names import System, transliterate

__all__ = [
    "VARIATION_KINDS",
    "ErrorRates",
    "date_error",
    "keyboard_typo",
    "latin",
    "ocr_typo",
    "translit_habit",
    "typo",
]


@dataclass(frozen=True)
class ErrorRates:
    """Per-row rate of each kind of error for one way of writing (defaults: a side writing the other's people).

    ``double_surname_part`` applies to persons with a double surname only, ``female_form`` to women only.
    """

    typo: float = 0.03
    keyboard_typo: float = 0.02
    ocr_typo: float = 0.02
    transliteration: float = 0.08
    translit_habit: float = 0.03
    missing_patronymic: float = 0.12
    full_name_only: float = 0.05
    name_order_swap: float = 0.02
    name_order_shift: float = 0.01
    double_surname_part: float = 0.3
    female_form: float = 0.05
    date_error: float = 0.06
    missing_dob: float = 0.05
    placeholder_dob: float = 0.02
    place_variant: float = 0.6
    unit_variant: float = 0.5
    duplicate: float = 0.02

    @staticmethod
    def own() -> ErrorRates:
        """A side writing its own people (request and tracing lists): fewer slips, its own spellings."""
        return ErrorRates(
            typo=0.01, keyboard_typo=0.005, ocr_typo=0.005, transliteration=0.02, translit_habit=0.01,
            missing_patronymic=0.03, full_name_only=0.03, name_order_swap=0.01, name_order_shift=0.005,
            double_surname_part=0.1, female_form=0.01, date_error=0.02, missing_dob=0.01, placeholder_dob=0.005,
            place_variant=0.1, unit_variant=0.05, duplicate=0.02,
        )  # fmt: skip

    def scaled(self, kind: str, factor: float) -> ErrorRates:
        """These rates with one kind (a field name) multiplied by ``factor``, capped at 1."""
        return dataclasses.replace(self, **{kind: min(1.0, getattr(self, kind) * factor)})


RATE_KINDS = tuple(f.name for f in dataclasses.fields(ErrorRates))
VARIATION_KINDS = (*RATE_KINDS, "russian_forms", "ukrainian_forms")
_UK_ALPHABET = "абвгдеєжзиіїйклмнопрстуфхцчшщьюя"
_LATIN_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
_LOOKALIKES = {"а": "a", "о": "o", "е": "e", "і": "i", "с": "c", "р": "p", "х": "x", "у": "y"}
UA_SYSTEMS = (System.UA_2010, System.BGN_PCGN_UK, System.ADHOC, System.GERMAN, System.FRENCH)
RU_SYSTEMS = (System.RU_ICAO, System.RU_PASSPORT_1997, System.BGN_PCGN_RU, System.GOST_7_79, System.ADHOC)
_KEYBOARD_ROWS = ("йцукенгшщзхї", "фівапролджє", "ячсмитьбю", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _row_index, _row in enumerate(_KEYBOARD_ROWS):
    for _i, _ch in enumerate(_row):
        _NEIGHBOURS[_ch] = _row[max(0, _i - 1) : _i] + _row[_i + 1 : _i + 2]
_NEIGHBOURS |= {"ы": _NEIGHBOURS["і"], "э": _NEIGHBOURS["є"], "ъ": _NEIGHBOURS["ї"]}
# Letters a scanner or a tired reader of handwriting takes for one another (one way each; both ways listed).
_OCR = {
    "и": ("н", "п", "й"), "н": ("и", "п"), "п": ("н", "л"), "л": ("п",), "ш": ("щ", "ц"), "щ": ("ш",),
    "ц": ("щ",), "е": ("є", "с"), "є": ("е",), "о": ("0", "а"), "а": ("о",), "з": ("3", "э"), "б": ("6", "ь"),
    "ь": ("б", "ъ"), "т": ("г", "ш"), "г": ("т",), "і": ("l", "ї"), "ї": ("і",), "к": ("х",), "х": ("к", "ж"),
    "ж": ("х",), "в": ("з", "б"), "у": ("ч", "у"), "ч": ("у",), "м": ("л",), "я": ("а",),
    "m": ("rn", "n"), "n": ("h", "ri"), "l": ("1", "i"), "i": ("l", "1"), "o": ("0",), "e": ("c",),
    "c": ("e",), "u": ("v", "ii"), "v": ("u",), "h": ("b", "n"), "d": ("cl",), "y": ("v",), "a": ("o",),
    "s": ("5",), "k": ("x",),
}  # fmt: skip


@lru_cache(maxsize=100_000)
def latin(text: str, system: System) -> str:
    """Transliterate, cached: lists repeat names heavily."""
    return transliterate(text, system)


def _alphabet(word: str) -> str:
    return _LATIN_ALPHABET if word.isascii() else _UK_ALPHABET


def typo(word: str, rng: np.random.Generator) -> str:
    """One clerk's slip in ``word``, in the word's own script."""
    if len(word) < 3:
        return word + word[-1:]
    kind = int(rng.integers(5))
    i = int(rng.integers(1, len(word) - 1))
    alphabet = _alphabet(word)
    if kind == 0:  # deletion
        return word[:i] + word[i + 1 :]
    if kind == 1:  # insertion
        return word[:i] + alphabet[int(rng.integers(len(alphabet)))] + word[i:]
    if kind == 2:  # substitution
        return word[:i] + alphabet[int(rng.integers(len(alphabet)))] + word[i + 1 :]
    if kind == 3:  # transposition
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    for j, ch in enumerate(word):  # a Latin look-alike typed on the wrong keyboard layout
        if ch in _LOOKALIKES:
            return word[:j] + _LOOKALIKES[ch] + word[j + 1 :]
    return word + " "


def _replace_one(word: str, table: dict[str, tuple[str, ...]] | dict[str, str], rng: np.random.Generator) -> str:
    """Replace one letter (not the first, as clerks rarely slip there) by one of its table entries."""
    spots = [j for j, ch in enumerate(word) if j > 0 and ch.lower() in table and table[ch.lower()]]
    if not spots:
        return typo(word, rng)
    j = spots[int(rng.integers(len(spots)))]
    options = table[word[j].lower()]
    new = options[int(rng.integers(len(options)))]
    if word[j].isupper():
        new = new.upper()
    return word[:j] + new + word[j + 1 :]


def keyboard_typo(word: str, rng: np.random.Generator) -> str:
    """A neighbouring key hit instead of the right one (ЙЦУКЕН for Cyrillic, QWERTY for Latin)."""
    return _replace_one(word, _NEIGHBOURS, rng)


def ocr_typo(word: str, rng: np.random.Generator) -> str:
    """Letters a scanner (or a reader of handwriting) confuses: и/н, ш/щ, б/6, rn for m, l for 1."""
    return _replace_one(word, _OCR, rng)


def _doubling(word: str, rng: np.random.Generator) -> str:
    """A double letter written single (Ганна → Gana) or a single consonant doubled (Ivanov → Ivannov)."""
    for j in range(1, len(word)):
        if word[j] == word[j - 1]:
            return word[:j] + word[j + 1 :]
    spots = [j for j in range(1, len(word) - 1) if word[j].lower() in "lnmrsktv"]
    if not spots:
        return word
    j = spots[int(rng.integers(len(spots)))]
    return word[: j + 1] + word[j] + word[j + 1 :]


def translit_habit(names: tuple[str, str, str], language: str, rng: np.random.Generator) -> tuple[str, str, str]:
    """Latin spelling beyond the standards: each name in its own system, soft signs dropped, letters (un)doubled."""
    systems = UA_SYSTEMS if language == "uk" else RU_SYSTEMS
    out: list[str] = []
    for name in names:
        if not name:
            out.append(name)
            continue
        if rng.random() < 0.5:
            name = name.replace("ь", "").replace("Ь", "").replace("'", "").replace("ʼ", "")
        written = latin(name, systems[int(rng.integers(len(systems)))]).replace("'", "").replace("ʹ", "")
        out.append(_doubling(written, rng) if rng.random() < 0.4 else written)
    return out[0], out[1], out[2]


def date_error(iso: str, rng: np.random.Generator) -> str:
    """A wrong or partial version of a full ISO date; never an impossible date."""
    year, month, day = (int(p) for p in iso.split("-"))
    kind = int(rng.integers(5))
    if kind == 0 and day <= 12 and day != month:
        month, day = day, month
    elif kind == 1:
        year += 1 if rng.random() < 0.5 else -1
    elif kind == 2:
        day = max(1, min(28, day + (1 if rng.random() < 0.5 else -1) * int(rng.integers(1, 9))))
    elif kind == 3:
        return f"{year:04d}"
    else:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}"


def placeholder_date(iso: str, rng: np.random.Generator) -> str:
    """What a form holds when only the year is known (1 January) or nothing is (1900-01-01)."""
    return f"{iso[:4]}-01-01" if rng.random() < 0.8 else "1900-01-01"
