"""Transliteration follows each system's published table, keeps case, and leaves Latin text alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unforgotten.names import System, transliterate

S = System


@pytest.mark.parametrize(
    ("cyrillic", "system", "latin"),
    [
        # Cabinet of Ministers resolution No. 55 (2010), including the examples printed in it.
        ("Згурський", S.UA_2010, "Zghurskyi"),
        ("Розгон", S.UA_2010, "Rozghon"),
        ("Юрій", S.UA_2010, "Yurii"),
        ("Олексіївна", S.UA_2010, "Oleksiivna"),
        ("Знам'янка", S.UA_2010, "Znamianka"),
        ("Єнакієве", S.UA_2010, "Yenakiieve"),
        ("Їжакевич", S.UA_2010, "Yizhakevych"),
        ("Кадиївка", S.UA_2010, "Kadyivka"),
        ("Йосипівка", S.UA_2010, "Yosypivka"),
        ("Стрий", S.UA_2010, "Stryi"),
        ("Щербухи", S.UA_2010, "Shcherbukhy"),
        ("Гаврилюк", S.UA_2010, "Havryliuk"),
        ("Ґалаґан", S.UA_2010, "Galagan"),
        ("Біла Церква", S.UA_2010, "Bila Tserkva"),
        ("Ужгород", S.UA_2010, "Uzhhorod"),
        ("Закарпаття", S.UA_2010, "Zakarpattia"),
        ("Київ", S.UA_2010, "Kyiv"),
        # Russian passports since 2013 (ICAO 9303) and before.
        ("Юрий", S.RU_ICAO, "Iurii"),
        ("Объедков", S.RU_ICAO, "Obieedkov"),
        ("Фёдор", S.RU_ICAO, "Fedor"),
        ("Подъячев", S.RU_ICAO, "Podieiachev"),
        ("Соловьёв", S.RU_ICAO, "Solovev"),
        ("Юрий", S.RU_PASSPORT_1997, "Yuriy"),
        ("Щукина", S.RU_PASSPORT_1997, "Shchukina"),
        # BGN/PCGN.
        ("Ельцин", S.BGN_PCGN_RU, "Yel'tsin"),
        ("Алексеев", S.BGN_PCGN_RU, "Alekseyev"),
        ("Ковальчук", S.BGN_PCGN_UK, "Koval'chuk"),
        ("Згурський", S.BGN_PCGN_UK, "Z·hurs'kyy"),
        # GOST 7.79 system B.
        ("Щукин", S.GOST_7_79, "Shhukin"),
        ("Цыганов", S.GOST_7_79, "Czy'ganov"),
        ("Цапко", S.GOST_7_79, "Capko"),
        ("Хрущёв", S.GOST_7_79, "Xrushhyov"),
        # German (Duden) and French conventions.
        ("Шевченко", S.GERMAN, "Schewtschenko"),
        ("Юрий", S.GERMAN, "Juri"),
        ("Сергей", S.GERMAN, "Sergei"),
        ("Майоров", S.GERMAN, "Majorow"),
        ("Яков", S.GERMAN, "Jakow"),
        ("Жуков", S.GERMAN, "Schukow"),
        ("Зайцев", S.GERMAN, "Saizew"),
        ("Шевченко", S.FRENCH, "Chevtchenko"),
        ("Юрий", S.FRENCH, "Iouri"),
        ("Сергей", S.FRENCH, "Sergueï"),
        ("Жуков", S.FRENCH, "Joukov"),
        ("Хрущёв", S.FRENCH, "Khrouchtchev"),
        ("Хрущёв", S.GERMAN, "Chruschtschow"),
        # Informal English.
        ("Александр", S.ADHOC, "Alexandr"),
        ("Горький", S.ADHOC, "Gor'ky"),
        ("Юрий", S.ADHOC, "Yuriy"),
    ],
)
def test_published_examples(cyrillic: str, system: System, latin: str) -> None:
    assert transliterate(cyrillic, system) == latin


def test_language_decides_g_and_y_in_systems_covering_both() -> None:
    assert transliterate("Григорович", S.GERMAN, language="uk") == "Hryhorowytsch"
    assert transliterate("Григорович", S.GERMAN, language="ru") == "Grigorowitsch"


@pytest.mark.parametrize("system", list(System))
def test_all_caps_stay_all_caps(system: System) -> None:
    for word in ("ШЕВЧЕНКО", "ЩУКА", "ЮРІЙ", "ЖУКОВ"):
        out = transliterate(word, system)
        assert out == out.upper()
        assert out.lower() == transliterate(word.lower(), system)


@pytest.mark.parametrize("system", list(System))
def test_capitalised_word_keeps_only_first_capital(system: System) -> None:
    out = transliterate("Щербак", system)
    assert out[0].isupper() and out[1:] == out[1:].lower()


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=30), st.sampled_from(list(System)))
def test_latin_input_unchanged(text: str, system: System) -> None:
    assert transliterate(text, system) == text


@pytest.mark.parametrize("system", [S.UA_2010, S.RU_ICAO, S.RU_PASSPORT_1997, S.GOST_7_79, S.ADHOC])
def test_ascii_systems_produce_ascii(system: System) -> None:
    out = transliterate("Щасливий Юрій Їжак Ґудзь Объёмов Эльза Мар'яна", system)
    assert out.isascii()
