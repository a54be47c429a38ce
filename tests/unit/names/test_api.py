"""The public API of unforgotten.names: exactly the names meant, and name_keys over rows."""

from __future__ import annotations

import unforgotten.names as names
from unforgotten.names import NameKeys, Script, name_keys, name_keys_for_rows


def test_exports_are_what_we_mean() -> None:
    assert set(names.__all__) == {
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
    }
    assert len(names.__all__) == len(set(names.__all__))
    for name in names.__all__:
        assert getattr(names, name) is not None


def test_both_sides_of_one_person_meet() -> None:
    ua = name_keys("Шевченко", "Олександр", "Ігорович")
    ru = name_keys("SHEVCHENKO", "Aleksandr", "Igorevich")
    assert (ua.family_key, ua.given_group, ua.patronymic_group) == (ru.family_key, ru.given_group, ru.patronymic_group)
    assert (ua.script, ru.script) == (Script.CYRILLIC, Script.LATIN)


def test_unknown_given_name_is_prefixed_and_cannot_be_a_group() -> None:
    keys = name_keys("Ковальчук", "Зорислав", None)
    assert keys.given_group == names.UNKNOWN_GIVEN_PREFIX + keys.given_key
    assert all(not g.group.startswith(names.UNKNOWN_GIVEN_PREFIX) for g in names.lexicon())


def test_missing_fields() -> None:
    keys = name_keys(None, None, None)
    assert keys == NameKeys("", "", "", "", None, "", Script.EMPTY, False)


def test_swapped_columns_are_put_back() -> None:
    keys = name_keys("Олена", "Ткаченко", "Петрівна")
    assert keys.swapped and keys.family_key == name_keys("Ткаченко", "Олена", None).family_key
    assert keys.given_group == "olena"


def test_rows_in_order_and_missing_columns() -> None:
    rows = [
        {"family_name": "Іванова", "given_name": "Ірина", "patronymic": "Олексіївна"},
        {"family_name": "Ivanova", "given_name": "Irina"},
        {"given_name": "Юрий", "patronymic": None},
    ]
    first, second, third = name_keys_for_rows(rows)
    assert first.family_key == second.family_key and first.given_group == second.given_group == "iryna"
    assert first.patronymic_group == "oleksii" and second.patronymic_group is None
    assert third.family_key == "" and third.given_group == "yurii"
