"""Forward Cyrillic → Latin transliteration in the systems that the two sides' documents actually use.

Each side writes Latin names in its own way: Ukrainian passports use the national 2010 system (Cabinet of
Ministers resolution No. 55), Russian passports ICAO 9303 since 2013 (and a ``YU``/``YA``/``KH`` style before),
libraries GOST 7.79, Western media BGN/PCGN, German and French authorities their own conventions, and everyone
else informal English. The synthetic data generator produces all of these, and the key in
:mod:`unforgotten.names.keys` must read them all back to the same key; both rely on the tables here.

Tables are built once at import (plain dicts, no I/O); :func:`transliterate` walks each Cyrillic word once.
Latin (and any non-Cyrillic) text passes through unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

__all__ = ["System", "transliterate"]


class System(StrEnum):
    """A Cyrillic → Latin romanisation system."""

    UA_2010 = "ua_2010"
    """Ukrainian national system, Cabinet of Ministers resolution No. 55 of 27 January 2010 (passports)."""
    RU_ICAO = "ru_icao"
    """Russian international passports since 2013 (ICAO Doc 9303 table): Ю→IU, Я→IA, Й→I, Ъ→IE."""
    RU_PASSPORT_1997 = "ru_passport_1997"
    """Older Russian passport style: Ю→YU, Я→YA, Й→Y, Х→KH, Ц→TS, Щ→SHCH, Ж→ZH."""
    BGN_PCGN_UK = "bgn_pcgn_uk"
    """BGN/PCGN 1965 system for Ukrainian: Є→ye, Ї→yi, Й→y, Ь→', apostrophe→"."""
    BGN_PCGN_RU = "bgn_pcgn_ru"
    """BGN/PCGN 1947 system for Russian: Е→ye initially and after vowels, Ё→ë, Ь→', Ъ→"."""
    GOST_7_79 = "gost_7_79"
    """GOST 7.79-2000 system B (ASCII only): Х→x, Ц→cz/c, Щ→shh, Й→j, Ы→y', Ь→`."""
    GERMAN = "german"
    """German (Duden) style: Шевченко→Schewtschenko, Юрий→Juri, Ж→sch, З→s, Ц→z, В→w."""
    FRENCH = "french"
    """French style: Шевченко→Chevtchenko, Юрий→Iouri, У→ou, Ж→j, Ш→ch, Ч→tch."""
    ADHOC = "adhoc"
    """Common informal English spelling: Alexander-like кс→x, ya/yu/kh/y, ' for a soft sign before a consonant."""


Language = Literal["uk", "ru"]

_VOWELS = frozenset("аеєиіїоуыэюяё")
_HUSHERS = frozenset("жчшщ")
_APOSTROPHES = frozenset("'’ʼ`´")
_UK_ONLY = frozenset("іїєґІЇЄҐ")
_RU_ONLY = frozenset("ыэёъЫЭЁЪ")
# A Cyrillic word, apostrophes only inside it (Мар'яна); a lone apostrophe in Latin text is left alone.
_WORD = re.compile(r"[\u0400-\u04FF]+(?:['’ʼ`´][\u0400-\u04FF]+)*")

# The common core that most systems agree on; each system overrides what differs.
_CORE: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    "'": "", "’": "", "ʼ": "", "`": "", "´": "",
}  # fmt: skip


@dataclass(frozen=True)
class _Spec:
    """How one system writes each letter; context rules are keyed by the lower-case Cyrillic letter."""

    base: dict[str, str]
    uk: dict[str, str] = field(default_factory=dict)
    """Overrides when the text is Ukrainian (г→h, и→y in most systems)."""
    initial: dict[str, str] = field(default_factory=dict)
    """Overrides at the start of a word."""
    after_vowel: dict[str, str] = field(default_factory=dict)
    """Overrides after a vowel, a soft or hard sign, й or an apostrophe (iotation)."""
    sequences: dict[str, str] = field(default_factory=dict)
    """Letter pairs written as one unit anywhere in a word (UA 2010: зг→zgh)."""
    endings: dict[str, str] = field(default_factory=dict)
    """Word endings written specially (German -ий→-i)."""
    default_language: Language = "ru"


