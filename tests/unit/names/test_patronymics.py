"""Patronymics are formed by the grammar of each language, irregular names included."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unforgotten.errors import InputError
from unforgotten.names import (
    GivenName,
    System,
    lexicon,
    make_patronymic,
    patronymic_group,
    patronymic_key,
    transliterate,
)


@pytest.mark.parametrize(
    ("father", "language", "son", "daughter"),
    [
        ("Олександр", "uk", "Олександрович", "Олександрівна"),
        ("Ігор", "uk", "Ігорович", "Ігорівна"),
        ("Микола", "uk", "Миколайович", "Миколаївна"),
        ("Сергій", "uk", "Сергійович", "Сергіївна"),
        ("Петро", "uk", "Петрович", "Петрівна"),
        ("Василь", "uk", "Васильович", "Василівна"),
        ("Федір", "uk", "Федорович", "Федорівна"),
        ("Яків", "uk", "Якович", "Яківна"),
        ("Григорій", "uk", "Григорович", "Григорівна"),
        ("Ілля", "uk", "Ілліч", "Іллівна"),
        ("Лука", "uk", "Лукич", "Луківна"),
        ("Александр", "ru", "Александрович", "Александровна"),
        ("Игорь", "ru", "Игоревич", "Игоревна"),
        ("Николай", "ru", "Николаевич", "Николаевна"),
        ("Сергей", "ru", "Сергеевич", "Сергеевна"),
        ("Юрий", "ru", "Юрьевич", "Юрьевна"),
        ("Дмитрий", "ru", "Дмитриевич", "Дмитриевна"),
        ("Илья", "ru", "Ильич", "Ильинична"),
        ("Лука", "ru", "Лукич", "Лукинична"),
        ("Кузьма", "ru", "Кузьмич", "Кузьминична"),
        ("Никита", "ru", "Никитич", "Никитична"),
        ("Яков", "ru", "Яковлевич", "Яковлевна"),
        ("Лев", "ru", "Львович", "Львовна"),
        ("Пётр", "ru", "Петрович", "Петровна"),
        ("Павел", "ru", "Павлович", "Павловна"),
        ("Михаил", "ru", "Михайлович", "Михайловна"),
    ],
)
def test_forms(father: str, language: str, son: str, daughter: str) -> None:
    assert make_patronymic(father, sex="M", language=language) == son  # type: ignore[arg-type]
    assert make_patronymic(father, sex="F", language=language) == daughter  # type: ignore[arg-type]


def test_case_follows_input() -> None:
    assert make_patronymic("ІГОР", sex="M", language="uk") == "ІГОРОВИЧ"
    assert make_patronymic("ігор", sex="M", language="uk") == "ігорович"


@pytest.mark.parametrize("bad", ["", "  ", "Igor", "Ігор Петро"])
def test_rejects_non_cyrillic_or_several_words(bad: str) -> None:
    with pytest.raises(InputError):
        make_patronymic(bad, sex="M", language="uk")


MALE = [g for g in lexicon() if g.sex == "M"]


def test_round_trip_every_male_name_both_languages_sexes_and_systems() -> None:
    wrong = []
    for group in MALE:
        for forms, language in ((group.uk, "uk"), (group.ru, "ru")):
            for form in forms:
                for sex in ("M", "F"):
                    patronymic = make_patronymic(form, sex=sex, language=language)  # type: ignore[arg-type]
                    written = {patronymic, patronymic.upper()}
                    written |= {transliterate(patronymic, s, language=language) for s in System}  # type: ignore[arg-type]
                    wrong += [(w, group.group) for w in written if patronymic_group(w) != group.group]
    assert wrong == []


@given(st.sampled_from(MALE), st.sampled_from(["M", "F"]), st.sampled_from(["uk", "ru"]), st.sampled_from(list(System)))
def test_property_round_trip(group: GivenName, sex: str, language: str, system: System) -> None:
    forms = group.uk if language == "uk" else group.ru
    patronymic = make_patronymic(forms[0], sex=sex, language=language)  # type: ignore[arg-type]
    assert patronymic_group(transliterate(patronymic, system, language=language)) == group.group  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("forms", "group"),
    [
        (("Олександрович", "Александрович", "Oleksandrovych", "Aleksandrovich", "Aleksandrowitsch"), "oleksandr"),
        (("Ігорович", "Игоревич", "Ihorovych", "Igorevich", "Ігорівна", "Igorevna"), "ihor"),
        (("Миколайович", "Николаевич", "Mykolaiovych", "Nikolaevich", "Миколаївна", "Nikolayevna"), "mykola"),
        (("Сергіївна", "Сергеевна", "Serhiivna", "Sergeevna", "Sergeyevna"), "serhii"),
        (("Ильич", "Ілліч", "Ilyich", "Il'ich"), "illia"),
        (("Кузьмич", "Kuzmich", "Кузьминична"), "kuzma"),
        (("Левович", "Levovych", "Львович", "Lvovich"), "lev"),  # two Ukrainian formations
        (("Иваныч", "Іванович", "Ivanovych"), "ivan"),  # colloquial Russian -ыч
    ],
)
def test_named_patronymics(forms: tuple[str, ...], group: str) -> None:
    assert {patronymic_group(f) for f in forms} == {group}


def test_stem_key_meets_across_languages_and_sexes() -> None:
    assert len({patronymic_key(p) for p in ("Ігорович", "Игоревич", "Ihorivna", "Igorevna")}) == 1
    assert len({patronymic_key(p) for p in ("Сергійович", "Сергеевич", "Serhiivna", "Sergeevna")}) == 1
    assert patronymic_key("Ігорович") != patronymic_key("Іванович")


@pytest.mark.parametrize("text", ["", "Шевченко", "Zzyzxovych"])
def test_unknown_patronymic_is_none(text: str) -> None:
    assert patronymic_group(text) is None
