"""A coarse phonetic Latin key that is the same for a Cyrillic name and its transliterations.

Why coarse: the same Шевченко arrives as Shevchenko, Schewtschenko, Chevtchenko, Ševčenko; Олександр and
Александр differ only in an unstressed vowel. The key therefore keeps the consonant skeleton in classes that
every convention maps alike, and marks each run of vowels (and й/y/j) with one ``A``:

======  ===========================================================  ====================================
class   Cyrillic                                                     Latin spellings read as it
======  ===========================================================  ====================================
S       ш ж ч щ                                                      sh zh ch sch tsch tch chtch shch shh š ž č
H       г ґ х, and кс                                               h g gh kh x, ks
Z       з с ц                                                        z s ss c ts tz cz
V       в                                                            v w
K       к                                                            k ck q
A       vowels, й, ь/ъ dropped                                       a e i o u y j ï (runs fold to one)
======  ===========================================================  ====================================

Other consonants keep their letter; doubled consonants fold. Latin text is read under English, German and French
conventions at once: ``ch`` is ч (English) or ш (French), both class S; in a word with German marks (``w``,
``sch``) a bare ``ch`` is х (class H); in a word with French marks (``ou``, ``tch``) ``j`` is ж (class S).
Cyrillic text is first transliterated (Russian passport system), then keyed the same way, so both scripts meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unforgotten.names.script import fix_homoglyphs
from unforgotten.names.transliteration import System, transliterate

__all__ = ["latin_key", "phonetic_key"]

_DIACRITICS = str.maketrans({"š": "sh", "ž": "zh", "č": "ch", "ć": "ch", "ś": "sh", "ź": "z", "ł": "l", "ß": "ss"})
_RULES: tuple[tuple[str, str], ...] = (
    ("schtsch", "S"),
    ("shtsh", "S"),
    ("chtch", "S"),
    ("shch", "S"),
    ("tsch", "S"),
    ("dsch", "dS"),
    ("sch", "S"),
    ("shh", "S"),
    ("tch", "S"),
    ("zh", "S"),
    ("sh", "S"),
    ("ch", "S"),
    ("kh", "H"),
    ("gh", "H"),
    ("ks", "H"),
    ("ck", "K"),
    ("ts", "Z"),
    ("tz", "Z"),
    ("cz", "Z"),
    ("ss", "Z"),
    ("ph", "f"),
)
_PATTERN = re.compile("|".join(re.escape(src) for src, _ in _RULES))
_REPLACE = dict(_RULES)
_SINGLE = str.maketrans(
    {
        "x": "H",
        "h": "H",
        "g": "H",
        "z": "Z",
        "s": "Z",
        "c": "Z",
        "w": "V",
        "v": "V",
        "k": "K",
        "q": "K",
        "a": "A",
        "e": "A",
        "i": "A",
        "o": "A",
        "u": "A",
        "y": "A",
        "j": "A",
    }
)
_NON_LETTER = re.compile(r"[^a-z]")
_RUNS = re.compile(r"(.)\1+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _ascii_letters(word: str) -> str:
    word = word.lower().translate(_DIACRITICS)
    decomposed = unicodedata.normalize("NFKD", word)
    return _NON_LETTER.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


@lru_cache(maxsize=200_000)
def latin_key(word: str) -> str:
    """Key one Latin word (any of the English, German, French conventions).

    Examples:
        >>> latin_key("Shevchenko") == latin_key("Schewtschenko") == latin_key("Chevtchenko")
        True
    """
    text = _ascii_letters(word)
    if not text:
        return ""
    german = "w" in text or "sch" in text
    french = "ou" in text or "tch" in text
    if german:
        text = re.sub(r"(?<![st])ch", "kh", text)
    if french:
        text = text.replace("j", "zh")
    text = _PATTERN.sub(lambda m: _REPLACE[m.group(0)], text)
    text = text.translate(_SINGLE).upper()
    return _RUNS.sub(r"\1", text)


@lru_cache(maxsize=500_000)
def phonetic_key(name: str) -> str:
    """The coarse phonetic key of a name in any script; words are keyed apart and joined by a space.

    Args:
        name: a surname, given name or patronymic; hyphenated parts are keyed apart and joined by ``-``.

    Returns:
        The key, e.g. ``"SAVSANKA"`` for Шевченко; ``""`` when the name has no letters.

    Examples:
        >>> phonetic_key("Шевченко") == phonetic_key("SHEVCHENKO") == phonetic_key("Ševčenko")
        True
    """
    text = fix_homoglyphs(name.strip())
    if _CYRILLIC.search(text):
        text = transliterate(text, System.RU_ICAO)
    parts = []
    for word in re.split(r"\s+", text):
        keyed = "-".join(k for k in (latin_key(p) for p in word.split("-")) if k)
        if keyed:
            parts.append(keyed)
    return " ".join(parts)
