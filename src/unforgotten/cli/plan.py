"""``unforgotten plan`` — stage plans; ``plan solve`` works on a JSON instance file, with no database."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from unforgotten.cli.app import app, err_console

__all__ = ["plan_app", "solve_command"]

plan_app = typer.Typer(
    help="Stage plans: who crosses at which stage, with parity, proven optimal.", no_args_is_help=True
)
app.add_typer(plan_app, name="plan")


@plan_app.command("solve")
def solve_command(
    instance: Annotated[
        Path, typer.Argument(help="INSTANCE.json: parties, parity, stages, persons (docs/planning.md).")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="PLAN.json: assignments, objective, proven, unassigned.")
    ],
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=0.1,
            help="Seconds for all three levels together; a level cut short is reported as not proven.",
        ),
    ] = 60.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary table.")] = False,
) -> None:
    """Plan the stages of an exchange: most persons, the urgent first, fewest stages — each level proven."""
    # The solver (OR-Tools) loads only when a plan is solved: other commands should not pay for its import.
    from unforgotten.planning import load_instance, solve

    started = time.perf_counter()
    parsed = load_instance(instance)
    plan = solve(parsed, time_limit=time_limit)
    output.write_text(json.dumps(plan.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if not quiet:
        table = Table("level", "value", "status", "bound", "gap", "seconds")
        for level in plan.levels:
            table.add_row(
                level.name,
                str(level.value),
                level.status,
                "—" if level.bound is None else f"{level.bound:g}",
                "—" if level.gap is None else f"{level.gap:.2%}",
                f"{level.seconds:.1f}",
            )
        err_console.print(table)
    verdict = "proven optimal" if plan.proven else "NOT proven optimal (time limit)"
    err_console.print(
        f"planned {len(parsed.persons)} persons on {len(parsed.stages)} stages: {plan.assigned} assigned, "
        f"{len(plan.unassigned)} left out with a reason, cost {plan.cost}, {plan.stages_used} stages used, "
        f"{verdict} in {time.perf_counter() - started:.1f} s → {output}",
        highlight=False,
        soft_wrap=True,
    )
