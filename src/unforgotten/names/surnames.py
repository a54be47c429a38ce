"""Surname keys, the masculine/feminine stem, and detection of a given name written in the family-name column.

Іванов and Іванова are brother and sister as often as they are one person misrecorded, so :func:`surname_key`
keeps them apart; :func:`surname_stem_key` folds the sex-marked endings (-ова/-ов, -ева/-ев, -іна/-ін,
-ська/-ський, -ская/-ский) for a linker that wants to compare across sexes on purpose.
"""

from __future__ import annotations

from functools import lru_cache

from unforgotten.names.keys import phonetic_key
from unforgotten.names.lexicon import given_name_group

__all__ = ["looks_like_given_name", "surname_key", "surname_stem_key", "unswap"]


def surname_key(surname: str) -> str:
    """Phonetic key of a surname; masculine and feminine forms stay different.

    Args:
        surname: A family name in any script; hyphenated double names are keyed per part.

    Returns:
        The key, as :func:`unforgotten.names.keys.phonetic_key` computes it.

    Examples:
        >>> surname_key("Іванов") != surname_key("Іванова")
        True
    """
    return phonetic_key(surname)


@lru_cache(maxsize=1 << 18)
def surname_stem_key(surname: str) -> str:
    """Phonetic key of a surname with feminine endings folded to the masculine form.

    Args:
        surname: A family name in any script.

    Returns:
        The key of the masculine form: Іванова and Ivanov give ``ivanov``, Ковальська and Kovalsky give ``kovalski``.

    Examples:
        >>> surname_stem_key("Іванова") == surname_stem_key("Ivanov")
        True
        >>> surname_stem_key("Ковальська") == surname_stem_key("Kovalskyi")
        True
    """
    return "-".join(_masculine(part) for part in phonetic_key(surname).split("-"))


def _masculine(key: str) -> str:
    """Masculine form of one keyed surname: -ska → -ski (-ська, -ская, -цька), -ova/-eva/-ina → -ov/-ev/-in."""
    if key.endswith(("ska", "xka")):
        return key[:-1] + "i"
    if key.endswith(("ova", "eva", "ina")) and len(key) > 4:
        return key[:-1]
    return key


def looks_like_given_name(token: str) -> bool:
    """Tell whether ``token`` reads as a given name rather than a surname.

    The lexicon decides, in any script and spelling. Surnames built on a given name (Романенко, Тарасов,
    Назарчук) are not in it; surnames that are given names (Тарас, Мирон, Ярема) are, which is why
    :func:`unswap` needs the evidence to be one-sided.

    Args:
        token: One name, any script.

    Returns:
        ``True`` if the token is a known given name.

    Examples:
        >>> looks_like_given_name("Олександр"), looks_like_given_name("Шевченко")
        (True, False)
    """
    return bool(token.strip()) and given_name_group(token) is not None


def unswap(family: str, given: str) -> tuple[str, str, bool]:
    """Put a given name written in the family-name column back in place.

    Swaps only when the evidence is one-sided: the family-name value looks like a given name and the given-name
    value does not (Роман / Тарас stays as it is: both are given names and either can be a surname).

    Args:
        family: The value of the family-name column.
        given: The value of the given-name column.

    Returns:
        ``(family, given, swapped)``.

    Examples:
        >>> unswap("Олександр", "Шевченко")
        ('Шевченко', 'Олександр', True)
        >>> unswap("Шевченко", "Олександр")
        ('Шевченко', 'Олександр', False)
    """
    if family and given and looks_like_given_name(family) and not looks_like_given_name(given):
        return given, family, True
    return family, given, False
