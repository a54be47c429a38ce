"""Independent yardsticks for the planner: a constraint checker and a brute-force lexicographic optimum.

Written from the issue's definitions, not from the engine's code, so that agreement between the two means
something: the checker reads only the instance and the plan's assignments; the brute force tries every way to send
every unit (person, or group without its excluded members) to a stage it can reach, or not at all.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from unforgotten.planning import Instance

BASE = date(2025, 6, 9)


def violations(instance: Instance, assignments: Mapping[str, str]) -> list[str]:
    """Every constraint the assignments break, in words; empty when the plan is valid."""
    found: list[str] = []
    stages = {stage.id: (index, stage) for index, stage in enumerate(instance.stages)}
    persons = {person.id: person for person in instance.persons}
    load: dict[tuple[str, str], int] = defaultdict(int)
    for person_id, stage_id in assignments.items():
        person = persons.get(person_id)
        if person is None or stage_id not in stages:
            found.append(f"unknown {person_id} or {stage_id}")
            continue
        if person_id in instance.exclusions:
            found.append(f"excluded {person_id} assigned")
        if stages[stage_id][1].date < person.earliest:
            found.append(f"{person_id} before earliest")
        load[(stage_id, person.held_by)] += 1
    for person_id, stage_id in instance.pins.items():
        if assignments.get(person_id) != stage_id:
            found.append(f"pin {person_id}->{stage_id} not held")
    groups: dict[str, set[str | None]] = defaultdict(set)
    for person in instance.persons:
        if person.group is not None and person.id not in instance.exclusions:
            groups[person.group].add(assignments.get(person.id))
    found += [f"group {group} split: {where}" for group, where in groups.items() if len(where) > 1]
    a, b = instance.parties
    for stage in instance.stages:
        for side in (a, b):
            if load[(stage.id, side)] > stage.capacity[side]:
                found.append(f"{stage.id} over capacity for {side}")
        parity = instance.parity == "equal_per_stage" and stage.id != instance.remainder_stage
        if parity and load[(stage.id, a)] != load[(stage.id, b)]:
            found.append(f"{stage.id} parity {load[(stage.id, a)]} vs {load[(stage.id, b)]}")
    return found


def objective(instance: Instance, assignments: Mapping[str, str]) -> tuple[int, int, int]:
    """(persons assigned, Σ urgency × stage index with K+1 for the unassigned, stages used)."""
    index = {stage.id: number + 1 for number, stage in enumerate(instance.stages)}
    left_out = len(instance.stages) + 1
    cost = sum(p.urgency * (index[assignments[p.id]] if p.id in assignments else left_out) for p in instance.persons)
    return len(assignments), cost, len(set(assignments.values()))


def brute_force(instance: Instance) -> tuple[int, int, int] | None:
    """The lexicographic optimum by trying everything; None when no plan satisfies the pins."""
    units: dict[str, list[str]] = defaultdict(list)
    persons = {person.id: person for person in instance.persons}
    for person in instance.persons:
        if person.id not in instance.exclusions:
            units[person.group or "\0" + person.id].append(person.id)
    options: list[list[str | None]] = []
    for members in units.values():
        earliest = max(persons[m].earliest for m in members)
        pins = {instance.pins[m] for m in members if m in instance.pins}
        reachable = [s.id for s in instance.stages if s.date >= earliest]
        if pins:
            options.append([s for s in reachable if s in pins] if len(pins) == 1 else [])
        else:
            options.append([None, *reachable])
    best: tuple[int, int, int] | None = None
    groups = list(units.values())
    for choice in itertools.product(*options):
        assignments = {m: stage for members, stage in zip(groups, choice, strict=True) if stage for m in members}
        if violations(instance, assignments):
            continue
        assigned, cost, used = objective(instance, assignments)
        key = (-assigned, cost, used)
        if best is None or key < (-best[0], best[1], best[2]):
            best = (assigned, cost, used)
    return best


@st.composite
def tiny_instances(draw: st.DrawFn, *, pins: bool = False) -> dict[str, Any]:
    """A small instance as JSON: up to 3 stages, 7 persons, groups, late availability, exclusions, pins."""
    count = draw(st.integers(1, 3))
    day, stages = BASE, []
    for number in range(count):
        day += timedelta(days=draw(st.integers(1, 3)))
        capacity = {"A": draw(st.integers(0, 3)), "B": draw(st.integers(0, 3))}
        stages.append({"id": f"S{number + 1}", "date": day.isoformat(), "capacity": capacity})
    group_sides = {"G1": draw(st.sampled_from("AB")), "G2": draw(st.sampled_from("AB"))}
    persons = []
    for number in range(draw(st.integers(0, 7))):
        group = draw(st.sampled_from([None, None, None, "G1", "G2"]))
        persons.append(
            {
                "id": f"P{number + 1}",
                "held_by": group_sides[group] if group else draw(st.sampled_from("AB")),
                "urgency": draw(st.integers(1, 3)),
                "earliest": (BASE + timedelta(days=draw(st.integers(0, 3 * count + 1)))).isoformat(),
                "group": group,
            }
        )
    ids = [p["id"] for p in persons]
    data: dict[str, Any] = {
        "parties": ["A", "B"],
        "parity": {"mode": draw(st.sampled_from(["equal_per_stage", "equal_per_stage", "none"]))},
        "remainder_stage": draw(st.sampled_from([None, None, *[s["id"] for s in stages]])),
        "stages": stages,
        "persons": persons,
        "exclusions": draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)) if ids else [],
    }
    if pins and ids:
        pinned = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
        data["pins"] = {p: draw(st.sampled_from([s["id"] for s in stages])) for p in pinned}
    return data
