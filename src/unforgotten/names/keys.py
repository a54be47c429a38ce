"""A coarse phonetic Latin key that is the same for a Cyrillic name and its transliterations.

Why: the same Шевченко arrives as Shevchenko, SHEVCHENKO, Schewtschenko, Chevtchenko, Ševčenko; Ковальчук as
Kovalchuk, Koval'chuk, Kowaltschuk. String similarity between the scripts is zero. The key reads Cyrillic and Latin
text under every convention at once and folds what the conventions disagree on, and only that.

How: Cyrillic letters are first written in a canonical Latin (one table, ``str.translate``); Latin input is read
as is. Then, on lower-case ASCII:

1. multi-letter spellings of one sound fold to one letter (one compiled regex, longest first):

   ======================================================  =====  =========================================
   spellings                                               key    why they must meet
   ======================================================  =====  =========================================
   ш ж ч щ х · sh zh ch sch tsch tch chtch shch shh kh x   ``x``  German ``ch`` is х, English ч, French ш;
   š ž č, ks                                                      German ``sch`` is ш and ж; GOST х is ``x``,
                                                                  informal кс is ``x`` (Alexander)
   з с ц · z s c ts tz cz ss                               ``s``  German з is ``s`` and ц is ``z``
   г ґ · g h gh                                            ``g``  Russian г is g, Ukrainian h (Hryhorii)
   в · v w                                                 ``v``  German ``w``
   ======================================================  =====  =========================================

2. letters: ``y``, ``j``, ``i`` and all of і и ы ї й are ``i``; є е э ё are ``e``; ``ou`` is ``u`` (French);
   ``gu`` before e/i is ``g`` (French Sergueï); ``ph`` is ``f``; ь ъ and apostrophes (' ’ ʼ ` ´ ") vanish.
3. runs of one letter fold (``ii`` from -ий/-iy/-yi, ``ss``, ``ll``), then:

   - ``ie``/``io`` → ``e`` (Є → ye/ie/je, Ё → e/yo/io/jo/ë);
   - ``ei`` → ``i`` (Ukrainian ій is Russian ей: Олійник/Олейник, Андрій/Андрей);
   - ``xo`` → ``xe`` (Горбачёв: Gorbachev, Gorbatschow; Чорновол/Черновол);
   - ``sx`` → ``x`` (сч, сх: ICAO ``sch`` reads as German ш; German ``stsch``; ``s'ch``);
   - a final ``aia`` → ``a`` (-ская/-ська), a final ``ff`` → ``v`` (Ivanoff).

In a word with French marks (``ou``, ``tch``, ``ï``) a ``j`` is ж (Joukov); elsewhere it is й (German Juri).
Hyphenated and space-separated parts are keyed apart and joined with ``-``.

What is not the key's job: Олексій vs Alexey (different vowels and consonants) — that is the lexicon's; Іванов vs
Іванова (sex) — :mod:`unforgotten.names.surnames` compares stems.

Known limits (ambiguities no single key can resolve, measured in ``tests/unit/names``): a French ``j`` in a word
without French marks (Janna for Жанна reads as Яна); Ukrainian зг in German or French spelling (``sh``, ``zh``)
and кг/сг wherever г is written h (``kh``, ``sh``); German оу (``ou`` is the French mark); informal ``h`` for х
(Mihail; the lexicon lists it for given names). On the project's own measure they cost 0.1–0.5 % of
(name, system) pairs, almost all French (``python -m tests.unit.names.measure``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from unforgotten.names.script import Script, detect_script, fix_homoglyphs

__all__ = ["phonetic_key"]

# Step 0: Cyrillic → canonical Latin (ь and ъ dropped), Latin diacritics → ASCII digraphs (š → sh).
_CANONICAL = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "e", "ж": "zh",
        "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ъ": None, "ы": "i", "ь": None, "э": "e", "ю": "iu", "я": "ia", "ў": "u",
        "š": "sh", "ž": "zh", "č": "ch", "ŝ": "shch", "ć": "ch", "ś": "s", "ź": "z", "ż": "zh", "ł": "l", "ß": "ss",
        "ë": "e", "é": "e", "è": "e", "ê": "e", "ě": "e", "ï": "i", "î": "i", "í": "i", "ì": "i", "ÿ": "i",
        "ý": "i", "ü": "u", "û": "u", "ú": "u", "ù": "u", "ů": "u", "ö": "o", "ô": "o", "ó": "o", "ò": "o",
        "ä": "a", "â": "a", "á": "a", "à": "a", "ç": "s", "ñ": "n", "ň": "n", "ř": "r", "ď": "d", "ť": "t",
    }
)  # fmt: skip

# Step 1: spellings of one sound, longest first so that ``tsch`` wins over ``ts`` and ``sch`` over ``sh``.
_MULTI: dict[str, str] = {
    "schtsch": "x", "chtch": "x", "shtsh": "x", "shch": "x", "tsch": "x", "dsch": "dx", "shh": "x", "sch": "x",
    "tch": "x", "zh": "x", "sh": "x", "ch": "x", "kh": "x", "ks": "x", "gh": "g",
    "ts": "s", "tz": "s", "cz": "s", "ou": "u", "oou": "u", "ph": "f", "qu": "kv",
}  # fmt: skip
# ``ks`` is кс (Alexander) unless it starts кш (``ksh``, German ``ksch``, French ``kch``).
_MULTI_RE = re.compile("|".join(sorted(map(re.escape, _MULTI), key=len, reverse=True)).replace("ks", r"ks(?!c?h)"))
# French Sergueï, Guennadi: ``gu`` before e/i is г. Applied after h → g so that every spelling of гуе folds alike.
_FRENCH_GU = re.compile(r"gu(?=[ei])")
# Step 2: single letters. ``·`` (BGN/PCGN z·h) survives step 1 so that it keeps z and h apart, then goes.
# Apostrophes, like ``·``, survive step 1 so that they keep letters apart (GOST ``c`k`` is ц+к, not ``ck``).
_SINGLE = str.maketrans(
    {"y": "i", "j": "i", "w": "v", "h": "g", "z": "s", "c": "s", "q": "k"} | dict.fromkeys("·'’ʼ`´\"ʹʺ‘")
)
_NOT_LETTER = re.compile(r"[^a-z]+")
_RUNS = re.compile(r"([a-z])\1+")
_IOTATED = re.compile(r"i[eo]")
_FRENCH = re.compile(r"ou|(?<!s)tch|ï")
_GERMAN = re.compile(r"w|sch")
# French ж where no French mark is needed: word-initial before a consonant (Jdanov), or after a consonant before
# a vowel in a word with ``v`` and no ``w`` (Dovjenko; German would write Dowschenko, and iotation Wasiljew).
_J_INITIAL = re.compile(r"^j(?=[^aeiouyj])")
_J_AFTER_CONSONANT = re.compile(r"(?<=[bcdfgklmnprstvz])j(?=[aeiuy])")
_PARTS = re.compile(r"[\s\-‐‑–—]+")


def _french_j(word: str) -> str:
    """Read ``j`` as ж where the word is French (Joukov, Djoura); elsewhere it is й or iotation (Juri, Iljin)."""
    if _GERMAN.search(word):
        return word
    if _FRENCH.search(word) and "zh" not in word:  # French never writes zh; English writes Zhouk for Жоук
        return word.replace("j", "zh")
    word = _J_INITIAL.sub("zh", word)
    return _J_AFTER_CONSONANT.sub("zh", word) if "v" in word else word


def _key_part(word: str) -> str:
    """Key one word (no spaces or hyphens), already lower-case."""
    if "j" in word:
        word = _french_j(word)
    word = word.translate(_CANONICAL)
    word = _MULTI_RE.sub(lambda m: _MULTI[m.group(0)], word)
    word = _FRENCH_GU.sub("g", _NOT_LETTER.sub("", word.translate(_SINGLE)))
    if word.endswith("ff"):
        word = word[:-2] + "v"
    word = _RUNS.sub(r"\1", _IOTATED.sub("e", _RUNS.sub(r"\1", word)))
    word = _RUNS.sub(r"\1", word.replace("xo", "xe").replace("ei", "i").replace("sx", "x"))
    return word[:-3] + "a" if word.endswith("aia") else word


@lru_cache(maxsize=1 << 18)
def phonetic_key(name: str) -> str:
    """Compute the coarse phonetic Latin key of a name written in any script and any romanisation.

    Args:
        name: A surname, given name or patronymic, Cyrillic, Latin or mixed; may be hyphenated.

    Returns:
        Lower-case ASCII key; parts of a hyphenated or multi-word name keyed apart and joined with ``-``;
        ``""`` if the name has no letters.

    Examples:
        >>> {phonetic_key(n) for n in ("Шевченко", "SHEVCHENKO", "Schewtschenko", "Chevtchenko", "Ševčenko")}
        {'xevxenko'}
        >>> phonetic_key("Григорій") == phonetic_key("Григорий") == phonetic_key("Hryhorii") == phonetic_key("Grigoriy")
        True
        >>> phonetic_key("Петренко-Ковальчук")
        'petrenko-kovalxuk'
    """
    text = name.strip().lower()
    if detect_script(text) is Script.MIXED:
        text = fix_homoglyphs(text)
    return "-".join(k for k in map(_key_part, _PARTS.split(text)) if k)