def _spec(
    base: dict[str, str],
    *,
    uk: dict[str, str] | None = None,
    initial: dict[str, str] | None = None,
    after_vowel: dict[str, str] | None = None,
    sequences: dict[str, str] | None = None,
    endings: dict[str, str] | None = None,
    default_language: Language = "ru",
) -> _Spec:
    """A system's table: the common core overridden by ``base``, plus its context rules."""
    return _Spec(
        {**_CORE, **base}, uk or {}, initial or {}, after_vowel or {}, sequences or {}, endings or {}, default_language
    )


_IOTATED_Y = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya", "е": "ye", "ё": "yo"}

_SPECS: dict[System, _Spec] = {
    System.UA_2010: _spec(
        {"г": "h", "и": "y", "ё": "io", "ы": "y"},
        initial={"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya", "ё": "yo"},
        sequences={"зг": "zgh"},
        default_language="uk",
    ),
    System.RU_ICAO: _spec({"ъ": "ie"}),
    System.RU_PASSPORT_1997: _spec({"й": "y", "ю": "yu", "я": "ya", "є": "ye", "ї": "yi"}),
    System.BGN_PCGN_UK: _spec(
        {**_IOTATED_Y, "г": "h", "и": "y", "е": "e", "ы": "y", "ь": "'", "ъ": '"', "'": '"', "’": '"', "ʼ": '"'},
        default_language="uk",
    ),
    System.BGN_PCGN_RU: _spec(
        {**_IOTATED_Y, "е": "e", "ё": "ë", "ь": "'", "ъ": '"'},
        initial={"е": "ye", "ё": "yë"},
        after_vowel={"е": "ye", "ё": "yë"},
    ),
    System.GOST_7_79: _spec(
        {
            **_IOTATED_Y,
            "е": "e",
            "ґ": "g`",
            "й": "j",
            "х": "x",
            "ц": "c",
            "щ": "shh",
            "ъ": "``",
            "ы": "y'",
            "ь": "`",
            "э": "e`",
            "'": "'",
            "’": "'",
            "ʼ": "'",
        },
        uk={"и": "y`"},
    ),  # fmt: skip
    System.GERMAN: _spec(
        {
            "в": "w",
            "е": "e",
            "ё": "jo",
            "є": "je",
            "ж": "sch",
            "з": "s",
            "ї": "ji",
            "й": "j",
            "х": "ch",
            "ц": "z",
            "ч": "tsch",
            "ш": "sch",
            "щ": "schtsch",
            "ю": "ju",
            "я": "ja",
        },
        uk={"г": "h", "и": "y"},
        initial={"е": "je"},
        after_vowel={"е": "je", "й": "i"},
        endings={"ий": "i", "ый": "y"},
    ),  # fmt: skip
    System.FRENCH: _spec(
        {"ё": "io", "ж": "j", "ї": "ï", "у": "ou", "ч": "tch", "ш": "ch", "щ": "chtch", "ю": "iou"},
        uk={"г": "h", "и": "y"},
        after_vowel={"е": "ie", "и": "ï", "й": "ï"},
        endings={"ий": "i", "ій": "i", "ый": "y"},
    ),  # fmt: skip
    System.ADHOC: _spec(
        {**_IOTATED_Y, "е": "e", "щ": "sch", "ы": "y"},
        uk={"г": "h", "и": "y"},
        initial={"е": "ye"},
        sequences={"кс": "x"},
        endings={"кий": "ky", "гий": "gy", "хий": "khy", "ий": "iy", "ій": "iy", "ый": "y"},
    ),
}

_FRENCH_SOFT_G = frozenset("еиыйіє")
_SOFT_AFTER = frozenset("ьъй'’ʼ`´")


def _cased(piece: str, source: str, all_caps: bool) -> str:
    if not source[:1].isupper():
        return piece
    return piece.upper() if all_caps else piece[:1].upper() + piece[1:]


