"""Properties on many small instances: every plan keeps every constraint, and each level is the true optimum."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from tests.unit.planning.helpers import brute_force, objective, tiny_instances, violations

from unforgotten.errors import InputError
from unforgotten.planning import parse_instance, solve

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(tiny_instances())
def test_every_plan_keeps_every_constraint_and_is_the_lexicographic_optimum(data: dict[str, Any]) -> None:
    instance = parse_instance(data)
    plan = solve(instance, time_limit=20)
    assert violations(instance, plan.assignments) == []
    assert plan.proven
    # Each level separately against the brute force: count, then cost among the max counts, then stages.
    assert (plan.assigned, plan.cost, plan.stages_used) == brute_force(instance)
    assert (plan.assigned, plan.cost, plan.stages_used) == objective(instance, plan.assignments)
    assert [level.value for level in plan.levels] == [plan.assigned, plan.cost, plan.stages_used]
    # Everyone is either assigned or has a reason in words, never both.
    ids = {person.id for person in instance.persons}
    assert set(plan.assignments) | set(plan.unassigned) == ids
    assert not set(plan.assignments) & set(plan.unassigned)
    assert all(len(reason) > 10 for reason in plan.unassigned.values())


@SETTINGS
@given(tiny_instances(pins=True))
def test_pins_hold_or_are_explained(data: dict[str, Any]) -> None:
    instance = parse_instance(data)
    best = brute_force(instance)
    if best is None:
        with pytest.raises(InputError) as raised:
            solve(instance, time_limit=20)
        message = str(raised.value)
        assert "pins cannot all hold" in message
        assert any(person in message for person in instance.pins)
        return
    plan = solve(instance, time_limit=20)
    assert violations(instance, plan.assignments) == []
    assert (plan.assigned, plan.cost, plan.stages_used) == best


@settings(max_examples=25, deadline=None)
@given(tiny_instances(pins=True))
def test_same_instance_same_plan(data: dict[str, Any]) -> None:
    instance = parse_instance(data)
    try:
        first = solve(instance).to_json()
    except InputError:
        return
    again = solve(instance).to_json()
    for level in (*first["proven"].values(), *again["proven"].values()):
        level.pop("seconds")
    assert first == again
