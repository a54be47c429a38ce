"""Search keys: a query meets the entries it should across scripts, spellings, typos, ids and dates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unforgotten.names import search, transliterate
from unforgotten.names.search import (
    MAX_QUERY_WORDS,
    entry_search_hashes,
    entry_search_keys,
    key_hash,
    key_hashes,
    parse_query,
    query_search_keys,
)
from unforgotten.names.transliteration import System


def _entry(family: str, given: str, **more: str) -> set[str]:
    return entry_search_keys({"family_name": family, "given_name": given, **more})


@pytest.mark.parametrize(
    ("query", "family", "given"),
    [
        ("Shevchenko Oleksandr", "Шевченко", "Олександр"),
        ("Shevchenko Oleksandr", "Шевченко", "Александр"),
        ("Шевченко Александр", "SHEVCHENKO", "Oleksandr"),
        ("Schewtschenko Alexander", "Шевченко", "Олександр"),
        ("oleksandr shevchenko", "Шевченко", "Олександр"),  # order does not matter
    ],
)
def test_every_word_of_a_name_meets_across_scripts(query: str, family: str, given: str) -> None:
    keys = query_search_keys(query)
    entry = _entry(family, given)
    for word in query.split():
        assert keys & entry & query_search_keys(word), word


@pytest.mark.parametrize("system", list(System), ids=lambda s: s.name)
@pytest.mark.parametrize(("family", "given"), [("Дем'янишин", "Вацлав"), ("Мар'яненко", "Мар'яна")])
def test_an_apostrophe_in_any_romanisation_keeps_the_word_whole(system: System, family: str, given: str) -> None:
    """BGN/PCGN writes the apostrophe as a double quote (Dem"yanyshyn): it must not split the word in two."""
    query = f"{transliterate(family, system)} {transliterate(given, system)}"
    parsed = parse_query(query)
    assert len(parsed.words) == 2, (query, parsed.words)
    entry = _entry(family, given)
    assert all(word & entry for word in parsed.words), query


def test_quotes_around_a_word_are_not_part_of_it() -> None:
    assert parse_query('"Shevchenko" Oleksandr') == parse_query("Shevchenko Oleksandr")
    assert parse_query("`Shevchenko´ Oleksandr") == parse_query("Shevchenko Oleksandr")


def test_a_typo_still_meets_by_the_skeleton() -> None:
    entry = _entry("Шевченко", "Олександр")
    assert query_search_keys("Shevchneko") & entry  # swapped letters
    assert query_search_keys("Shevchenkro") & entry  # one letter too many
    assert query_search_keys("Oleksnadr") & entry  # the lexicon's nearest given name


def test_a_full_match_outweighs_a_typo() -> None:
    entry = _entry("Шевченко", "Олександр")
    assert len(query_search_keys("Shevchenko") & entry) > len(query_search_keys("Shevchneko") & entry)


def test_a_different_name_does_not_meet() -> None:
    assert not query_search_keys("Kovalenko Bohdan") & _entry("Шевченко", "Олександр")


def test_ids_and_dates_of_birth() -> None:
    entry = _entry("Шевченко", "Олександр", record_id="UA-17", service_number="АА 123456", date_of_birth="1990-03-12")
    assert "i:ua17" in query_search_keys("ua 17")  # the whole query is an id too
    assert "i:ua17" in query_search_keys("UA-17") & entry
    assert "i:аа123456" in query_search_keys("АА123456") & entry
    assert query_search_keys("12.03.1990") & entry == {"b:1990-03-12"}
    assert query_search_keys("1990-03-12") & entry == {"b:1990-03-12"}
    assert not query_search_keys("13.03.1990") & entry


def test_full_name_and_hyphenated_names_are_split_into_words() -> None:
    entry = entry_search_keys({"full_name": "Петренко-Ковальчук Марія Іванівна"})
    assert query_search_keys("Kovalchuk") & entry
    assert query_search_keys("Maria") & entry


def test_nothing_to_look_up() -> None:
    assert query_search_keys("") == set()
    assert query_search_keys("  ,;  ") == set()
    assert entry_search_keys({}) == set()


def test_a_long_query_is_cut() -> None:
    words = " ".join(f"Name{chr(ord('a') + i)}x" for i in range(MAX_QUERY_WORDS + 5))
    assert len({k for k in query_search_keys(words) if k.startswith("n:")}) <= MAX_QUERY_WORDS


_FIELD = st.one_of(st.none(), st.text(alphabet="АБВгдеєжІїйШевченкоOleksandr -'.0123456789", max_size=30))


@given(
    st.fixed_dictionaries(
        {
            name: _FIELD
            for name in (
                "family_name",
                "given_name",
                "patronymic",
                "full_name",
                "alternate_names",
                "record_id",
                "service_number",
                "date_of_birth",
            )
        }  # fmt: skip
    )
)
def test_the_stored_numbers_are_the_hashes_of_the_keys(fields: dict[str, str | None]) -> None:
    # The import writes entry_search_hashes and a query looks up key_hash of parse_query's keys: the two must agree.
    assert entry_search_hashes(fields) == {key_hash(key) for key in entry_search_keys(fields)}


def test_a_query_finds_the_stored_number_of_a_name_in_the_other_script() -> None:
    stored = entry_search_hashes({"family_name": "Шевченко", "given_name": "Олександр"})
    assert all(set(key_hashes(word)) & stored for word in parse_query("Shevchenko Oleksandr").words)


@pytest.mark.parametrize(
    "fields",
    [{"family_name": "Шевченко", "given_name": "Олександр"},
     {"full_name": "Шевченко-Квітка Олександр-Іван Миколайович (Shevchenko Oleksandr)", "given_name": "Олександр"},
     {"alternate_names": "Шевченко; Shevchenko; Schewtschenko; Chevtchenko; Szewczenko", "date_of_birth": " 1990 "},
     {"family_name": "Шевченко", "date_of_birth": "12.03.1990", "service_number": "АА-123 456"}],
)  # fmt: skip
def test_a_value_hashed_whole_or_word_by_word_gives_the_keys_hashes_each_time(fields: dict[str, str | None]) -> None:
    # Short values are cached whole, long ones word by word: both, first and second time, are the keys' hashes.
    expected = {key_hash(key) for key in entry_search_keys(fields)}
    assert entry_search_hashes(fields) == expected
    assert entry_search_hashes(fields) == expected


@given(st.text() | st.text(alphabet="UAcusКА-_ 0123²½Ⅻ\u0301.:/"))
def test_an_identifier_is_what_the_regex_leaves_of_it(text: str) -> None:
    # _identifier drops dashes and spaces with str methods when the rest is all word characters.
    assert search._identifier(text) == search._NOT_ID.sub("", text.casefold())
