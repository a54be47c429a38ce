"""A synthetic surname pool: Ukrainian/Russian-looking surnames built from roots and endings, never a real list.

Frequencies follow a Zipf law, so common surnames repeat as they do in real lists (and make namesakes happen by
themselves). Each surname has masculine and feminine forms in Ukrainian and in Russian spelling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SurnamePool", "surname_pool"]

_ROOTS = (
    "Коваль Шевч Бонд Ткач Кравч Мельн Олійн Лисен Руд Савч Марч Петр Гаврил Бойк Кушн Мороз Павл Семен Гонч "
    "Левч Поліщ Ярош Козл Сидор Кузьм Гриц Панас Тарас Кирил Мирон Остап Дем'ян Якуб Юрч Климч Бабич Дуд Голуб "
    "Ворон Сокол Журав Лебед Гусак Бик Вовк Лис Заєц Ведмед Карп Щук Окун Сом Коз Баран Кур Півн Гуц Бор Гайд "
    "Дорош Стец Тимош Філон Хом Цибул Часн Шаповал Щерб Юрк Яковл Антон Борис Власт Гнат Дан Єрмол Жук Зінч "
    "Іващ Костюк Лук'ян Макс Назар Оліфер Прок Ром Степ Тихон Устим Федор Харит Цвіт Черн Шост Яцен Білоус "
    "Чорнов Сивок Рябок Сірен Зелен Жовт Кривон Довг Корот Товст Тонк Гладк Глух Нім Сліп Кульб Рибалк Пасічн "
    "Гончар Кузнец Бондар Мірошн Пастух Чумак Скрипн Дяч Попович Ковбас Борщ Галушк Вареник Пиріг Сметан"
).split()
# (Ukrainian masculine, Ukrainian feminine, Russian masculine, Russian feminine) endings
_ENDINGS = (
    ("енко", "енко", "енко", "енко"),
    ("ук", "ук", "ук", "ук"),
    ("юк", "юк", "юк", "юк"),
    ("чук", "чук", "чук", "чук"),
    ("ський", "ська", "ский", "ская"),
    ("ов", "ова", "ов", "ова"),
    ("ев", "ева", "ев", "ева"),
    ("ін", "іна", "ин", "ина"),
    ("ич", "ич", "ич", "ич"),
    ("ко", "ко", "ко", "ко"),
    ("ань", "ань", "ань", "ань"),
    ("ак", "ак", "ак", "ак"),
    ("ишин", "ишина", "ишин", "ишина"),
    ("ець", "ець", "ец", "ец"),
)
_ENDING_WEIGHTS = np.array([14, 8, 6, 6, 8, 10, 4, 4, 3, 5, 2, 3, 1, 3], dtype=float)
_UK_TO_RU = str.maketrans({"і": "и", "ї": "и", "є": "е", "'": "ь", "ґ": "г"})


@dataclass(frozen=True)
class SurnamePool:
    """Parallel arrays: one slot per surname; ``weights`` sum to 1."""

    uk_m: np.ndarray
    uk_f: np.ndarray
    ru_m: np.ndarray
    ru_f: np.ndarray
    weights: np.ndarray


def _russian(root: str) -> str:
    return root.translate(_UK_TO_RU).replace("ьь", "ь")


def _join(root: str, ending: str) -> str:
    # A root ending in a vowel-like sound takes endings directly; avoid double letters at the seam.
    if root[-1] == ending[0]:
        return root + ending[1:]
    return root + ending


def surname_pool(seed: int, size: int = 6000) -> SurnamePool:
    """Build ``size`` distinct synthetic surnames with Zipf-like frequencies (deterministic by seed)."""
    rng = np.random.default_rng(seed)
    pairs: set[tuple[int, int]] = set()
    order: list[tuple[int, int]] = []
    probabilities = _ENDING_WEIGHTS / _ENDING_WEIGHTS.sum()
    limit = len(_ROOTS) * len(_ENDINGS)
    while len(order) < min(size, limit):
        root = int(rng.integers(len(_ROOTS)))
        ending = int(rng.choice(len(_ENDINGS), p=probabilities))
        if (root, ending) not in pairs:
            pairs.add((root, ending))
            order.append((root, ending))
    uk_m, uk_f, ru_m, ru_f = [], [], [], []
    for root_index, ending_index in order:
        stem = _ROOTS[root_index]
        e_uk_m, e_uk_f, e_ru_m, e_ru_f = _ENDINGS[ending_index]
        uk_m.append(_join(stem, e_uk_m))
        uk_f.append(_join(stem, e_uk_f))
        ru_m.append(_join(_russian(stem), e_ru_m))
        ru_f.append(_join(_russian(stem), e_ru_f))
    ranks = np.arange(1, len(order) + 1, dtype=float)
    weights = 1.0 / ranks**0.9
    return SurnamePool(
        uk_m=np.array(uk_m, dtype=object),
        uk_f=np.array(uk_f, dtype=object),
        ru_m=np.array(ru_m, dtype=object),
        ru_f=np.array(ru_f, dtype=object),
        weights=weights / weights.sum(),
    )
