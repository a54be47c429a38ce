"""The planner on hand-made cases: each constraint, each level, each reason, and pins that cannot hold."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest
from tests.unit.planning.helpers import violations

from unforgotten.errors import InputError, UnforgottenError
from unforgotten.planning import Plan, parse_instance, solve

DAY = date(2025, 6, 9)


def instance(
    stages: list[tuple[int, int]],
    persons: list[tuple[str, str, int, int, str | None]],
    **extra: Any,
) -> dict[str, Any]:
    """Stages as (UA, RU) capacities a week apart; persons as (id, side, urgency, earliest stage 1-based, group)."""
    return {
        "parties": ["UA", "RU"],
        "parity": {"mode": extra.pop("mode", "equal_per_stage")},
        "stages": [
            {"id": f"S{n + 1}", "date": (DAY + timedelta(weeks=n)).isoformat(), "capacity": {"UA": ua, "RU": ru}}
            for n, (ua, ru) in enumerate(stages)
        ],
        "persons": [
            {
                "id": pid,
                "held_by": side,
                "urgency": urgency,
                "group": group,
                "earliest": (DAY + timedelta(weeks=first - 1)).isoformat(),
            }
            for pid, side, urgency, first, group in persons
        ],  # fmt: skip
        **extra,
    }


def plan_of(data: dict[str, Any]) -> Plan:
    parsed = parse_instance(data)
    plan = solve(parsed, time_limit=20)
    assert violations(parsed, plan.assignments) == []
    assert plan.proven
    return plan


def test_parity_sends_as_many_each_way_and_names_who_has_no_partner() -> None:
    plan = plan_of(instance([(5, 5)], [("U1", "UA", 1, 1, None), ("U2", "UA", 3, 1, None), ("R1", "RU", 1, 1, None)]))
    assert plan.assignments == {"U2": "S1", "R1": "S1"}  # the urgent one goes
    assert plan.unassigned["U1"] == (
        "no partner for parity at any stage they can reach (S1): RU has no one left who can travel by S1"
    )


def test_the_remainder_stage_takes_the_tail_without_parity() -> None:
    persons = [("U1", "UA", 1, 1, None), ("U2", "UA", 3, 1, None), ("R1", "RU", 1, 1, None)]
    plan = plan_of(instance([(5, 5), (5, 5)], persons, remainder_stage="S2"))
    assert plan.assignments == {"U1": "S2", "U2": "S1", "R1": "S1"}
    assert plan_of(instance([(5, 5)], persons, mode="none")).assigned == 3


def test_capacity_keeps_the_most_urgent_and_the_reason_says_capacity() -> None:
    persons = [(f"U{n}", "UA", n, 1, None) for n in (1, 2, 3)] + [(f"R{n}", "RU", 1, 1, None) for n in (1, 2, 3)]
    plan = plan_of(instance([(2, 2)], persons))
    assert plan.assigned == 4 and "U1" not in plan.assignments
    assert plan.unassigned["U1"] == "capacity: UA's places are taken at S1"


def test_the_urgent_go_first_and_are_never_left_to_make_up_the_count() -> None:
    persons = [("U1", "UA", 1, 1, None), ("U3", "UA", 3, 1, None), ("R1", "RU", 1, 1, None), ("R2", "RU", 1, 1, None)]
    plan = plan_of(instance([(1, 1), (1, 1)], persons))
    assert plan.assignments["U3"] == "S1" and plan.assignments["U1"] == "S2"
    # cost: U3 3×1 + U1 1×2 + R's 1×1 + 1×2
    assert (plan.assigned, plan.cost, plan.stages_used) == (4, 8, 2)


def test_a_group_travels_together_or_not_at_all() -> None:
    persons = [("U1", "UA", 1, 1, "G"), ("U2", "UA", 1, 2, "G"), ("R1", "RU", 1, 1, None), ("R2", "RU", 1, 1, None)]
    plan = plan_of(instance([(2, 2), (2, 2)], persons))
    assert plan.assignments["U1"] == plan.assignments["U2"] == "S2"  # waits for the later brother

    narrow = plan_of(instance([(1, 2)], persons[:1] + [("U2", "UA", 1, 1, "G")] + persons[2:]))
    assert narrow.assigned == 0
    assert narrow.unassigned["U1"].startswith("their group does not fit: group G (U1, U2) needs 2 places")
    assert narrow.unassigned["R1"].startswith("no partner for parity")


def test_available_only_after_the_last_stage() -> None:
    plan = plan_of(instance([(1, 1)], [("U1", "UA", 2, 3, None), ("R1", "RU", 1, 1, None)]))
    assert plan.unassigned["U1"] == (
        "available only after the last stage: they can travel from 2025-06-23, the last stage S1 is on 2025-06-09"
    )


def test_pins_and_exclusions_are_respected() -> None:
    persons = [("U1", "UA", 3, 1, "G"), ("U2", "UA", 1, 1, "G"), ("U3", "UA", 1, 1, None)]
    persons += [("R1", "RU", 1, 1, None), ("R2", "RU", 1, 1, None)]
    plan = plan_of(instance([(2, 2), (2, 2)], persons, pins={"U3": "S2"}, exclusions=["U2"]))
    assert plan.assignments["U3"] == "S2" and plan.assignments["U1"] == "S1"  # U1's group is U1 alone now
    assert plan.unassigned == {"U2": "excluded by the mediator"}


@pytest.mark.parametrize(
    ("stages", "persons", "extra", "words"),
    [
        ([(1, 1), (1, 1)], [("U1", "UA", 1, 2, None), ("R1", "RU", 1, 1, None)], {"pins": {"U1": "S1"}},
         "U1 is pinned to S1 on 2025-06-09 but U1 cannot travel before 2025-06-16"),
        ([(2, 2), (2, 2)], [("U1", "UA", 1, 1, "G"), ("U2", "UA", 1, 1, "G")], {"pins": {"U1": "S1", "U2": "S2"}},
         "group G (U1, U2) travels together but is pinned apart: U1 to S1, U2 to S2"),
        ([(1, 5)], [("U1", "UA", 1, 1, None), ("U2", "UA", 1, 1, None)], {"pins": {"U1": "S1", "U2": "S1"}},
         "pins put 2 persons held by UA on S1 (U1, U2), but UA releases at most 1 there"),
        ([(2, 1)], [("U1", "UA", 1, 1, "G"), ("U2", "UA", 1, 1, "G")], {"pins": {"U1": "S1"}},
         "parity needs as many from RU, but RU releases at most 1 there"),
        ([(2, 2)], [("U1", "UA", 1, 1, None), ("R1", "RU", 1, 2, None)], {"pins": {"U1": "S1"}},
         "but only 0 persons held by RU can travel by then"),
        ([(1, 1)], [("U1", "UA", 1, 1, None)], {"pins": {"U1": "S1"}, "exclusions": ["U1"]},
         "U1 is pinned to S1 but also excluded"),
        # Each pin alone could hold (R1 can partner either); together they need two RU partners.
        ([(1, 1), (1, 1)], [("U1", "UA", 1, 1, None), ("U2", "UA", 1, 1, None), ("R1", "RU", 1, 1, None)],
         {"pins": {"U1": "S1", "U2": "S2"}}, "cannot hold together with capacity and parity: U1 held by UA"),
    ],
)  # fmt: skip
def test_a_pin_that_cannot_hold_is_explained(
    stages: list[tuple[int, int]], persons: list[tuple[str, str, int, int, str | None]], extra: Any, words: str
) -> None:
    with pytest.raises(InputError) as raised:
        solve(parse_instance(instance(stages, persons, **extra)))
    assert "the pins cannot all hold" in str(raised.value) and words in str(raised.value)
    assert raised.value.exit_code == 2 and raised.value.column == "pins"


def test_the_plan_as_json_has_the_issue_shape() -> None:
    plan = plan_of(instance([(1, 1), (1, 1)], [("U1", "UA", 1, 1, None), ("R1", "RU", 1, 1, None)]))
    document = plan.to_json()
    assert list(document) == ["assignments", "objective", "proven", "unassigned"]
    assert document["objective"] == {"assigned": 2, "cost": 2, "stages_used": 1}
    assert list(document["proven"]) == ["assigned", "cost", "stages_used"]
    for level in document["proven"].values():
        assert level["status"] == "OPTIMAL" and level["gap"] == 0.0 and level["seconds"] >= 0
        assert set(level) == {"status", "value", "bound", "gap", "seconds"}


def test_nothing_to_plan_is_an_empty_plan() -> None:
    assert plan_of(instance([(1, 1)], [])).to_json()["objective"] == {"assigned": 0, "cost": 0, "stages_used": 0}
    none = plan_of(instance([], [("U1", "UA", 1, 1, None)]))
    assert none.unassigned == {"U1": "there is no stage in the plan"}


def test_a_level_the_time_limit_stops_keeps_the_previous_plan_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import unforgotten.planning.solver as solver_module

    real = solver_module._solve_level

    def out_of_time_at_cost(built: Any, name: str, *args: Any) -> Any:
        level, cp_solver = real(built, name, *args)
        return (dataclasses.replace(level, status="UNKNOWN") if name == "cost" else level), cp_solver

    monkeypatch.setattr(solver_module, "_solve_level", out_of_time_at_cost)
    persons = [("U1", "UA", 3, 1, None), ("R1", "RU", 1, 1, None)]
    parsed = parse_instance(instance([(1, 1), (1, 1)], persons))
    plan = solve(parsed)
    assert violations(parsed, plan.assignments) == [] and plan.assigned == 2 and not plan.proven
    assert [level.status for level in plan.levels] == ["OPTIMAL", "UNKNOWN", "UNKNOWN"]
    assert plan.to_json()["proven"]["cost"] == {
        "status": "UNKNOWN", "value": plan.cost, "bound": None, "gap": None, "seconds": 0.0
    }  # fmt: skip

    monkeypatch.setattr(
        solver_module,
        "_solve_level",
        lambda built, name, *a: (dataclasses.replace(real(built, name, *a)[0], status="UNKNOWN"), None),
    )
    with pytest.raises(UnforgottenError, match="no plan found within"):
        solve(parsed, time_limit=1)
