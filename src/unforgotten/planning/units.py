"""Units and pools: the shapes the solver works on instead of single persons.

A *unit* is what travels as one: a person, or a group (brothers) with all its members who are not excluded. A
*pool* is a set of interchangeable units — same releasing side, same size, same total urgency, same first stage
they can reach — which the solver models as one integer per stage ("how many of this pool travel at stage s")
instead of one yes/no per person and stage. That is what makes 20,000 persons × 30 stages small: a few hundred
pools, not 600,000 booleans. A pinned unit is never pooled: it is fixed to its stage.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass

from unforgotten.planning.model import Instance, Person

__all__ = ["PoolKey", "Unit", "make_units", "pool_units"]

PoolKey = tuple[str, int, int, int]  # side, size, total urgency, first stage (0-based)


@dataclass(frozen=True, slots=True)
class Unit:
    """One person, or one group travelling together.

    Attributes:
        key: the group id, or the person id for a person without a group.
        members: the persons who travel, in the order of the instance.
        side: the side releasing them.
        first: 0-based index of the first stage they can reach (the first on or after every member's earliest
            date), or None when they can travel only after the last stage.
        pin: 0-based index of the stage a member is pinned to, or None.
        position: where the unit's first member stands in the instance; it orders units deterministically.
    """

    key: str
    members: tuple[Person, ...]
    side: str
    first: int | None
    pin: int | None
    position: int

    @property
    def size(self) -> int:
        """How many persons travel."""
        return len(self.members)

    @property
    def urgency(self) -> int:
        """The sum of the members' urgencies: the unit's weight per stage of delay."""
        return sum(member.urgency for member in self.members)

    @property
    def is_group(self) -> bool:
        """True for a group id (even if exclusions left one member)."""
        return self.members[0].group is not None

    def describe(self) -> str:
        """``group G (P1, P2)`` or ``P1``: how a reason names the unit."""
        if not self.is_group:
            return self.members[0].id
        return f"group {self.key} ({', '.join(member.id for member in self.members)})"


def make_units(instance: Instance) -> list[Unit]:
    """Split the instance's persons who are not excluded into units, in the order of the instance.

    An excluded member leaves their group; the others still travel together. Pins are read per member; when the
    members of one group are pinned to different stages the unit keeps the first member's pin and the solver
    reports the conflict (see ``reasons.pin_conflicts``).
    """
    stage_index = {stage.id: index for index, stage in enumerate(instance.stages)}
    dates = [stage.date for stage in instance.stages]
    grouped: dict[str, list[tuple[int, Person]]] = defaultdict(list)
    for position, person in enumerate(instance.persons):
        if person.id in instance.exclusions:
            continue
        grouped[person.group if person.group is not None else f"\0{person.id}"].append((position, person))
    units: list[Unit] = []
    for key, entries in grouped.items():
        members = tuple(person for _, person in entries)
        earliest = max(person.earliest for person in members)
        first = bisect.bisect_left(dates, earliest)  # equal dates are allowed: the first stage dated ≥ earliest
        pins = [stage_index[instance.pins[p.id]] for p in members if p.id in instance.pins]
        units.append(
            Unit(
                key=key.removeprefix("\0"),
                members=members,
                side=members[0].held_by,
                first=first if first < len(dates) else None,
                pin=pins[0] if pins else None,
                position=entries[0][0],
            )
        )
    units.sort(key=lambda unit: unit.position)
    return units


def pool_units(units: list[Unit]) -> dict[PoolKey, list[Unit]]:
    """Pool the units that are free (not pinned) and reachable; each pool's units keep the instance's order."""
    pools: dict[PoolKey, list[Unit]] = defaultdict(list)
    for unit in units:
        if unit.pin is None and unit.first is not None:
            pools[(unit.side, unit.size, unit.urgency, unit.first)].append(unit)
    return dict(sorted(pools.items()))
