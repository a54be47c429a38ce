"""Reasons in words: why a person is left out of a plan, and why a set of pins cannot hold.

The reasons are read off the final plan, stage by stage. At the proven optimum of level 1 nobody can be added to
any stage they can reach, so for every such stage something blocks them: their own side's places are taken, or —
parity — the other side cannot send as many more (its places are taken, or nobody it holds is left who can travel
by then, or those left come in groups that do not add up). The reason names those blockers and the stages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from unforgotten.errors import Text
from unforgotten.planning.model import Instance
from unforgotten.planning.units import Unit

__all__ = ["pin_conflicts", "stage_span", "unassigned_reasons"]

Loads = Mapping[str, Sequence[int]]  # side -> persons released per stage


def stage_span(instance: Instance, indexes: Sequence[int]) -> str:
    """``S3–S5, S8``: stage ids of 0-based indexes, runs of consecutive stages shortened."""
    runs: list[list[int]] = []
    for index in sorted(indexes):
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    ids = [stage.id for stage in instance.stages]
    return ", ".join(ids[run[0]] if len(run) == 1 else f"{ids[run[0]]}–{ids[run[-1]]}" for run in runs)


def _other(instance: Instance, side: str) -> str:
    return instance.parties[1] if side == instance.parties[0] else instance.parties[0]


def _has_parity(instance: Instance, index: int) -> bool:
    return instance.parity == "equal_per_stage" and instance.stages[index].id != instance.remainder_stage


def unassigned_reasons(
    instance: Instance, units: Sequence[Unit], stage_of: Mapping[str, int], loads: Loads
) -> dict[str, str]:
    """A reason in words for every person of the instance who is not in the plan, in the instance's order.

    Args:
        instance: the instance planned.
        units: its units (``make_units``).
        stage_of: unit key -> 0-based stage index, for the units in the plan.
        loads: persons released per side and stage in the plan.
    """
    reasons: dict[str, str] = {}
    # How many persons are still free on each side who can travel by each stage: the partners parity could use.
    # (A running total, so a plan leaving 20,000 out is explained in a blink rather than in 30 s.)
    free_by: dict[str, list[int]] = {side: [0] * len(instance.stages) for side in instance.parties}
    singles_by: dict[str, list[int]] = {side: [0] * len(instance.stages) for side in instance.parties}
    for unit in units:
        if unit.key not in stage_of and unit.first is not None:
            free_by[unit.side][unit.first] += unit.size
            singles_by[unit.side][unit.first] += unit.size == 1
    for counts in (*free_by.values(), *singles_by.values()):
        for index in range(1, len(counts)):
            counts[index] += counts[index - 1]
    for unit in units:
        if unit.key in stage_of:
            continue
        reason = _reason(instance, unit, loads, free_by, singles_by)
        for member in unit.members:
            reasons[member.id] = reason
    for person in instance.persons:
        if person.id in instance.exclusions:
            reasons[person.id] = "excluded by the mediator"
    return {person.id: reasons[person.id] for person in instance.persons if person.id in reasons}


def _reason(
    instance: Instance, unit: Unit, loads: Loads, free_by: Mapping[str, list[int]], singles_by: Mapping[str, list[int]]
) -> str:
    whom = f"their group {unit.describe()}" if unit.is_group else "they"
    if unit.first is None:
        if not instance.stages:
            return "there is no stage in the plan"
        last = instance.stages[-1]
        latest = max(unit.members, key=lambda member: member.earliest)
        by = f" ({latest.id})" if unit.is_group else ""
        return (
            f"available only after the last stage: {whom} can travel from {latest.earliest.isoformat()}{by}, "
            f"the last stage {last.id} is on {last.date.isoformat()}"
        )
    side, other, size = unit.side, _other(instance, unit.side), unit.size
    own_full: list[int] = []
    partner_full: list[int] = []
    partner_none: list[int] = []
    partner_split: list[int] = []
    for index in range(unit.first, len(instance.stages)):
        if instance.stages[index].capacity[side] - loads[side][index] < size:
            own_full.append(index)
        elif _has_parity(instance, index):
            room = instance.stages[index].capacity[other] - loads[other][index]
            if room < size:
                partner_full.append(index)
            elif free_by[other][index] < size:
                partner_none.append(index)
            elif singles_by[other][index] < size:
                partner_split.append(index)
            else:  # room and partners: only when level 1 stopped at its time limit, unproven
                return f"not placed before the time limit, although {stage_span(instance, [index])} has room"
        else:  # room and no parity to keep: the same
            return f"not placed before the time limit, although {stage_span(instance, [index])} has room"
    reachable = f"any stage {whom} can reach ({stage_span(instance, range(unit.first, len(instance.stages)))})"
    parts: list[str] = []
    if own_full:
        parts.append(f"{side}'s places are taken at {stage_span(instance, own_full)}")
    if partner_full:
        parts.append(f"{other}'s places are taken at {stage_span(instance, partner_full)}")
    if partner_none:
        parts.append(f"{other} has no one left who can travel by {stage_span(instance, partner_none)}")
    if partner_split:
        parts.append(
            f"those {other} still holds who can travel by {stage_span(instance, partner_split)} come in groups "
            f"that do not make up {size}"
        )
    detail = "; ".join(parts)
    if size > 1 and _fits_one(instance, unit, loads):
        return f"their group does not fit: {unit.describe()} needs {size} places together at {reachable}; {detail}"
    if not own_full:
        return f"no partner for parity at {reachable}: {detail}"
    if not (partner_full or partner_none or partner_split):
        return f"capacity: {detail}"
    return f"capacity and parity: no place at {reachable}: {detail}"


def _fits_one(instance: Instance, unit: Unit, loads: Loads) -> bool:
    """Whether one person alone would have found room on both sides somewhere the group could not."""
    assert unit.first is not None
    other = _other(instance, unit.side)
    for index in range(unit.first, len(instance.stages)):
        stage = instance.stages[index]
        own = stage.capacity[unit.side] - loads[unit.side][index]
        partner = stage.capacity[other] - loads[other][index] if _has_parity(instance, index) else unit.size
        if own >= 1 and partner >= 1:
            return True
    return False


def pin_conflicts(instance: Instance, units: Sequence[Unit]) -> list[str]:
    """Pins that cannot hold, each in words naming the person and the constraint; empty when none is evident.

    These are the direct conflicts (a pin before the person can travel, a group pinned apart, pins over a
    side's capacity or beyond what parity can match at one stage). Combinations that fail only together are found
    by the solver (``solver._pins_that_fail_together``).
    """
    stages = instance.stages
    conflicts = [
        f"{person_id} is pinned to {stage_id} but also excluded"
        for person_id, stage_id in instance.pins.items()
        if person_id in instance.exclusions
    ]
    stage_index = {stage.id: index for index, stage in enumerate(stages)}
    pinned: dict[tuple[str, int], list[Unit]] = defaultdict(list)
    for unit in units:
        pins = {(m.id, instance.pins[m.id]) for m in unit.members if m.id in instance.pins}
        if len({stage for _, stage in pins}) > 1:
            named = ", ".join(f"{person} to {stage}" for person, stage in sorted(pins))
            conflicts.append(
                Text("{group} travels together but is pinned apart: {named}", group=unit.describe(), named=named)
            )
            continue
        if unit.pin is None:
            continue
        person_id, stage_id = min(pins)
        stage = stages[unit.pin]
        if unit.first is None or unit.first > unit.pin:
            latest = max(unit.members, key=lambda member: member.earliest)
            who = f"{person_id}" if not unit.is_group else f"{person_id} (with {unit.describe()})"
            conflicts.append(
                Text(
                    "{who} is pinned to {stage_id} on {date} but {latest_id} cannot travel before {earliest}",
                    who=who,
                    stage_id=stage_id,
                    date=stage.date.isoformat(),
                    latest_id=latest.id,
                    earliest=latest.earliest.isoformat(),
                )
            )
            continue
        pinned[(unit.side, stage_index[stage_id])].append(unit)
    for (side, index), group in sorted(pinned.items()):
        count = sum(unit.size for unit in group)
        names = ", ".join(unit.describe() for unit in group)
        stage = stages[index]
        if count > stage.capacity[side]:
            conflicts.append(
                Text(
                    "pins put {count} persons held by {side} on {stage_id} ({names}), but {side} releases at most "
                    "{capacity} there",
                    count=count,
                    side=side,
                    stage_id=stage.id,
                    names=names,
                    capacity=stage.capacity[side],
                )
            )
            continue
        if not _has_parity(instance, index):
            continue
        other = _other(instance, side)
        if count > stage.capacity[other]:
            conflicts.append(
                Text(
                    "pins put {count} persons held by {side} on {stage_id} ({names}); parity needs as many from "
                    "{other}, but {other} releases at most {capacity} there",
                    count=count,
                    side=side,
                    stage_id=stage.id,
                    names=names,
                    other=other,
                    capacity=stage.capacity[other],
                )
            )
            continue
        available = sum(
            unit.size
            for unit in units
            if unit.side == other and unit.first is not None and unit.first <= index and unit.pin in (None, index)
        )
        if count > available:
            conflicts.append(
                Text(
                    "pins put {count} persons held by {side} on {stage_id} ({names}); parity needs as many from "
                    "{other}, but only {available} persons held by {other} can travel by then and are not pinned "
                    "elsewhere",
                    count=count,
                    side=side,
                    stage_id=stage.id,
                    names=names,
                    other=other,
                    available=available,
                )
            )
    return conflicts
