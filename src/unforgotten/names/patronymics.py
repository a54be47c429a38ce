"""Patronymics: formed from a father's given name, and read back to the father's given-name group.

Both sides record the father's name (Geneva Convention III, Art. 17 lists it among the identity particulars) as a
patronymic, in their own language: Олександрович / Александрович / Oleksandrovych. Reading any form back to the
father's given-name group lets the linker compare patronymics across scripts and languages.

Formation follows the standard rules of Ukrainian and Russian grammar, with the irregular names listed explicitly
(Микола → Миколайович, Яків → Якович, Илья → Ильич, Яков → Яковлевич, Лев → Львович …).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Literal

from unforgotten.errors import InputError, Text
from unforgotten.names.keys import phonetic_key
from unforgotten.names.lexicon import lexicon, unique_index
from unforgotten.names.transliteration import System, transliterate

__all__ = ["make_patronymic", "patronymic_group", "patronymic_key"]

Sex = Literal["M", "F"]
Language = Literal["uk", "ru"]

# Irregular patronymics: father's name → (son's form, daughter's form).
_UK_IRREGULAR: dict[str, tuple[str, str]] = {
    "микола": ("миколайович", "миколаївна"),
    "ілля": ("ілліч", "іллівна"),
    "лука": ("лукич", "луківна"),
    "кузьма": ("кузьмич", "кузьмівна"),
    "хома": ("хомич", "хомівна"),
    "фома": ("фомич", "фомівна"),
    "яків": ("якович", "яківна"),
    "григорій": ("григорович", "григорівна"),
    "лев": ("львович", "львівна"),
    "сава": ("савович", "савівна"),
}
_RU_IRREGULAR: dict[str, tuple[str, str]] = {
    "илья": ("ильич", "ильинична"),
    "лука": ("лукич", "лукинична"),
    "кузьма": ("кузьмич", "кузьминична"),
    "фома": ("фомич", "фоминична"),
    "никита": ("никитич", "никитична"),
    "савва": ("саввич", "саввична"),
    "яков": ("яковлевич", "яковлевна"),
    "лев": ("львович", "львовна"),
    "павел": ("павлович", "павловна"),
    "пётр": ("петрович", "петровна"),
    "петр": ("петрович", "петровна"),
    "михаил": ("михайлович", "михайловна"),
    "гавриил": ("гаврилович", "гавриловна"),
    "даниил": ("данилович", "даниловна"),
    "дмитрий": ("дмитриевич", "дмитриевна"),
    "иосиф": ("иосифович", "иосифовна"),
    "моисей": ("моисеевич", "моисеевна"),
    "самуил": ("самуилович", "самуиловна"),
}
_CYRILLIC_WORD = re.compile(r"^[\u0400-\u04FF'’ʼ-]+$")
# Ukrainian і in a closed last syllable alternates with о: Федір → Федорович, Антін → Антонович.
_UK_I_TO_O = re.compile(r"(?<=[бвгґджзклмнпрстфхцчшщ])і(?=[бвгґджзклмнпрстфхцчшщ]$)")
_RU_HUSHERS = "жчшщц"
_SEXES: tuple[Sex, ...] = ("M", "F")


def _uk(name: str) -> tuple[str, str]:
    if name in _UK_IRREGULAR:
        return _UK_IRREGULAR[name]
    if name.endswith("ій") or name.endswith("й"):
        stem = name[:-1]
        return stem + "йович", stem + "ївна"
    if name.endswith("ь"):
        return name + "ович", name[:-1] + "івна"
    if name[-1] in "оая":
        stem = name[:-1]
        return stem + "ович", stem + "івна"
    stem = _UK_I_TO_O.sub("о", name)
    return stem + "ович", stem + "івна"


def _ru(name: str) -> tuple[str, str]:
    if name in _RU_IRREGULAR:
        return _RU_IRREGULAR[name]
    if name.endswith("ий") and len(name) > 2 and name[-3] not in "аеёиоуыэюя":
        stem = name[:-2] + "ь"
        return stem + "евич", stem + "евна"
    if name[-1] in "йь":
        stem = name[:-1]
        return stem + "евич", stem + "евна"
    if name[-1] in "ая":
        stem = name[:-1]
        return stem + "ич", stem + "ична"
    if name[-1] == "о":
        stem = name[:-1]
        return stem + "ович", stem + "овна"
    if name[-1] in _RU_HUSHERS:
        return name + "евич", name + "евна"
    return name + "ович", name + "овна"


def _recase(word: str, like: str) -> str:
    if len(like) > 1 and like.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def make_patronymic(father_given: str, *, sex: Sex, language: Language) -> str:
    """Form the patronymic of a son or daughter of a father named ``father_given``.

    Args:
        father_given: The father's given name in Cyrillic, in the language given (Ukrainian or Russian form).
        sex: ``"M"`` for a son's patronymic (-ович, -ич), ``"F"`` for a daughter's (-івна, -овна, -ична).
        language: ``"uk"`` or ``"ru"``: which grammar to apply.

    Returns:
        The patronymic, cased like the input (``ІГОР`` → ``ІГОРОВИЧ``).

    Raises:
        InputError: ``father_given`` is empty or not a single Cyrillic word.

    Examples:
        >>> make_patronymic("Олександр", sex="F", language="uk")
        'Олександрівна'
        >>> make_patronymic("Николай", sex="M", language="ru")
        'Николаевич'
    """
    name = father_given.strip()
    if not name or not _CYRILLIC_WORD.match(name):
        raise InputError(
            Text("A patronymic can only be formed from a Cyrillic given name."),
            column="father_given",
            value=father_given,
            hint=Text("pass the father's name in Ukrainian or Russian Cyrillic"),
        )
    low = name.lower().replace("’", "'").replace("ʼ", "'")
    male, female = _uk(low) if language == "uk" else _ru(low)
    return _recase(male if sex == "M" else female, name)


# Patronymic suffixes as they look in a phonetic key: -ович/-евич/-ovych/-evich → ovix/evix, -ич → ix,
# -івна/-ївна/-овна/-евна → ivna/ovna/evna, -ична/-инична → ixna/inixna.
_SUFFIX = re.compile(r"(?:[oe]v|in)?ix(?:na)?$|[oei]vna$")


@lru_cache(maxsize=1 << 16)
def patronymic_key(patronymic: str) -> str:
    """Phonetic key of a patronymic's stem, the suffix cut off, so that languages and sexes meet.

    Args:
        patronymic: A patronymic in any script or spelling.

    Returns:
        The key of the stem (``igor`` for Ігорович, Игоревич, Ihorivna, Igorevna), or of the whole word if it has
        no patronymic suffix; ``""`` if it has no letters.

    Examples:
        >>> patronymic_key("Сергійович") == patronymic_key("Сергеевна") == patronymic_key("Serhiivna")
        True
    """
    key = phonetic_key(patronymic)
    stem = _SUFFIX.sub("", key)
    return stem or key


@cache
def _indexes() -> tuple[dict[str, str], dict[str, str]]:
    """Keys of every patronymic formed from the lexicon (and its romanisations), and keys of their stems."""
    full: list[tuple[str, str]] = []
    for group in (g for g in lexicon() if g.sex == "M"):  # a patronymic names a father
        by_language: tuple[tuple[tuple[str, ...], Language], ...] = ((group.uk, "uk"), (group.ru, "ru"))
        for forms, language in by_language:
            for form in forms:
                for sex in _SEXES:
                    patronymic = make_patronymic(form, sex=sex, language=language)
                    written = {patronymic} | {transliterate(patronymic, s, language=language) for s in System}
                    full += [(phonetic_key(w), group.group) for w in written]
    stems = unique_index((_SUFFIX.sub("", key), group) for key, group in full)
    return unique_index(full), stems


@lru_cache(maxsize=1 << 16)
def patronymic_group(patronymic: str) -> str | None:
    """Find the lexicon group of the father's given name from a patronymic in any language, script and sex.

    Args:
        patronymic: E.g. Олександрович, Александрович, Oleksandrovych, Aleksandrovna, Ilyich.

    Returns:
        The father's given-name group (as :func:`unforgotten.names.given_name_group` names it), or ``None``.
        Patronymics formed from the lexicon by the rules of either language are recognised in every romanisation;
        other formations are recognised when the stem left after the suffix is a known male name.

    Examples:
        >>> {patronymic_group(p) for p in ("Миколайович", "Николаевич", "Mykolaiovych", "Nikolaevna")}
        {'mykola'}
    """
    full, stems = _indexes()
    key = phonetic_key(patronymic)
    found = full.get(key) or stems.get(stem := _SUFFIX.sub("", key))
    if found is None and stem != key:
        # An unusual formation (Левович, Иваныч): the stem may still be a father's name the lexicon knows.
        found = _male_groups().get(stem)
    return found


@cache
def _male_groups() -> dict[str, str]:
    return unique_index((phonetic_key(form), g.group) for g in lexicon() if g.sex == "M" for form in g.forms)
