"""Assemble a scenario: who stands on which side's list, written how, with the truth kept beside."""

from __future__ import annotations

import numpy as np

from unforgotten.errors import Text
from unforgotten.scenario.model import GeneratedList, Scenario, ScenarioConfig
from unforgotten.scenario.persons import Persons, draw_persons
from unforgotten.scenario.surnames import surname_pool
from unforgotten.scenario.writers import Profile, Writer

__all__ = ["LIST_IDS", "generate"]

LIST_IDS = (
    ("ua_custody", "UA", "custody"),
    ("ua_request", "UA", "request"),
    ("ua_tracing", "UA", "tracing"),
    ("ua_remains", "UA", "remains"),
    ("ru_custody", "RU", "custody"),
    ("ru_request", "RU", "request"),
    ("ru_remains", "RU", "remains"),
)
_CODE = {"custody": "CUS", "request": "REQ", "tracing": "TRC", "remains": "RMN"}


def _membership(p: Persons, rng: np.random.Generator, config: ScenarioConfig) -> dict[str, np.ndarray]:
    """Which persons stand on which list (indexes, in the order a clerk would have them: shuffled)."""
    n = len(p)
    ua, ru = p.side == 0, p.side == 1
    held, missing, dead = p.fate == 0, p.fate == 1, p.fate == 2
    adult = p.ptype != 2
    asked = rng.random(n) < config.request_rate
    asked_dead = rng.random(n) < 0.4  # families still ask for some who died, not knowing
    members = {
        "ua_custody": ru & held,
        "ru_custody": ua & held,  # Ukrainian prisoners and located Ukrainian children in Russian hands
        "ua_remains": ru & dead,
        "ru_remains": ua & dead,
        "ua_request": ua & adult & (((held | missing) & asked) | (dead & asked_dead)),
        "ru_request": ru & adult & (((held | missing) & asked) | (dead & asked_dead)),
        "ua_tracing": ua & ~adult,
    }
    out = {}
    for list_id, mask in members.items():
        indexes = np.flatnonzero(mask)
        rate = (config.own if list_id.endswith(("request", "tracing")) else config.other).duplicate
        duplicates = indexes[rng.random(len(indexes)) < rate]
        out[list_id] = rng.permutation(np.concatenate([indexes, duplicates]))
    return out


def generate(size: int, seed: int, config: ScenarioConfig | None = None) -> Scenario:
    """Generate a scenario of ``size`` persons (100 to 1,000,000), the same for the same seed.

    Args:
        size: number of true persons.
        seed: random seed.
        config: rates; the defaults give a realistic mix of every difficulty.

    Returns:
        The scenario: seven lists in the canonical columns, the truth, the hard negatives and the agreement.

    Examples:
        >>> s = generate(200, seed=7)
        >>> sorted(s.lists)[:2], sum(len(g) for g in s.lists.values()) > 200
        (['ru_custody', 'ru_remains'], True)
    """
    if not 100 <= size <= 1_000_000:
        from unforgotten.errors import InputError

        raise InputError(Text("scenario size must be between 100 and 1,000,000 persons"), value=size)
    config = config or ScenarioConfig()
    persons = draw_persons(size, seed, config)
    rng = np.random.default_rng([seed, 1])
    writer = Writer(persons, surname_pool(seed), rng)
    membership = _membership(persons, rng, config)
    lists: dict[str, GeneratedList] = {}
    for list_id, party, kind in LIST_IDS:
        generated = GeneratedList(list_id=list_id, party=party, kind=kind)
        language = "uk" if party == "UA" else "ru"
        own_people = kind in ("request", "tracing")
        profile = Profile.own(config) if own_people else Profile.other(config)
        seen: set[int] = set()
        for number, index in enumerate(membership[list_id], start=1):
            i = int(index)
            writer.add(
                generated, i, writer_language=language, profile=profile, record_id=f"{party}-{_CODE[kind]}-{number:07d}"
            )
            if i in seen:
                generated.variations[-1] = "|".join(filter(None, [generated.variations[-1], "duplicate"]))
            seen.add(i)
            if kind == "remains":
                generated.columns["remains_ref"][-1] = f"{party}-B-{number:06d}"
        lists[list_id] = generated
    return Scenario(
        config=config,
        size=size,
        seed=seed,
        lists=lists,
        hard_negatives=persons.hard_negatives,
        agreement=_agreement(config, lists),
    )


def _agreement(config: ScenarioConfig, lists: dict[str, GeneratedList]) -> dict[str, object]:
    remains = min(len(lists["ua_remains"]), len(lists["ru_remains"]))
    return {
        "title": "Exchange of the seriously wounded, the seriously ill, the young, and of remains (synthetic)",
        "signed_on": "2025-06-02",
        "reference_date": config.reference_date.isoformat(),
        "parties": {"sides": ["UA", "RU"], "mediator": "ICRC"},
        "categories": [
            {"name": "seriously wounded", "format": "all_for_all",
             "rule": {"all": [{"list_kind": ["custody"]}, {"health_status": ["seriously_wounded"]}]}},
            {"name": "seriously ill", "format": "all_for_all",
             "rule": {"all": [{"list_kind": ["custody"]}, {"health_status": ["seriously_ill"]}]}},
            {"name": "aged 18-25", "format": "all_for_all",
             "rule": {"all": [{"list_kind": ["custody"]}, {"person_type": ["military"]},
                              {"age": {"min": 18, "max": 25}}]}},
            {"name": "remains", "format": "n_for_n", "quota": min(6000, remains), "rule": {"remains": True}},
        ],
    }  # fmt: skip
