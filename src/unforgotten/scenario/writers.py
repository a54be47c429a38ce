"""Writing persons into lists the way each side's clerks would: language, forms, systems, and their slips."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from unforgotten.names import lexicon, make_patronymic
from unforgotten.scenario.model import GeneratedList, ScenarioConfig
from unforgotten.scenario.persons import RU_RANKS, UA_RANKS, Persons
from unforgotten.scenario.places import place_text, unit_text
from unforgotten.scenario.surnames import SurnamePool
from unforgotten.scenario.variations import (
    RU_SYSTEMS,
    UA_SYSTEMS,
    ErrorRates,
    date_error,
    keyboard_typo,
    latin,
    ocr_typo,
    placeholder_date,
    translit_habit,
    typo,
)

__all__ = ["Profile", "Writer"]

_HEALTH = {
    "uk": ("задовільний", "тяжке поранення", "важкохворий"),
    "ru": ("удовлетворительное", "тяжело ранен", "тяжело болен"),
}
_TYPES = ("military", "civilian", "child")
_MOTHER_KNOWN = 0.3  # share of rows that carry the mother's maiden name (a capture card, a family's request)


@dataclass(frozen=True)
class Profile:
    """How one side writes one kind of list: its error rates and whose language forms it uses."""

    rates: ErrorRates
    other_language: float  # write the person in the writer's language rather than the person's own
    service_number_known: float = 1.0

    @staticmethod
    def own(c: ScenarioConfig) -> Profile:
        return Profile(c.own, 0.0)

    @staticmethod
    def other(c: ScenarioConfig) -> Profile:
        return Profile(c.other, c.other_language_forms, c.other_service_number_known)


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

    def surname(self, i: int, language: str, *, index: int | None = None, female: bool | None = None) -> str:
        female = bool(self.p.sex[i] == 1) if female is None else female
        table = (
            (self.pool.uk_f if female else self.pool.uk_m)
            if language == "uk"
            else (self.pool.ru_f if female else self.pool.ru_m)
        )
        return str(table[self.p.surname[i] if index is None else index])

    def _mother(self, i: int, language: str) -> str:
        """The mother's maiden name (GC III Art. 17), known to a side that holds the capture card."""
        maiden = (int(self.p.surname[i]) * 7919 + int(self.p.father[i])) % len(self.pool.uk_f)
        return str((self.pool.uk_f if language == "uk" else self.pool.ru_f)[maiden])

    def _names(self, i: int, language: str, r: ErrorRates, variations: list[str]) -> tuple[str, str, str, str]:
        """Family, given, patronymic and full name of person ``i`` as one clerk writes them."""
        p, rng = self.p, self.rng
        family, given = self.surname(i, language), _given(int(p.given[i]), language)
        if p.sex[i] == 1 and rng.random() < r.female_form:
            family = self.surname(i, language, female=False)
            variations.append("female_form")
        if p.surname2[i] >= 0:
            second = self.surname(i, language, index=int(p.surname2[i]), female=bool(p.sex[i] == 1))
            if rng.random() < r.double_surname_part:
                family = family if rng.random() < 0.5 else second
                variations.append("double_surname_part")
            else:
                family = f"{family}-{second}"
        patronymic = _patronymic(int(p.father[i]), int(p.sex[i]), language)
        if rng.random() < r.missing_patronymic:
            patronymic = ""
            variations.append("missing_patronymic")
        if rng.random() < r.translit_habit:
            family, given, patronymic = translit_habit((family, given, patronymic), language, rng)
            variations.append("translit_habit")
        elif rng.random() < r.transliteration:
            systems = UA_SYSTEMS if language == "uk" else RU_SYSTEMS
            system = systems[int(rng.integers(len(systems)))]
            family, given, patronymic = latin(family, system), latin(given, system), latin(patronymic, system)
            if rng.random() < 0.5:
                family = family.upper()
            variations.append("transliteration")
        names = [family, given, patronymic]
        for kind, slip in (("typo", typo), ("keyboard_typo", keyboard_typo), ("ocr_typo", ocr_typo)):
            if rng.random() < getattr(r, kind):
                u = rng.random()
                field = 0 if u < 0.5 else 1 if u < 0.8 or not names[2] else 2
                names[field] = slip(names[field], rng)
                variations.append(kind)
        family, given, patronymic = names
        full_name = ""
        if rng.random() < r.full_name_only:
            full_name = " ".join(part for part in (family.upper(), given, patronymic) if part)
            family = given = patronymic = ""
            variations.append("full_name_only")
        elif rng.random() < r.name_order_swap:
            family, given = given, family
            variations.append("name_order_swap")
        elif rng.random() < r.name_order_shift:
            # Given name, patronymic, family name — in one cell, or split into the columns in that order.
            if rng.random() < 0.5:
                full_name = " ".join(part for part in (given, patronymic, family) if part)
                family = given = patronymic = ""
            else:
                family, given, patronymic = given, patronymic, family
            variations.append("name_order_shift")
        return family, given, patronymic, full_name

    def _dob(self, i: int, r: ErrorRates, variations: list[str]) -> str:
        rng = self.rng
        dob = str(self.p.dob[i])
        u = rng.random()
        if u < r.missing_dob:
            variations.append("missing_dob")
            return ""
        if u < r.missing_dob + r.placeholder_dob:
            variations.append("placeholder_dob")
            return placeholder_date(dob, rng)
        if rng.random() < r.date_error:
            variations.append("date_error")
            return date_error(dob, rng)
        return dob

    def add(self, target: GeneratedList, i: int, *, writer_language: str, profile: Profile, record_id: str) -> None:
        """Append person ``i`` to ``target`` as written by a clerk of ``writer_language``."""
        p, rng, r = self.p, self.rng, profile.rates
        own_language = "uk" if p.side[i] == 0 else "ru"
        variations: list[str] = []
        language = own_language
        if own_language != writer_language and rng.random() < profile.other_language:
            language = writer_language
            variations.append("russian_forms" if language == "ru" else "ukrainian_forms")
        family, given, patronymic, full_name = self._names(i, language, r, variations)
        dob = self._dob(i, r, variations)
        side = int(p.side[i])
        place_variant = rng.random() < r.place_variant
        if place_variant:
            variations.append("place_variant")
        columns = target.columns
        columns["record_id"].append(record_id)
        columns["family_name"].append(family)
        columns["given_name"].append(given)
        columns["patronymic"].append(patronymic)
        columns["full_name"].append(full_name)
        columns["alternate_names"].append("")
        columns["sex"].append("M" if p.sex[i] == 0 else "F")
        columns["date_of_birth"].append(dob)
        columns["place_of_birth"].append(place_text(int(p.place[i]), side, writer_language, place_variant, rng))
        columns["citizenship"].append("UA" if side == 0 else "RU")
        ptype = int(p.ptype[i])
        columns["person_type"].append(_TYPES[ptype])
        military = ptype == 0
        known = military and rng.random() < profile.service_number_known
        unit_variant = known and rng.random() < r.unit_variant
        if unit_variant:
            variations.append("unit_variant")
        columns["rank"].append((UA_RANKS if writer_language == "uk" else RU_RANKS)[p.rank[i]] if military else "")
        columns["service_number"].append(str(p.service_number[i]) if known else "")
        columns["military_unit"].append(unit_text(str(p.unit[i]), side, unit_variant) if known else "")
        columns["date_of_capture"].append(str(p.capture[i]) if ptype != 2 else "")
        columns["place_of_capture"].append("")
        columns["health_status"].append(_HEALTH[writer_language][int(p.health[i])])
        columns["medical_category"].append("")
        columns["father_name"].append("")
        columns["mother_maiden_name"].append(self._mother(i, writer_language) if rng.random() < _MOTHER_KNOWN else "")
        columns["next_of_kin"].append("")
        columns["remains_ref"].append("")
        columns["notes"].append("")
        target.person_ids.append(i + 1)
        target.variations.append("|".join(variations))
