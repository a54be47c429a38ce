"""The synthetic scenario generator: two sides, a mediator, an agreement and every kind of list, with the truth.

Product code, used by ``unforgotten demo``, the tests and the benchmarks. Deterministic by seed; only synthetic
names built from frequency tables, never real persons.
"""

from __future__ import annotations

from unforgotten.scenario.generator import LIST_IDS, generate
from unforgotten.scenario.model import GeneratedList, HardNegative, Scenario, ScenarioConfig
from unforgotten.scenario.output import write_scenario
from unforgotten.scenario.pairs import linkage_pair
from unforgotten.scenario.variations import VARIATION_KINDS

__all__ = [
    "LIST_IDS",
    "VARIATION_KINDS",
    "GeneratedList",
    "HardNegative",
    "Scenario",
    "ScenarioConfig",
    "generate",
    "linkage_pair",
    "write_scenario",
]
