"""The linkage benchmark's input: one side's request list against the other side's custody list, with true pairs."""

from __future__ import annotations

from collections import defaultdict

from unforgotten.scenario.generator import generate
from unforgotten.scenario.model import Scenario

__all__ = ["linkage_pair", "true_pairs"]


def true_pairs(scenario: Scenario, left_id: str, right_id: str) -> set[tuple[str, str]]:
    """Every (left record id, right record id) pair that names the same person."""
    right = defaultdict(list)
    for record_id, person in zip(
        scenario.lists[right_id].columns["record_id"], scenario.lists[right_id].person_ids, strict=True
    ):
        right[person].append(record_id)
    left = scenario.lists[left_id]
    return {
        (l_id, r_id)
        for l_id, person in zip(left.columns["record_id"], left.person_ids, strict=True)
        for r_id in right.get(person, [])
    }


def linkage_pair(
    size: int, seed: int, *, left: str = "ua_request", right: str = "ru_custody"
) -> tuple[list[dict[str, str]], list[dict[str, str]], set[tuple[str, str]]]:
    """Rows of two lists of one scenario and their true cross pairs (default: UA requests vs RU custody)."""
    scenario = generate(size, seed)
    return list(scenario.lists[left].rows()), list(scenario.lists[right].rows()), true_pairs(scenario, left, right)
