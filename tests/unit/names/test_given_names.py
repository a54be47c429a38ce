"""Every written and romanised form of a lexicon name resolves to its group and to no other."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unforgotten.names import GivenName, System, given_name_group, lexicon, transliterate

GROUPS = lexicon()


def test_every_form_and_romanisation_resolves_to_its_group() -> None:
    wrong = []
    for group in GROUPS:
        forms = set(group.forms)
        forms |= {transliterate(f, s, language="uk") for f in group.uk for s in System}
        forms |= {transliterate(f, s, language="ru") for f in group.ru for s in System}
        forms |= {f.upper() for f in forms} | {f.lower() for f in forms}
        wrong += [
            (form, group.group, given_name_group(form)) for form in forms if given_name_group(form) != group.group
        ]
    assert wrong == []


@given(st.sampled_from(GROUPS), st.sampled_from(list(System)), st.data())
def test_property_romanisation_resolves(group: GivenName, system: System, data: st.DataObject) -> None:
    language = data.draw(st.sampled_from(["uk", "ru"]))
    form = data.draw(st.sampled_from(group.uk if language == "uk" else group.ru))
    assert given_name_group(transliterate(form, system, language=language)) == group.group


@pytest.mark.parametrize(
    ("names", "group"),
    [
        (("Олександр", "Александр", "Oleksandr", "Aleksandr", "Alexander", "Olexandr", "Oleksander"), "oleksandr"),
        (("Юрій", "Юрий", "Yurii", "Iurii", "Yuriy", "Jurij", "Yuri", "Iouri", "Juri"), "yurii"),
        (("Олексій", "Алексей", "Oleksii", "Aleksey", "Alexei", "Alexej", "Aleksei"), "oleksii"),
        (("Ганна", "Анна", "Hanna", "Anna"), "hanna"),
        (("Михайло", "Михаил", "Mykhailo", "Mikhail", "Mihail"), "mykhailo"),
        (("Олeксандр",), "oleksandr"),  # Latin e inside
    ],
)
def test_named_equivalences(names: tuple[str, ...], group: str) -> None:
    assert {given_name_group(n) for n in names} == {group}


def test_different_names_stay_apart() -> None:
    assert given_name_group("Олександр") != given_name_group("Олексій")
    assert given_name_group("Олександр") != given_name_group("Олександра")
    assert given_name_group("Ян") != given_name_group("Яна")


@pytest.mark.parametrize("name", ["", "   ", "Шевченко", "Zzyzx", "123"])
def test_unknown_is_none(name: str) -> None:
    assert given_name_group(name) is None


def test_groups_do_not_share_written_forms() -> None:
    owner: dict[str, str] = {}
    for group in GROUPS:
        for form in group.forms:
            assert owner.setdefault(form.casefold(), group.group) == group.group, form


@given(st.sampled_from(GROUPS), st.data())
def test_one_typo_in_a_long_name_still_finds_its_group_or_none(group: GivenName, data: st.DataObject) -> None:
    """A slip of one letter may leave the name unresolved, never resolved to another name."""
    from unforgotten.names.lexicon import nearest_given_name_group

    form = data.draw(st.sampled_from(group.uk + group.ru))
    if len(form) < 6:
        return
    at = data.draw(st.integers(0, len(form) - 2))
    swapped = form[:at] + form[at + 1] + form[at] + form[at + 2 :]
    dropped = form[:at] + form[at + 1 :]
    for typo in (swapped, dropped):
        if given_name_group(typo) is None:
            assert nearest_given_name_group(typo) in (group.group, None), typo


def test_typo_tolerance_is_not_used_to_read_surnames_as_given_names() -> None:
    from unforgotten.names import name_keys

    keys = name_keys("Петрин", "иМхаил", None)  # the surname is one letter from Петро; the given name mistyped
    assert (keys.swapped, keys.given_group) == (False, "mykhailo")
