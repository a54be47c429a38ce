"""The true persons of a scenario, drawn with numpy so that a million take seconds.

Hard negatives are made on purpose on top of the namesakes that common surnames bring by themselves: brothers
(same surname, father and birthplace, other given name, born a few years apart) and twins (the same, born the same
day) — the pairs a linker must not merge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from unforgotten.names import lexicon
from unforgotten.scenario.model import HardNegative, ScenarioConfig
from unforgotten.scenario.places import PLACES, RU_PLACES
from unforgotten.scenario.surnames import surname_pool

__all__ = ["PLACES", "Persons", "draw_persons"]

UA_RANKS = (
    "солдат",
    "старший солдат",
    "молодший сержант",
    "сержант",
    "старший сержант",
    "лейтенант",
    "капітан",
    "матрос",
)
RU_RANKS = ("рядовой", "ефрейтор", "младший сержант", "сержант", "старший сержант", "лейтенант", "капитан", "матрос")


@dataclass
class Persons:
    """Parallel arrays, one slot per person; ``person_id`` is the index + 1."""

    side: np.ndarray  # 0 = UA, 1 = RU
    ptype: np.ndarray  # 0 military, 1 civilian, 2 child
    sex: np.ndarray  # 0 M, 1 F
    surname: np.ndarray
    surname2: np.ndarray  # second part of a double surname (index into the pool), -1 for none
    given: np.ndarray  # index into lexicon()
    father: np.ndarray  # index into lexicon() (male groups)
    dob: np.ndarray  # ISO strings
    place: np.ndarray
    rank: np.ndarray
    service_number: np.ndarray
    unit: np.ndarray
    capture: np.ndarray  # ISO strings
    health: np.ndarray  # 0 normal, 1 seriously wounded, 2 seriously ill
    fate: np.ndarray  # 0 held by the other side, 1 missing, 2 dead (remains held by the other side)
    hard_negatives: list[HardNegative]

    def __len__(self) -> int:
        return len(self.side)


def _iso(days_since_epoch: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(days_since_epoch.astype("datetime64[D]"), unit="D").astype(object)


def _weighted_groups(sex: str) -> tuple[np.ndarray, np.ndarray]:
    indexes = [i for i, g in enumerate(lexicon()) if g.sex == sex]
    weights = np.array([lexicon()[i].weight for i in indexes], dtype=float)
    return np.array(indexes), weights / weights.sum()


def draw_persons(size: int, seed: int, config: ScenarioConfig) -> Persons:
    """Draw ``size`` persons deterministically from ``seed``."""
    rng = np.random.default_rng(seed)
    n = size
    side = (rng.random(n) >= config.ua_share).astype(np.int8)
    u = rng.random(n)
    ptype = np.where(u < config.civilian_rate, 1, 0).astype(np.int8)
    ptype[(side == 0) & (u > 1 - config.child_rate)] = 2
    female_p = np.where(ptype == 0, 0.06, 0.5)
    sex = (rng.random(n) < female_p).astype(np.int8)
    pool = surname_pool(seed)
    surname = rng.choice(len(pool.weights), size=n, p=pool.weights)
    double = rng.random(n) < np.where(sex == 1, config.double_surname_rate * 3, config.double_surname_rate)
    surname2 = np.where(double, rng.choice(len(pool.weights), size=n, p=pool.weights), -1)
    male_idx, male_w = _weighted_groups("M")
    female_idx, female_w = _weighted_groups("F")
    given = np.where(sex == 0, rng.choice(male_idx, size=n, p=male_w), rng.choice(female_idx, size=n, p=female_w))
    father = rng.choice(male_idx, size=n, p=male_w)
    ref = (config.reference_date - dt.date(1970, 1, 1)).days
    age_years = np.where(
        ptype == 2, rng.uniform(3, 17.9, n), np.where(ptype == 0, 18 + rng.gamma(2.2, 7.0, n), rng.uniform(18, 80, n))
    )
    age_years = np.minimum(age_years, 85)
    dob_days = (ref - age_years * 365.25).astype(np.int64)
    place = np.where(side == 0, rng.integers(len(PLACES), size=n), rng.integers(len(RU_PLACES), size=n))
    rank = rng.integers(len(UA_RANKS), size=n)
    service_number = np.char.add(np.where(side == 0, "ЗСУ-", "РФ-"), rng.integers(1_000_000, 9_999_999, n).astype(str))
    unit = np.char.add("в/ч ", np.where(side == 0, np.char.add("А", rng.integers(1000, 9999, n).astype(str)),
                                         rng.integers(10000, 99999, n).astype(str)))  # fmt: skip
    start = (dt.date(2022, 2, 24) - dt.date(1970, 1, 1)).days
    capture_days = rng.integers(start, ref - 14, n)
    h = rng.random(n)
    health = np.where(
        h < config.seriously_wounded_rate,
        1,
        np.where(h < config.seriously_wounded_rate + config.seriously_ill_rate, 2, 0),
    ).astype(np.int8)
    f = rng.random(n)
    fate = np.where(f < config.held_rate, 0, np.where(f < config.held_rate + config.dead_rate, 2, 1)).astype(np.int8)
    fate[(ptype == 2) & (fate == 2)] = 1  # children are traced, not exchanged as remains
    persons = Persons(
        side=side, ptype=ptype, sex=sex, surname=surname, surname2=surname2, given=given, father=father, dob=dob_days,
        place=place,
        rank=rank, service_number=service_number.astype(object), unit=unit.astype(object), capture=capture_days,
        health=health, fate=fate, hard_negatives=[],
    )  # fmt: skip
    _make_hard_negatives(persons, rng, config, male_idx, male_w)
    persons.dob = _iso(persons.dob)
    persons.capture = _iso(persons.capture)
    return persons


def _make_hard_negatives(
    p: Persons, rng: np.random.Generator, config: ScenarioConfig, male_idx: np.ndarray, male_w: np.ndarray
) -> None:
    n = len(p)
    if n < 10:
        return
    pairs = rng.permutation(n)
    cursor = 0

    def take(rate: float) -> list[tuple[int, int]]:
        nonlocal cursor
        count = int(n * rate)
        chosen = pairs[cursor : cursor + 2 * count].reshape(-1, 2)
        cursor += 2 * count
        return [(int(a), int(b)) for a, b in chosen]

    for a, b in take(config.namesake_rate):  # same surname, given name and sex; everything else differs
        p.surname[b], p.given[b], p.sex[b], p.side[b] = p.surname[a], p.given[a], p.sex[a], p.side[a]
        p.surname2[b] = p.surname2[a]
        if abs(int(p.dob[b]) - int(p.dob[a])) < 400:
            p.dob[b] = p.dob[a] - 365 * int(rng.integers(3, 15))
        p.hard_negatives.append(HardNegative(a + 1, b + 1, "namesake"))
    for kind, rate in (("brother", config.brother_rate), ("twin", config.twin_rate)):
        for a, b in take(rate):
            p.surname[b], p.father[b], p.place[b], p.side[b], p.ptype[b] = (
                p.surname[a],
                p.father[a],
                p.place[a],
                p.side[a],
                p.ptype[a],
            )
            p.sex[a] = p.sex[b] = 0
            p.surname2[b] = p.surname2[a]
            choices = [g for g in rng.choice(male_idx, size=8, p=male_w) if g != p.given[a]]
            p.given[b] = choices[0]
            p.dob[b] = (
                p.dob[a]
                if kind == "twin"
                else p.dob[a] + (1 if rng.random() < 0.5 else -1) * 365 * int(rng.integers(2, 8))
            )
            p.hard_negatives.append(HardNegative(a + 1, b + 1, kind))
