"""Realistic planning instances: two sides of unequal size, tight and uneven capacities, brothers, late clearance.

What makes them realistic (and hard for a greedy plan):
- the sides hold unequal numbers (45 / 55 %), so parity, not capacity, binds the larger side, and the all-for-all
  tail goes to a *remainder stage* (the last one) exempt from parity;
- capacities are tight — together the parity stages carry about 85 % of the smaller side — and uneven: on about
  one stage in five one side's buses are cut to 30–60 % (a *one-sided cut*), which parity passes on to the other;
- urgency 3 (seriously wounded) for 10 %, 2 (seriously ill) for 25 %, 1 for the rest;
- a quarter of the persons are cleared to travel only from some later stage (medical clearance, transport from a
  distant camp), 3 % only after the last stage;
- about 6 % travel in groups of 2–3 (brothers), held by the same side, each with their own clearance date;
- 1 % are excluded (declined at the interview).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

__all__ = ["CATEGORIES", "generate_instance"]

CATEGORIES = {3: "seriously_wounded", 2: "seriously_ill", 1: "aged_18_25"}
_FIRST_STAGE = date(2025, 6, 9)


def generate_instance(persons: int, stages: int, *, seed: int = 1) -> dict[str, Any]:
    """An instance as the JSON document ``unforgotten plan solve`` reads (deterministic for a seed)."""
    rng = random.Random(seed * 1_000_003 + persons * 101 + stages)
    sides = ("UA", "RU")
    dates = [_FIRST_STAGE + timedelta(days=7 * index) for index in range(stages)]
    held = {"UA": round(persons * 0.45), "RU": persons - round(persons * 0.45)}
    per_stage = held["UA"] * 0.85 / max(1, stages - 1)
    stage_rows = []
    for index, day in enumerate(dates):
        capacity = {side: max(1, round(per_stage * rng.uniform(0.8, 1.2))) for side in sides}
        if index == stages - 1:  # the remainder stage: the all-for-all tail, larger buses for both
            capacity = {side: round(persons * 0.08) for side in sides}
        elif rng.random() < 0.2:  # a one-sided cut
            cut = rng.choice(sides)
            capacity[cut] = max(0, round(capacity[cut] * rng.uniform(0.3, 0.6)))
        stage_rows.append({"id": f"S{index + 1}", "date": day.isoformat(), "capacity": capacity})
    person_rows: list[dict[str, Any]] = []
    number = 0
    for side in sides:
        remaining = held[side]
        while remaining:
            size = 1
            if rng.random() < 0.025:  # about 6 % of persons end up in groups of 2 or 3
                size = min(remaining, rng.choice((2, 2, 3)))
            group = f"G{number + 1}" if size > 1 else None
            for _ in range(size):
                number += 1
                urgency = rng.choices((3, 2, 1), weights=(10, 25, 65))[0]
                person_rows.append(
                    {
                        "id": f"P{number}",
                        "held_by": side,
                        "category": CATEGORIES[urgency],
                        "urgency": urgency,
                        "earliest": _earliest(rng, dates).isoformat(),
                        "group": group,
                    }
                )
            remaining -= size
    rng.shuffle(person_rows)  # lists arrive in no particular order; the plan must not depend on ids' order
    exclusions = sorted(row["id"] for row in person_rows if rng.random() < 0.01)
    return {
        "comment": f"bench.planning: {persons} persons, {stages} stages, seed {seed}",
        "parties": list(sides),
        "parity": {"mode": "equal_per_stage"},
        "remainder_stage": stage_rows[-1]["id"],
        "stages": stage_rows,
        "persons": person_rows,
        "exclusions": exclusions,
    }


def _earliest(rng: random.Random, dates: list[date]) -> date:
    draw = rng.random()
    if draw < 0.72:
        return _FIRST_STAGE - timedelta(days=rng.randint(0, 60))
    if draw < 0.97:  # cleared later: any day up to the last stage (equal to a stage's date is allowed)
        return _FIRST_STAGE + timedelta(days=rng.randint(1, 7 * (len(dates) - 1)))
    return dates[-1] + timedelta(days=rng.randint(1, 30))
