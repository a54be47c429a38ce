"""Writing a scenario to disk: one canonical UTF-8 CSV per list, the truth, the hard negatives, the agreement."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.scenario.model import Scenario

__all__ = ["write_scenario"]


def write_scenario(scenario: Scenario, directory: Path) -> dict[str, Path]:
    """Write every file of ``scenario`` into ``directory``; return their paths by name.

    Names: each list id (``ua_request`` …), ``truth``, ``hard_negatives`` and ``agreement``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for list_id, generated in scenario.lists.items():
        path = directory / f"{list_id}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CANONICAL_COLUMNS)
            writer.writerows(zip(*(generated.columns[c] for c in CANONICAL_COLUMNS), strict=True))
        paths[list_id] = path
    truth = directory / "truth.csv"
    with truth.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["list_id", "record_id", "person_id", "variations"])
        writer.writerows(scenario.truth())
    paths["truth"] = truth
    negatives = directory / "hard_negatives.csv"
    with negatives.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_a", "person_b", "kind"])
        writer.writerows((n.person_a, n.person_b, n.kind) for n in scenario.hard_negatives)
    paths["hard_negatives"] = negatives
    agreement = directory / "agreement.yaml"
    agreement.write_text(yaml.safe_dump(scenario.agreement, allow_unicode=True, sort_keys=False), encoding="utf-8")
    paths["agreement"] = agreement
    return paths
