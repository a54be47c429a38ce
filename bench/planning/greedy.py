"""The plan a coordinator makes by hand: urgent first, stage by stage, then cut the larger side down to parity."""

from __future__ import annotations

from unforgotten.planning import Instance
from unforgotten.planning.units import Unit, make_units

__all__ = ["greedy_plan"]


def greedy_plan(instance: Instance) -> dict[str, str]:
    """Person id -> stage id, the way a spreadsheet plan is made (pins are not handled: the bench has none).

    At each stage in turn, each side fills its buses with the most urgent persons who can travel by then (a group
    when all of it fits); on a parity stage the side that filled more then drops its least urgent until both send
    the same number. Nobody is moved to a later stage to make room, which is where the optimum gains.
    """
    units = [unit for unit in make_units(instance) if unit.first is not None]
    units.sort(key=lambda unit: (-max(member.urgency for member in unit.members), unit.first, unit.position))
    stage_of: dict[str, int] = {}
    for index, stage in enumerate(instance.stages):
        taken: dict[str, list[Unit]] = {side: [] for side in instance.parties}
        load = dict.fromkeys(instance.parties, 0)
        for unit in units:
            if unit.key in stage_of or unit.first is None or unit.first > index:
                continue
            if load[unit.side] + unit.size <= stage.capacity[unit.side]:
                taken[unit.side].append(unit)
                load[unit.side] += unit.size
        if instance.parity == "equal_per_stage" and stage.id != instance.remainder_stage:
            first, second = instance.parties
            while load[first] != load[second]:  # ends: each pass drops someone, so the loads only fall
                larger = first if load[first] > load[second] else second
                load[larger] -= taken[larger].pop().size
        for side in instance.parties:
            for unit in taken[side]:
                stage_of[unit.key] = index
    by_key = {unit.key: unit for unit in units}
    return {member.id: instance.stages[index].id for key, index in stage_of.items() for member in by_key[key].members}
