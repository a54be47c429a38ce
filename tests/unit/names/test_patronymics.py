"""Patronymics are formed by the grammar of each language, irregular names included."""

from __future__ import annotations

import pytest

from unforgotten.errors import InputError
from unforgotten.names import make_patronymic


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
