"""The stage planner: CP-SAT over pools, three lexicographic levels, each proven before it is fixed.

Levels, in order (each solved to proven optimality, then fixed as a constraint for the next):

1. ``assigned`` — maximise the number of persons exchanged;
2. ``cost`` — minimise Σ urgency × stage index (1-based) over every person of the instance, where a person left
   out counts at index K+1 (K stages): leaving an urgent person behind costs more than sending them late, so the
   urgent are never traded away to make up the count;
3. ``stages_used`` — use the fewest stages.

The variables are per pool and stage (see :mod:`unforgotten.planning.units`), so the model's size depends on how
many kinds of persons there are, not on how many persons.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from unforgotten.errors import InputError, Text, UnforgottenError
from unforgotten.planning.model import Instance, LevelResult, Plan
from unforgotten.planning.reasons import pin_conflicts, unassigned_reasons
from unforgotten.planning.units import PoolKey, Unit, make_units, pool_units

__all__ = ["DEFAULT_TIME_LIMIT", "DEFAULT_WORKERS", "solve"]

DEFAULT_TIME_LIMIT = 60.0
# One worker: on this 2-core machine it proved 20,000 × 30 in 14.6 s, against 26.5 s with 2 workers and 39.4 s
# with 8 (docs/benchmarks.md); and a single worker is deterministic, so the same instance gives the same plan.
DEFAULT_WORKERS = 1
_SEED = 20250609


@dataclass
class _Built:
    """A CP-SAT model of one instance and the handles the levels need."""

    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]  # (pool number, stage index) -> how many of the pool travel then
    pin_literals: dict[str, cp_model.IntVar]  # unit key -> literal "the pin holds" (diagnosis only)
    assigned: cp_model.LinearExpr
    cost: cp_model.LinearExpr
    totals: list[cp_model.LinearExpr]  # persons crossing at each stage, both sides
    used: list[cp_model.IntVar]  # one flag per stage, added only for level 3 (see _add_stage_flags)


def solve(
    instance: Instance,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    num_workers: int = DEFAULT_WORKERS,
    progress: Callable[[str], None] | None = None,
) -> Plan:
    """Plan the stages: the lexicographic optimum of (persons exchanged, urgency-weighted delay, stages used).

    Args:
        instance: a validated instance (``load_instance`` / ``parse_instance`` validate it).
        time_limit: seconds for all three levels together. A level cut short keeps its best plan found; its status
            is then ``FEASIBLE`` with the bound and gap, and the plan is not proven.
        num_workers: CP-SAT search workers. One is the fastest measured on 2 cores (``docs/benchmarks.md``) and
            the only deterministic choice: with more, the objective values are the same but the plan among equally
            good ones may differ from run to run.
        progress: called with a short description as each level starts.

    Returns:
        The plan, with a reason in words for every person left out.

    Raises:
        InputError: the pins cannot all hold; the message names each person and the constraint they break.
        UnforgottenError: no plan at all was found within the time limit.

    Examples:
        >>> from datetime import date
        >>> from unforgotten.planning import Instance, Person, Stage
        >>> stage = Stage("S1", date(2025, 6, 9), {"UA": 1, "RU": 1})
        >>> persons = (Person("P1", "UA", 3, date(2025, 6, 1)), Person("P2", "RU", 1, date(2025, 6, 1)))
        >>> dict(solve(Instance(("UA", "RU"), (stage,), persons)).assignments)
        {'P1': 'S1', 'P2': 'S1'}
    """
    instance.validate()
    started = time.perf_counter()
    units = make_units(instance)
    conflicts = pin_conflicts(instance, units)
    if conflicts:
        raise _pins_error(conflicts)
    pools = pool_units(units)
    built = _build(instance, units, list(pools.items()), pins_as_literals=False)
    levels: list[LevelResult] = []
    # Level 1 starts with no hint. Hinting "send only the pinned" (always feasible) was measured slower on
    # 20,000 × 30: level 1 4.1–4.3 s against 1.4–1.6 s, and level 2, starting from the plan level 1 then found,
    # 18–19 s against 3.4–4.2 s.
    hint: dict[tuple[int, int], int] = {}
    used_hint: list[int] = []
    objectives: list[tuple[str, Callable[[], cp_model.LinearExpr], bool]] = [
        ("assigned", lambda: built.assigned, True),
        ("cost", lambda: built.cost, False),
        ("stages_used", lambda: _add_stage_flags(built, instance), False),
    ]
    unsolved: list[str] = []
    for name, make_objective, maximise in objectives:
        if unsolved:
            unsolved.append(name)
            continue
        objective = make_objective()
        if progress is not None:
            progress(f"level {len(levels) + 1}: {name}")
        remaining = max(0.5, time_limit - (time.perf_counter() - started))
        level, solver = _solve_level(built, name, objective, maximise, (hint, used_hint), remaining, num_workers)
        if level.status == "INFEASIBLE":
            # Without pins, sending nobody is always feasible: an infeasible first level means the pins.
            raise _pins_error(_pins_that_fail_together(instance, units, list(pools.items())))
        if level.status not in ("OPTIMAL", "FEASIBLE"):
            if not levels:
                raise UnforgottenError(
                    Text(
                        "no plan found within {time_limit:g} s (level {name}: {status})",
                        time_limit=time_limit,
                        name=name,
                        status=level.status,
                    ),
                    hint=Text("give it more time with --time-limit"),
                )
            # The time ran out before this level found anything: keep the previous level's plan, which is
            # valid, and say that this level and the next were not solved.
            unsolved.append(name)
            continue
        levels.append(level)
        hint = {place: solver.value(var) for place, var in built.x.items()}
        used_hint = [int(solver.value(total) > 0) for total in built.totals]
        # Fix the level: exactly at a proven optimum; at a time limit, no worse than the best plan found.
        if level.status == "OPTIMAL":
            built.model.add(objective == level.value)
        elif maximise:
            built.model.add(objective >= level.value)
        else:
            built.model.add(objective <= level.value)
    plan = _plan(instance, units, list(pools.values()), hint, levels)
    if not unsolved:
        return plan
    values = {"assigned": plan.assigned, "cost": plan.cost, "stages_used": plan.stages_used}
    skipped = (LevelResult(name, "UNKNOWN", values[name], None, None, 0.0) for name in unsolved)
    return dataclasses.replace(plan, levels=(*levels, *skipped))


def _build(
    instance: Instance, units: Sequence[Unit], pools: Sequence[tuple[PoolKey, list[Unit]]], *, pins_as_literals: bool
) -> _Built:
    model = cp_model.CpModel()
    count = len(instance.stages)
    sides = instance.parties
    load = {side: [_Sum() for _ in range(count)] for side in sides}
    assigned, savings = _Sum(), _Sum()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for number, ((side, size, urgency, first), members) in enumerate(pools):
        pool_vars = []
        for index in range(first, count):
            var = model.new_int_var(0, len(members), f"x_{number}_{index}")
            x[(number, index)] = var
            pool_vars.append(var)
            load[side][index].add(var, size)
            assigned.add(var, size)
            # Cost: a person not sent costs urgency × (K+1); sent at stage s (1-based) they save urgency × (K+1-s).
            savings.add(var, urgency * (count - index))
        model.add(sum(pool_vars) <= len(members))
    pin_literals: dict[str, cp_model.IntVar] = {}
    for unit in units:
        if unit.pin is None:
            continue
        term: cp_model.IntVar | None = None
        if pins_as_literals:
            term = pin_literals[unit.key] = model.new_bool_var(f"pin_{unit.key}")
        load[unit.side][unit.pin].add(term, unit.size)
        assigned.add(term, unit.size)
        savings.add(term, unit.urgency * (count - unit.pin))
    totals: list[cp_model.LinearExpr] = []
    for index, stage in enumerate(instance.stages):
        first_side, second_side = (load[side][index].expr() for side in sides)
        model.add(first_side <= stage.capacity[sides[0]])
        model.add(second_side <= stage.capacity[sides[1]])
        if instance.parity == "equal_per_stage" and stage.id != instance.remainder_stage:
            model.add(first_side == second_side)
        totals.append(first_side + second_side)
    everyone = sum(person.urgency for person in instance.persons) * (count + 1)
    return _Built(
        model=model,
        x=x,
        pin_literals=pin_literals,
        assigned=assigned.expr(),
        cost=everyone - savings.expr(),
        totals=totals,
        used=[],
    )


def _add_stage_flags(built: _Built, instance: Instance) -> cp_model.LinearExpr:
    """Add one flag per stage, on when anyone crosses there, and return their sum: level 3's objective.

    Only level 3 needs them, so levels 1 and 2 do without. Measured on 20,000 × 30, seeds 1–3, two runs each: the
    same mean (12.8 s against 12.4 s with the flags from the start) but a lower worst case (14.8 s against 19.6 s,
    seed 2's level 1).
    """
    for stage, total in zip(instance.stages, built.totals, strict=True):
        flag = built.model.new_bool_var(f"used_{stage.id}")
        # The stage's capacities make the big-M as tight as it can be.
        built.model.add(total <= sum(stage.capacity.values()) * flag)
        built.used.append(flag)
    return cp_model.LinearExpr.sum(built.used)


class _Sum:
    """A linear sum built term by term: variables with coefficients, and a constant for pinned persons."""

    def __init__(self) -> None:
        self.variables: list[cp_model.IntVar] = []
        self.coefficients: list[int] = []
        self.constant = 0

    def add(self, variable: cp_model.IntVar | None, coefficient: int) -> None:
        if variable is None:
            self.constant += coefficient
        else:
            self.variables.append(variable)
            self.coefficients.append(coefficient)

    def expr(self) -> cp_model.LinearExpr:
        return cp_model.LinearExpr.weighted_sum(self.variables, self.coefficients) + self.constant


def _solve_level(
    built: _Built,
    name: str,
    objective: cp_model.LinearExpr,
    maximise: bool,
    hint: tuple[dict[tuple[int, int], int], list[int]],
    seconds: float,
    num_workers: int,
) -> tuple[LevelResult, cp_model.CpSolver]:
    model = built.model
    model.clear_hints()  # type: ignore[no-untyped-call]  # (ortools ships no annotation for it)
    # The previous level's plan, complete (every variable): feasible at once, so CP-SAT starts from it and a time
    # limit still leaves a plan. Without the stage flags the hint was incomplete and level 3 spent 6 s repairing it.
    counts, flags = hint
    for place, value in counts.items():
        model.add_hint(built.x[place], value)
    for flag, value in zip(built.used, flags, strict=False):
        model.add_hint(flag, value)
    if maximise:
        model.maximize(objective)
    else:
        model.minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = num_workers
    solver.parameters.random_seed = _SEED
    # Interleaving several workers' search in one thread would make them deterministic too, but it was 20× slower
    # (level 2 of 2,000 × 12: 6.5 s against 0.3 s): a single worker is the deterministic choice.
    started = time.perf_counter()
    status = solver.solve(model)
    seconds_taken = time.perf_counter() - started
    status_name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return LevelResult(name, status_name, 0, 0.0, 0.0, seconds_taken), solver
    value = round(solver.objective_value)
    bound = solver.best_objective_bound
    gap = abs(bound - value) / max(1.0, abs(value))
    return LevelResult(name, status_name, value, bound, gap, seconds_taken), solver


def _plan(
    instance: Instance,
    units: Sequence[Unit],
    pools: Sequence[list[Unit]],
    values: dict[tuple[int, int], int],
    levels: list[LevelResult],
) -> Plan:
    stage_of: dict[str, int] = {unit.key: unit.pin for unit in units if unit.pin is not None}
    # Turn counts back into persons: in each pool, the units earliest in the instance take the earliest stages.
    # The caller controls that order (e.g. by date of request), and the same input always gives the same plan.
    for number, members in enumerate(pools):
        queue = iter(members)
        for stage in range(len(instance.stages)):
            for _ in range(values.get((number, stage), 0)):
                stage_of[next(queue).key] = stage
    loads = {side: [0] * len(instance.stages) for side in instance.parties}
    for unit in units:
        if unit.key in stage_of:
            loads[unit.side][stage_of[unit.key]] += unit.size
    stage_ids = [stage.id for stage in instance.stages]
    by_person = {
        member.id: stage_ids[stage_of[unit.key]] for unit in units if unit.key in stage_of for member in unit.members
    }
    assignments = {person.id: by_person[person.id] for person in instance.persons if person.id in by_person}
    urgency = {person.id: person.urgency for person in instance.persons}
    index = {stage_id: number + 1 for number, stage_id in enumerate(stage_ids)}
    left_out = len(stage_ids) + 1
    cost = sum(
        urgency[p.id] * (index[assignments[p.id]] if p.id in assignments else left_out) for p in instance.persons
    )
    return Plan(
        assignments=assignments,
        assigned=len(assignments),
        cost=cost,
        stages_used=len(set(assignments.values())),
        levels=tuple(levels),
        unassigned=unassigned_reasons(instance, units, stage_of, loads),
    )


def _pins_that_fail_together(
    instance: Instance, units: Sequence[Unit], pools: Sequence[tuple[PoolKey, list[Unit]]]
) -> list[str]:
    """Ask CP-SAT which pins cannot hold together: each pin an assumption, the infeasible core names them."""
    built = _build(instance, units, pools, pins_as_literals=True)
    literals = list(built.pin_literals.values())
    built.model.add_assumptions(literals)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # CP-SAT fills the core of assumptions only with one worker
    solver.parameters.max_time_in_seconds = 30.0
    status = solver.solve(built.model)
    if status != cp_model.INFEASIBLE:
        return ["the pins could not be checked within 30 s"]
    core = set(solver.sufficient_assumptions_for_infeasibility())
    keys = [key for key, literal in built.pin_literals.items() if literal.index in core]
    by_key = {unit.key: unit for unit in units}
    per_stage: dict[int, list[Unit]] = defaultdict(list)
    for key in keys:
        unit = by_key[key]
        assert unit.pin is not None
        per_stage[unit.pin].append(unit)
    return [
        f"pins at {instance.stages[stage].id} cannot hold together with capacity and parity: "
        + ", ".join(f"{unit.describe()} held by {unit.side}" for unit in group)
        for stage, group in sorted(per_stage.items())
    ] or ["the pins cannot all hold with capacity and parity"]


def _pins_error(conflicts: list[str]) -> InputError:
    return InputError(
        Text("the pins cannot all hold: {conflicts}", conflicts=Text.joined("; ", conflicts)),
        column="pins",
        hint=Text("move or remove these pins, or raise the capacities"),
    )
