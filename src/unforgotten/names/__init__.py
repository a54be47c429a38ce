"""Cross-script name engine: transliteration, phonetic keys, given-name lexicon, patronymics, surnames.

Pure Python, no database: every function here is a deterministic function of its arguments, so linkage, ingest
and the synthetic data generator can all rely on it. :func:`name_keys` gives the linker everything it compares
for one person's name; :func:`name_keys_for_rows` does it for a whole list, computing each distinct string once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from unforgotten.names.keys import phonetic_key
from unforgotten.names.lexicon import GivenName, given_name_group, lexicon, nearest_given_name_group
from unforgotten.names.patronymics import make_patronymic, patronymic_group, patronymic_key
from unforgotten.names.script import Script, detect_script, fix_homoglyphs
from unforgotten.names.surnames import looks_like_given_name, surname_key, surname_stem_key, unswap
from unforgotten.names.transliteration import System, transliterate

__all__ = [
    "UNKNOWN_GIVEN_PREFIX",
    "GivenName",
    "NameKeys",
    "Script",
    "System",
    "detect_script",
    "fix_homoglyphs",
    "given_name_group",
    "lexicon",
    "looks_like_given_name",
    "make_patronymic",
    "name_keys",
    "name_keys_for_rows",
    "patronymic_group",
    "patronymic_key",
    "phonetic_key",
    "surname_key",
    "surname_stem_key",
    "transliterate",
    "unswap",
]

UNKNOWN_GIVEN_PREFIX = "~"
"""Marks :attr:`NameKeys.given_group` when it is a phonetic key, not a lexicon group (groups never contain it)."""


@dataclass(frozen=True, slots=True)
class NameKeys:
    """Everything the linker compares about one person's name.

    Attributes:
        family_key: Phonetic key of the family name (Іванов ≠ Іванова).
        family_stem_key: Same with feminine endings folded (Іванов = Іванова), for comparisons across sexes.
        given_group: Lexicon group of the given name, or ``"~" + given_key`` when the lexicon does not know it;
            ``""`` if there is no given name.
        given_key: Phonetic key of the given name.
        patronymic_group: Lexicon group of the father's given name read from the patronymic, or ``None``.
        patronymic_key: Phonetic key of the patronymic's stem (suffix cut, so languages and sexes meet).
        script: Script of the three name fields together.
        swapped: ``True`` if the family and given names were swapped back into place.
    """

    family_key: str
    family_stem_key: str
    given_group: str
    given_key: str
    patronymic_group: str | None
    patronymic_key: str
    script: Script
    swapped: bool


# Small on purpose: a whole name repeats rarely (41,000 hits in 300,000 rows of the bench's lists), and each entry
# held ~700 bytes — 85 MiB more at 1 << 16 and 100 MiB at 1 << 18, for no measurable time (its parts' caches
# below do the work: the same 300,000 rows took 11.5–13.0 s at every size).
@lru_cache(maxsize=1 << 14)
def name_keys(family_name: str | None, given_name: str | None, patronymic: str | None) -> NameKeys:
    """Compute the keys of one person's name.

    Args:
        family_name: Family name (surname), any script; ``None`` or ``""`` if missing.
        given_name: Given name, any script.
        patronymic: Patronymic (father's name form), any script.

    Returns:
        A :class:`NameKeys`.

    Examples:
        >>> a = name_keys("Шевченко", "Олександр", "Ігорович")
        >>> b = name_keys("SHEVCHENKO", "Aleksandr", "Igorevich")
        >>> (a.family_key, a.given_group, a.patronymic_group) == (b.family_key, b.given_group, b.patronymic_group)
        True
        >>> name_keys("Олександр", "Шевченко", None).swapped
        True
    """
    family, given, swapped = unswap((family_name or "").strip(), (given_name or "").strip())
    father = (patronymic or "").strip()
    given_key = phonetic_key(given)
    group = (given_name_group(given) or nearest_given_name_group(given)) if given else None
    return NameKeys(
        family_key=surname_key(family),
        family_stem_key=surname_stem_key(family),
        given_group=group if group is not None else (UNKNOWN_GIVEN_PREFIX + given_key if given_key else ""),
        given_key=given_key,
        patronymic_group=patronymic_group(father) if father else None,
        patronymic_key=patronymic_key(father) if father else "",
        script=detect_script(" ".join((family, given, father))),
        swapped=swapped,
    )


def name_keys_for_rows(rows: Iterable[Mapping[str, str | None]]) -> list[NameKeys]:
    """Compute :func:`name_keys` for many rows with the canonical columns ``family_name``, ``given_name``,
    ``patronymic`` (missing columns count as empty).

    Every function underneath caches per distinct string, and lists repeat names heavily, so 200 000 rows take
    a few seconds.

    Args:
        rows: Mappings such as ``csv.DictReader`` rows or ``DataFrame.to_dict("records")``.

    Returns:
        One :class:`NameKeys` per row, in order.
    """
    return [name_keys(row.get("family_name"), row.get("given_name"), row.get("patronymic")) for row in rows]
