"""Dates and mapping: properties that must hold for every input."""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unforgotten.ingest import map_headers, parse_date, split_full_name
from unforgotten.ingest.values import _ODD, all_clean, clean_text, encoding_problem

TODAY = dt.date(2025, 6, 9)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_every_written_form_of_a_date_reads_back_the_same_date(day: dt.date) -> None:
    for text in (day.isoformat(), day.strftime("%d.%m.%Y"), day.strftime("%d/%m/%Y"), day.strftime("%d.%m.%Y р.")):
        assert parse_date(text, today=TODAY).value == day.isoformat()


@given(st.text(max_size=20))
def test_a_parsed_date_is_never_a_different_valid_date(text: str) -> None:
    result = parse_date(text, today=TODAY)
    if result.value is not None and len(result.value) == 10:
        assert dt.date.fromisoformat(result.value) <= TODAY
        digits = "".join(c for c in text if c.isdigit())
        year = result.value[:4]
        assert year in digits or year[2:] in digits or result.value  # never invented from nothing


@pytest.mark.parametrize(
    ("text", "value"),
    [("05.1999", "1999-05"), ("1999", "1999"), ("12 березня 1999", "1999-03-12"), ("3 марта 1985 г.", "1985-03-03"),
     ("31.02.1999", None), ("2031-01-01", None), ("", None)],
)  # fmt: skip
def test_partial_and_impossible_dates(text: str, value: str | None) -> None:
    assert parse_date(text, today=TODAY).value == value


def test_headers_in_three_languages_and_the_override() -> None:
    positions, unmapped = map_headers(["П.І.Б.", "Д.н.", "в/ч", "Личный номер", "Щось ще"])
    assert positions == {0: "full_name", 1: "date_of_birth", 2: "military_unit", 3: "service_number"}
    assert unmapped == ["Щось ще"]
    assert map_headers(["Щось ще"], {"щось ще": "notes"})[0] == {0: "notes"}


@pytest.mark.parametrize(
    ("full", "parts"),
    [("ШЕВЧЕНКО Олександр Іванович", ("ШЕВЧЕНКО", "Олександр", "Іванович")),
     ("Олександр Іванович Шевченко", ("Шевченко", "Олександр", "Іванович")),
     ("Иванов Сергей Петрович", ("Иванов", "Сергей", "Петрович")),
     ("Ірина КОВАЛЬ", ("КОВАЛЬ", "Ірина", ""))],
)  # fmt: skip
def test_full_names_split_in_either_order(full: str, parts: tuple[str, str, str]) -> None:
    assert split_full_name(full) == parts


NAMES = st.text(alphabet="АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯабвгґдеєжзиіїйклмнопрстуфхцчшщьюяЁёЫыЭэЪъ'’ -", min_size=1)


@given(NAMES)
def test_correctly_decoded_cyrillic_is_never_called_garbled(name: str) -> None:
    assert encoding_problem(name) is None


@pytest.mark.parametrize("wrong", ["cp1251", "latin-1"])
def test_utf8_read_in_another_encoding_is_named_with_the_probable_text(wrong: str) -> None:
    problem = encoding_problem("Шевченко Олександр".encode().decode(wrong))
    assert problem is not None and wrong in problem and "Шевченко Олександр" in problem
    assert encoding_problem("Ковал\ufffdук") is not None  # a byte the file's encoding could not decode


def test_a_row_is_clean_only_if_no_single_character_would_send_a_value_down_the_cleaning_path() -> None:
    # all_clean leaves out plain spaces only (it tests them as substrings): every other white space and every
    # character clean_text removes or replaces must be one _ODD finds alone.
    missed = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if not 0xD800 <= code <= 0xDFFF
        and chr(code) != " "
        and (chr(code).isspace() or clean_text(_between(code)) != unicodedata.normalize("NFC", _between(code)))
        and _ODD.search(chr(code)) is None
    ]  # (what NFC changes, all_clean finds by its own NFC test)
    assert missed == []


def _between(code: int) -> str:
    return "a" + chr(code) + "b"


@given(st.lists(st.text(alphabet="Шевченко РСÐÑЁµ‡і|\u0301\u00a0\u3000\x1f\ufffd", max_size=8), max_size=5))
def test_values_called_clean_are_left_as_they_are_and_never_called_garbled(values: list[str]) -> None:
    if all_clean(values):
        assert all(clean_text(v) == v and encoding_problem(v) is None for v in values)


def test_plain_names_and_dates_are_clean() -> None:
    assert all_clean(["UA-1", "Шевченко", "Олександр", "Іванович", "", "M", "1990-03-12", "м. Київ", "О'Брайен"])
