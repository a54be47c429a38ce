"""Places of birth and military units as each side writes them — the fields that sides record their own way.

A Ukrainian clerk writes "с. Вишневе", a Russian one "с. Вишнёвое Харьковской обл."; one side knows a unit by its
code ("в/ч А0769"), the other by its name ("8 бригада НГУ"). The linker must not read that as two persons.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PLACES", "RU_PLACES", "place_text", "unit_text"]

# (Ukrainian form, Russian form, region); villages carry "с.", towns "м." / "г." when a prefix is written.
_UA = (
    ("Київ", "Киев", "Київська"), ("Харків", "Харьков", "Харківська"), ("Одеса", "Одесса", "Одеська"),
    ("Дніпро", "Днепр", "Дніпропетровська"), ("Запоріжжя", "Запорожье", "Запорізька"), ("Львів", "Львов", "Львівська"),
    ("Кривий Ріг", "Кривой Рог", "Дніпропетровська"), ("Миколаїв", "Николаев", "Миколаївська"),
    ("Маріуполь", "Мариуполь", "Донецька"), ("Вінниця", "Винница", "Вінницька"), ("Херсон", "Херсон", "Херсонська"),
    ("Полтава", "Полтава", "Полтавська"), ("Чернігів", "Чернигов", "Чернігівська"),
    ("Черкаси", "Черкассы", "Черкаська"),
    ("Суми", "Сумы", "Сумська"), ("Житомир", "Житомир", "Житомирська"), ("Хмельницький", "Хмельницкий", "Хмельницька"),
    ("Рівне", "Ровно", "Рівненська"), ("Кропивницький", "Кировоград", "Кіровоградська"),
    ("Івано-Франківськ", "Ивано-Франковск", "Івано-Франківська"), ("Тернопіль", "Тернополь", "Тернопільська"),
    ("Луцьк", "Луцк", "Волинська"), ("Ужгород", "Ужгород", "Закарпатська"), ("Чернівці", "Черновцы", "Чернівецька"),
    ("Краматорськ", "Краматорск", "Донецька"), ("Слов'янськ", "Славянск", "Донецька"),
    ("Бахмут", "Артёмовск", "Донецька"), ("Мелітополь", "Мелитополь", "Запорізька"),
    ("Бердянськ", "Бердянск", "Запорізька"), ("Ізмаїл", "Измаил", "Одеська"),
    ("Біла Церква", "Белая Церковь", "Київська"),
    ("Умань", "Умань", "Черкаська"), ("Ніжин", "Нежин", "Чернігівська"), ("Конотоп", "Конотоп", "Сумська"),
    ("Лозова", "Лозовая", "Харківська"),
)  # fmt: skip
_UA_VILLAGES = (
    ("Вишневе", "Вишнёвое"), ("Зелений Гай", "Зелёный Гай"), ("Петрівка", "Петровка"), ("Іванівка", "Ивановка"),
    ("Михайлівка", "Михайловка"), ("Новоселівка", "Новоселовка"), ("Олександрівка", "Александровка"),
    ("Миколаївка", "Николаевка"), ("Калинівка", "Калиновка"), ("Степове", "Степное"), ("Грушівка", "Грушевка"),
    ("Березівка", "Березовка"), ("Вільшанка", "Ольшанка"), ("Шевченкове", "Шевченково"), ("Кам'янка", "Каменка"),
)  # fmt: skip
_RU = (
    "Москва Санкт-Петербург Новосибирск Екатеринбург Казань Нижний-Новгород Челябинск Самара Омск Ростов-на-Дону "
    "Уфа Красноярск Воронеж Пермь Волгоград Краснодар Саратов Тюмень Тольятти Ижевск Барнаул Ульяновск Иркутск "
    "Хабаровск Ярославль Владивосток Махачкала Томск Оренбург Кемерово Рязань Астрахань Пенза Липецк Тула Курск"
).split()
_RU_TO_UK = str.maketrans({"и": "і", "ы": "и", "э": "е", "ё": "ьо", "ъ": "'", "е": "е"})
# Region names in Russian: the Ukrainian adjective's ending changed (Харківська → Харьковской).
_REGION_RU = {
    "Київська": "Киевской", "Харківська": "Харьковской", "Одеська": "Одесской", "Дніпропетровська":
    "Днепропетровской", "Запорізька": "Запорожской", "Львівська": "Львовской", "Миколаївська": "Николаевской",
    "Донецька": "Донецкой", "Вінницька": "Винницкой", "Херсонська": "Херсонской", "Полтавська": "Полтавской",
    "Чернігівська": "Черниговской", "Черкаська": "Черкасской", "Сумська": "Сумской", "Житомирська": "Житомирской",
    "Хмельницька": "Хмельницкой", "Рівненська": "Ровенской", "Кіровоградська": "Кировоградской",
    "Івано-Франківська": "Ивано-Франковской", "Тернопільська": "Тернопольской", "Волинська": "Волынской",
    "Закарпатська": "Закарпатской", "Чернівецька": "Черновицкой",
}  # fmt: skip
_REGIONS = tuple(_REGION_RU)
PLACES = tuple(uk for uk, _, _ in _UA) + tuple(uk for uk, _ in _UA_VILLAGES)
RU_PLACES = tuple(_RU)
_UNIT_KINDS = ("бригада", "ОМБр", "полк", "окремий батальйон", "ОМПБр")
_UNIT_BRANCHES = ("НГУ", "ЗСУ", "ТрО", "ДШВ", "ВМС")
_RU_UNIT_KINDS = ("мотострелковая бригада", "МСП", "полк", "ОМСБр", "дивизия")
_RU_UNIT_BRANCHES = ("ВС РФ", "Росгвардии", "ВДВ", "МП", "1 АК")


def _ua_place(index: int, language: str, variant: bool, rng: np.random.Generator) -> str:
    n_towns = len(_UA)
    if index < n_towns:
        uk, ru, region = _UA[index]
        prefix_uk, prefix_ru = "м.", "г."
    else:
        uk, ru = _UA_VILLAGES[index - n_towns]
        region = _REGIONS[index % len(_REGIONS)]
        prefix_uk, prefix_ru = "с.", "с."
    if not variant:
        return uk if index < n_towns else f"с. {uk}"
    russian = language == "ru"
    name = ru if russian else uk
    if rng.random() < 0.6 or index >= n_towns:
        name = f"{prefix_ru if russian else prefix_uk} {name}"
    if rng.random() < 0.6:
        name += f" {_REGION_RU[region]} обл." if russian else f" {region} обл."
    return name


def place_text(index: int, side: int, language: str, variant: bool, rng: np.random.Generator) -> str:
    """A person's place of birth as written by a clerk of ``language``; ``variant``: in that clerk's own way."""
    if side == 0:
        return _ua_place(index % len(PLACES), language, variant, rng)
    name = RU_PLACES[index % len(RU_PLACES)]
    if not variant:
        return name
    if language == "uk":
        name = name.lower().translate(_RU_TO_UK).title()
    return f"{'м.' if language == 'uk' else 'г.'} {name}" if rng.random() < 0.5 else name


def unit_text(code: str, side: int, variant: bool) -> str:
    """A unit as its code ("в/ч А0769") or, ``variant``, as the name the other side knows it by."""
    if not variant:
        return code
    digits = int("".join(ch for ch in code if ch.isdigit()) or "0")
    number = digits % 150 + 1
    if side == 0:
        return f"{number} {_UNIT_KINDS[digits % len(_UNIT_KINDS)]} {_UNIT_BRANCHES[digits // 7 % len(_UNIT_BRANCHES)]}"
    return f"{number} {_RU_UNIT_KINDS[digits % len(_RU_UNIT_KINDS)]} {_RU_UNIT_BRANCHES[digits // 7 % 5]}"
