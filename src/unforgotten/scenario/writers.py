"""Writing persons into lists the way each side's clerks would: language, forms, systems, and their slips."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from unforgotten.names import lexicon, make_patronymic
from unforgotten.scenario.model import GeneratedList, ScenarioConfig
from unforgotten.scenario.persons import PLACES, RU_PLACES, RU_RANKS, UA_RANKS, Persons
from unforgotten.scenario.surnames import SurnamePool
from unforgotten.scenario.variations import RU_SYSTEMS, UA_SYSTEMS, date_error, latin, typo

__all__ = ["Profile", "Writer"]

_HEALTH = {
    "uk": ("задовільний", "тяжке поранення", "важкохворий"),
    "ru": ("удовлетворительное", "тяжело ранен", "тяжело болен"),
}
_TYPES = ("military", "civilian", "child")


@dataclass(frozen=True)
class Profile:
    """How one side writes one kind of list."""

    typo: float
    date_error: float
    missing_patronymic: float
    transliteration: float
    full_name_only: float
    swap: float
    other_language: float  # write the person in the writer's language rather than the person's own
    service_number_known: float = 1.0

    @staticmethod
    def own(c: ScenarioConfig) -> Profile:
        return Profile(c.own_typo, c.own_date_error, c.own_missing_patronymic, c.own_transliteration,
                       c.own_full_name_only, c.own_swap, 0.0)  # fmt: skip

    @staticmethod
    def other(c: ScenarioConfig) -> Profile:
        return Profile(c.other_typo, c.other_date_error, c.other_missing_patronymic, c.other_transliteration,
                       c.other_full_name_only, c.other_swap, c.other_language_forms,
                       c.other_service_number_known)  # fmt: skip


@lru_cache(maxsize=4096)
def _given(group: int, language: str) -> str:
    entry = lexicon()[group]
    return (entry.uk if language == "uk" else entry.ru)[0]


@lru_cache(maxsize=8192)
def _patronymic(father: int, sex: int, language: str) -> str:
    return make_patronymic(
        _given(father, language), sex="M" if sex == 0 else "F", language="uk" if language == "uk" else "ru"
    )


class Writer:
    """Renders persons into list rows for one scenario (deterministic given the rng)."""

    def __init__(self, persons: Persons, pool: SurnamePool, rng: np.random.Generator) -> None:
        self.p = persons
        self.pool = pool
        self.rng = rng

    def surname(self, i: int, language: str) -> str:
        female = self.p.sex[i] == 1
        table = (
            (self.pool.uk_f if female else self.pool.uk_m)
            if language == "uk"
            else (self.pool.ru_f if female else self.pool.ru_m)
        )
        return str(table[self.p.surname[i]])

    def add(self, target: GeneratedList, i: int, *, writer_language: str, profile: Profile, record_id: str) -> None:
        """Append person ``i`` to ``target`` as written by a clerk of ``writer_language``."""
        p, rng = self.p, self.rng
        own_language = "uk" if p.side[i] == 0 else "ru"
        variations: list[str] = []
        language = own_language
        if own_language != writer_language and rng.random() < profile.other_language:
            language = writer_language
            variations.append("russian_forms" if language == "ru" else "ukrainian_forms")
        family, given = self.surname(i, language), _given(int(p.given[i]), language)
        patronymic = _patronymic(int(p.father[i]), int(p.sex[i]), language)
        if rng.random() < profile.missing_patronymic:
            patronymic = ""
            variations.append("missing_patronymic")
        if rng.random() < profile.typo:
            if rng.random() < 0.6:
                family = typo(family, rng)
            else:
                given = typo(given, rng)
            variations.append("typo")
        if rng.random() < profile.transliteration:
            systems = UA_SYSTEMS if language == "uk" else RU_SYSTEMS
            system = systems[int(rng.integers(len(systems)))]
            family, given, patronymic = latin(family, system), latin(given, system), latin(patronymic, system)
            if rng.random() < 0.5:
                family = family.upper()
            variations.append("transliteration")
        full_name = ""
        if rng.random() < profile.full_name_only:
            full_name = " ".join(part for part in (family.upper(), given, patronymic) if part)
            family = given = patronymic = ""
            variations.append("full_name_only")
        elif rng.random() < profile.swap:
            family, given = given, family
            variations.append("name_order_swap")
        dob = str(p.dob[i])
        if rng.random() < profile.date_error:
            dob = date_error(dob, rng)
            variations.append("date_error")
        side = int(p.side[i])
        columns = target.columns
        columns["record_id"].append(record_id)
        columns["family_name"].append(family)
        columns["given_name"].append(given)
        columns["patronymic"].append(patronymic)
        columns["full_name"].append(full_name)
        columns["alternate_names"].append("")
        columns["sex"].append("M" if p.sex[i] == 0 else "F")
        columns["date_of_birth"].append(dob)
        columns["place_of_birth"].append(
            PLACES[p.place[i] % len(PLACES)] if side == 0 else RU_PLACES[p.place[i] % len(RU_PLACES)]
        )
        columns["citizenship"].append("UA" if side == 0 else "RU")
        ptype = int(p.ptype[i])
        columns["person_type"].append(_TYPES[ptype])
        military = ptype == 0
        known = military and rng.random() < profile.service_number_known
        columns["rank"].append((UA_RANKS if writer_language == "uk" else RU_RANKS)[p.rank[i]] if military else "")
        columns["service_number"].append(str(p.service_number[i]) if known else "")
        columns["military_unit"].append(str(p.unit[i]) if known else "")
        columns["date_of_capture"].append(str(p.capture[i]) if ptype != 2 else "")
        columns["place_of_capture"].append("")
        columns["health_status"].append(_HEALTH[writer_language][int(p.health[i])])
        columns["medical_category"].append("")
        columns["father_name"].append("")
        columns["mother_maiden_name"].append("")
        columns["next_of_kin"].append("")
        columns["remains_ref"].append("")
        columns["notes"].append("")
        target.person_ids.append(i + 1)
        target.variations.append("|".join(variations))