def _word(word: str, spec: _Spec, system: System, uk: bool) -> str:
    """Transliterate one Cyrillic word (letters and apostrophes) under ``spec``."""
    low = word.lower()
    letters = [ch for ch in word if ch.isalpha()]
    all_caps = len(letters) > 1 and all(ch.isupper() for ch in letters)
    out: list[str] = []
    i, n = 0, len(low)
    while i < n:
        ch = low[i]
        # Whole-ending and two-letter rules first: they replace more than one letter.
        ending = next((e for e in spec.endings if low.endswith(e) and i == n - len(e)), None)
        if ending is not None:
            out.append(_cased(spec.endings[ending], word[i:], all_caps))
            break
        pair = low[i : i + 2]
        if pair in spec.sequences:
            out.append(_cased(spec.sequences[pair], word[i:], all_caps))
            i += 2
            continue
        prev = low[i - 1] if i else ""
        nxt = low[i + 1] if i + 1 < n else ""
        if i == 0 and ch in spec.initial:
            piece = spec.initial[ch]
        elif prev and (prev in _VOWELS or prev in _SOFT_AFTER) and ch in spec.after_vowel:
            piece = spec.after_vowel[ch]
        elif uk and ch in spec.uk:
            piece = spec.uk[ch]
        else:
            piece = spec.base.get(ch, word[i])
        piece = _contextual(system, ch, piece, prev, nxt, uk)
        out.append(_cased(piece, word[i], all_caps))
        i += 1
    return "".join(out)


def _contextual(system: System, ch: str, piece: str, prev: str, nxt: str, uk: bool) -> str:
    """Rules that depend on neighbours and belong to one system only."""
    if system is System.GOST_7_79 and ch == "ц" and nxt in "еиыйіэєюяїё" and nxt:
        return "cz"
    if system in (System.GERMAN, System.FRENCH):
        if ch == "с" and prev in _VOWELS and nxt in _VOWELS and prev and nxt:
            return "ss"
        if ch == "ё" and prev in _HUSHERS and prev:
            return "o" if system is System.GERMAN else "e"  # Chruschtschow, Khrouchtchev
    if system is System.GERMAN and ch == "й" and nxt in _VOWELS and nxt:
        return "j"  # Duden: й is i after a vowel (Sergei, Saizew) but j before one (Majorow)
    if system is System.FRENCH and ch == "г" and not uk and nxt in _FRENCH_SOFT_G and nxt:
        return "gu"
    if ch == "г" and prev == "з" and piece == "h":
        # ``zh`` would read as Ж: BGN/PCGN 1965 separates with a middle dot, informal writers copy UA 2010's ``zgh``.
        if system is System.BGN_PCGN_UK:
            return "·h"
        if system is System.ADHOC:
            return "gh"
    if system is System.ADHOC and ch == "ь":
        return "'" if nxt and nxt not in _VOWELS and nxt.isalpha() else ""
    return piece


def _language(text: str, spec: _Spec) -> Language:
    if any(ch in _UK_ONLY for ch in text):
        return "uk"
    if any(ch in _RU_ONLY for ch in text):
        return "ru"
    return spec.default_language


def transliterate(text: str, system: System, *, language: Language | None = None) -> str:
    """Write Cyrillic ``text`` in Latin letters under ``system``.

    Case follows the source: ``ШЕВЧЕНКО`` gives ``SHEVCHENKO``, ``Щука`` gives ``Shchuka``. Non-Cyrillic characters
    (Latin text, digits, spaces, hyphens) pass through unchanged.

    Args:
        text: A name or any text; may mix words in several scripts.
        system: The romanisation system.
        language: ``"uk"`` or ``"ru"`` when known. It decides г (Ukrainian h, Russian g) and и (Ukrainian y,
            Russian i) in the systems that cover both languages. When ``None``, letters only Ukrainian has
            (і ї є ґ ') or only Russian has (ы э ё ъ) decide, else the system's own language (Russian if mixed).

    Returns:
        The romanised text.

    Examples:
        >>> transliterate("Олександр Згурський", System.UA_2010)
        'Oleksandr Zghurskyi'
        >>> transliterate("Юрий", System.RU_ICAO), transliterate("Юрий", System.GERMAN)
        ('Iurii', 'Juri')
        >>> transliterate("ШЕВЧЕНКО", System.FRENCH)
        'CHEVTCHENKO'
    """
    spec = _SPECS[system]
    uk = (language or _language(text, spec)) == "uk"
    return _WORD.sub(lambda m: _word(m.group(0), spec, system, uk), text)
