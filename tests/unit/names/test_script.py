"""Script detection and repair of look-alike letters from the other script."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from tests.unit.names.samples import generated_surnames

from unforgotten.names import Script, detect_script, fix_homoglyphs
from unforgotten.names.script import _CYRILLIC_TO_LATIN, _LATIN_TO_CYRILLIC


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Шевченко", Script.CYRILLIC),
        ("Мар'яна", Script.CYRILLIC),
        ("Shevchenko", Script.LATIN),
        ("Ševčenko", Script.LATIN),
        ("Шевчeнко", Script.MIXED),
        ("Iван", Script.MIXED),
        ("Іван Ivan", Script.MIXED),
        ("", Script.EMPTY),
        ("   ", Script.EMPTY),
        ("12345", Script.OTHER),
        ("Ωμέγα", Script.OTHER),
    ],
)
def test_detect(text: str, script: Script) -> None:
    assert detect_script(text) is script


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Шевчeнко", "Шевченко"),
        ("Iван", "Іван"),
        ("Кoвaль", "Коваль"),
        ("ПETPEHKO", "ПЕТРЕНКО"),
        ("Kоvalenkо", "Kovalenko"),
        ("Sеrhii", "Serhii"),
        ("Mаук", "Маук"),  # only look-alikes: the majority decides
        ("MAУK", "MAYK"),
        ("Шевченко Oлександр", "Шевченко Олександр"),
    ],
)
def test_fix(typed: str, meant: str) -> None:
    assert fix_homoglyphs(typed) == meant


def test_single_script_text_unchanged() -> None:
    for text in ("Шевченко", "Shevchenko", "Шевченко Shevchenko", "", "12"):
        assert fix_homoglyphs(text) == text


@given(generated_surnames(), st.data())
def test_property_latin_lookalikes_in_cyrillic_word_are_repaired(word: str, data: st.DataObject) -> None:
    # A word made only of look-alikes (Маук) is decided by majority instead; see test_fix.
    assume(any(ch not in _CYRILLIC_TO_LATIN for ch in word))
    positions = [i for i, ch in enumerate(word) if ch in _CYRILLIC_TO_LATIN]
    chosen = data.draw(st.sets(st.sampled_from(positions), max_size=len(positions))) if positions else set()
    typed = "".join(_CYRILLIC_TO_LATIN[ch] if i in chosen else ch for i, ch in enumerate(word))
    assert fix_homoglyphs(typed) == word


@given(st.sampled_from(["Kovalenko", "Shevchenko", "Tkachuk", "Oleksandr", "Bondarenko", "Yurii"]), st.data())
def test_property_cyrillic_lookalikes_in_latin_word_are_repaired(word: str, data: st.DataObject) -> None:
    positions = [i for i, ch in enumerate(word) if ch in _LATIN_TO_CYRILLIC]
    chosen = data.draw(st.sets(st.sampled_from(positions), max_size=len(positions)))
    typed = "".join(_LATIN_TO_CYRILLIC[ch] if i in chosen else ch for i, ch in enumerate(word))
    assert fix_homoglyphs(typed) == word
