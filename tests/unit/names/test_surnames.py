"""Surname keys keep the sexes apart, stems bring them together, and swapped columns are detected."""

from __future__ import annotations

import pytest

from unforgotten.names import looks_like_given_name, surname_key, surname_stem_key, unswap


@pytest.mark.parametrize(
    ("masculine", "feminine"),
    [
        ("Іванов", "Іванова"),
        ("Ivanov", "Ivanova"),
        ("Алексєєв", "Алексєєва"),
        ("Ільїн", "Ільїна"),
        ("Ковальський", "Ковальська"),
        ("Ковальский", "Ковальская"),
        ("Kovalskyi", "Kovalska"),
        ("Висоцький", "Висоцька"),
        ("Петренко-Іванов", "Петренко-Іванова"),
    ],
)
def test_sex_forms(masculine: str, feminine: str) -> None:
    assert surname_key(masculine) != surname_key(feminine)
    assert surname_stem_key(masculine) == surname_stem_key(feminine)


def test_stem_leaves_other_endings_alone() -> None:
    for name in ("Шевченко", "Бурлака", "Сорока", "Ковальчук", "Кравець"):
        assert surname_stem_key(name) == surname_key(name)
    assert surname_stem_key("Іванов") != surname_stem_key("Іваненко")


@pytest.mark.parametrize(
    "token", ["Олександр", "Aleksandr", "Юрій", "Iryna", "Тарас", "ОЛЕНА", "Валентин", "Галина", "Дем'ян", "Марина"]
)
def test_given_names(token: str) -> None:
    assert looks_like_given_name(token)


@pytest.mark.parametrize("token", ["Шевченко", "Романенко", "Тарасов", "Назарчук", "Kovalchuk", "", "  "])
def test_not_given_names(token: str) -> None:
    assert not looks_like_given_name(token)


def test_unswap() -> None:
    assert unswap("Олександр", "Шевченко") == ("Шевченко", "Олександр", True)
    assert unswap("Iryna", "Tkachenko") == ("Tkachenko", "Iryna", True)
    assert unswap("Шевченко", "Олександр") == ("Шевченко", "Олександр", False)
    assert unswap("Роман", "Тарас") == ("Роман", "Тарас", False)  # both could be either: leave as given
    assert unswap("Олександр", "") == ("Олександр", "", False)
