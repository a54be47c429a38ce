"""The scenario's data: configuration, generated lists (columnar, so a million persons fit in memory) and truth."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.scenario.variations import ErrorRates

__all__ = ["GeneratedList", "HardNegative", "Scenario", "ScenarioConfig"]


@dataclass(frozen=True)
class ScenarioConfig:
    """Rates that shape a scenario; the defaults give a realistic mix of every difficulty."""

    reference_date: dt.date = dt.date(2025, 6, 9)
    ua_share: float = 0.55
    civilian_rate: float = 0.06
    child_rate: float = 0.05  # of Ukrainian persons: deported children traced by Ukraine
    held_rate: float = 0.72  # of military persons: alive in the other side's custody; the rest missing or dead
    dead_rate: float = 0.12
    request_rate: float = 0.9  # of a side's own held or missing persons: asked for by name
    namesake_rate: float = 0.01
    brother_rate: float = 0.01
    twin_rate: float = 0.003
    double_surname_rate: float = 0.03  # of men (three times as many women): a double surname, Петренко-Коваль
    seriously_wounded_rate: float = 0.05
    seriously_ill_rate: float = 0.03
    # How a side writes its own people (request, tracing lists) and the other side's (custody, remains lists).
    own: ErrorRates = field(default_factory=ErrorRates.own)
    other: ErrorRates = field(default_factory=ErrorRates)
    other_language_forms: float = 0.7  # the other side's people written in the writer's language forms
    other_service_number_known: float = 0.5  # the holder often has no tag or record of the unit

    def scaled(self, kind: str, factor: float) -> ScenarioConfig:
        """This configuration with one kind of error (an :class:`ErrorRates` field) at ``factor`` × its rate."""
        return dataclasses.replace(self, own=self.own.scaled(kind, factor), other=self.other.scaled(kind, factor))


@dataclass
class GeneratedList:
    """One list as a side would submit it: canonical columns, plus each row's true person and variations."""

    list_id: str  # e.g. "ua_request"
    party: str
    kind: str
    columns: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CANONICAL_COLUMNS})
    person_ids: list[int] = field(default_factory=list)
    variations: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.person_ids)

    def rows(self) -> Iterator[dict[str, str]]:
        """Rows as dicts in the canonical columns (built on demand)."""
        names = list(self.columns)
        for values in zip(*(self.columns[c] for c in names), strict=True):
            yield dict(zip(names, values, strict=True))


@dataclass(frozen=True)
class HardNegative:
    """Two different persons that look alike: ``namesake``, ``brother`` or ``twin``."""

    person_a: int
    person_b: int
    kind: str


@dataclass
class Scenario:
    config: ScenarioConfig
    size: int
    seed: int
    lists: dict[str, GeneratedList]
    hard_negatives: list[HardNegative]
    agreement: dict[str, Any]

    def truth(self) -> Iterator[tuple[str, str, int, str]]:
        """(list_id, record_id, person_id, variations) for every entry of every list."""
        for generated in self.lists.values():
            yield from zip(
                [generated.list_id] * len(generated),
                generated.columns["record_id"],
                generated.person_ids,
                generated.variations,
                strict=True,
            )
