"""``unforgotten plan`` — stage plans; ``plan solve`` works on a JSON instance file, with no database."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from unforgotten.cli.app import app, err_console
from unforgotten.cli.context import AS_OPTION, acting, acting_unit_of_work, console, database
from unforgotten.cli.i18n import _, tr, word
from unforgotten.errors import Text

__all__ = ["approve_command", "create_command", "diff_command", "plan_app", "show_command", "solve_command"]

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
        table = Table(_("level"), _("value"), _("status"), _("bound"), _("gap"), _("seconds"))
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
    verdict = _("proven optimal") if plan.proven else _("NOT proven optimal (time limit)")
    err_console.print(
        tr(
            "planned {persons} persons on {stages} stages: {assigned} assigned, {left_out} left out with a reason, "
            "cost {cost}, {used} stages used, {verdict} in {seconds} s → {file}",
            persons=len(parsed.persons),
            stages=len(parsed.stages),
            assigned=plan.assigned,
            left_out=len(plan.unassigned),
            cost=plan.cost,
            used=plan.stages_used,
            verdict=verdict,
            seconds=f"{time.perf_counter() - started:.1f}",
            file=output,
        ),
        highlight=False,
        soft_wrap=True,
    )


def _print_plan(view: dict[str, object], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(view, ensure_ascii=False, indent=2))
        return
    console.print(
        tr(
            "plan {plan} (agreement {agreement}, version {version}): {state}",
            plan=view["id"],
            agreement=view["agreement_id"],
            version=view["version"],
            state=word(view["state"]),
        )
    )
    if view.get("reason"):
        console.print(tr("empty: {reason}", reason=view["reason"]), soft_wrap=True)
    sides = list(view["sides"])  # type: ignore[call-overload]
    table = Table(_("stage"), _("code"), _("date"), _("place"), _("state"), *sides)
    for stage in view["stages"]:  # type: ignore[attr-defined]
        table.add_row(str(stage["id"]), stage["code"], stage["date"], stage["place"], stage["state"],
                      *(str(stage["counts"][side]) for side in sides))  # fmt: skip
    console.print(table)
    console.print(
        tr("left out: {count}; approved by: {who}", count=view["left_out"], who=view["approvals"] or _("nobody yet")),
        soft_wrap=True,
    )
    for person, reason in dict(view.get("unassigned") or {}).items():  # type: ignore[call-overload]
        console.print("  " + tr("person {person}: {why}", person=person, why=reason), soft_wrap=True)


@plan_app.command("create")
def create_command(
    agreement: Annotated[int, typer.Option("--agreement", help="The agreement whose all-for-all categories to plan.")],
    stages: Annotated[Path, typer.Option("--stages", help="STAGES.yaml (examples/stages/2025-06.yaml).")],
    time_limit: Annotated[float, typer.Option("--time-limit", min=0.1, help="Seconds for the solver.")] = 60.0,
    as_user: str | None = AS_OPTION,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """Build and solve a new plan version from the mediator's eligible persons with consent confirmed."""
    from unforgotten.errors import FileReadError
    from unforgotten.exchanges import flows
    from unforgotten.exchanges import service as plans

    try:
        text = stages.read_text(encoding="utf-8")
    except OSError as error:
        raise FileReadError(Text("the stages file cannot be read"), file=str(stages), hint=str(error)) from error
    with acting_unit_of_work(as_user, reason=f"plan for agreement {agreement}") as (uow, actor):
        plan = flows.create_plan(session=uow.session, actor=actor, agreement_id=agreement, stages_text=text,
                                 stages_file=stages.name, time_limit=time_limit)  # fmt: skip
        view = plans.view(session=uow.session, actor=actor, plan_id=plan.id)
        uow.commit()
    _print_plan(view, as_json)


@plan_app.command("show")
def show_command(
    plan_id: Annotated[int, typer.Argument(help="The plan's id.")],
    as_user: str | None = AS_OPTION,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
) -> None:
    """Show a plan: counts per stage and side, approvals; persons and reasons for the mediator."""
    from unforgotten.exchanges import service as plans

    with database().read() as session:
        view = plans.view(session=session, actor=acting(session, as_user), plan_id=plan_id)
    _print_plan(view, as_json)


@plan_app.command("diff")
def diff_command(
    plan_id: Annotated[int, typer.Argument(help="The newer plan.")],
    against: Annotated[
        int | None, typer.Option("--against", help="The older plan (default: previous version).")
    ] = None,
    as_user: str | None = AS_OPTION,
) -> None:
    """What changed between two versions of a plan, as JSON."""
    from unforgotten.exchanges import service as plans

    with database().read() as session:
        out = plans.diff(session=session, actor=acting(session, as_user), plan_id=plan_id, against_id=against)
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))


@plan_app.command("approve")
def approve_command(
    plan_id: Annotated[int, typer.Argument(help="The plan to approve.")],
    party: Annotated[str | None, typer.Option("--party", help="Only for the local operator: approving for.")] = None,
    as_user: str | None = AS_OPTION,
) -> None:
    """Approve a plan for your party; with each side's and the mediator's approval its persons are scheduled."""
    from unforgotten.exchanges import service as plans

    with acting_unit_of_work(as_user, reason=f"approve plan {plan_id}") as (uow, actor):
        plan = plans.approve(session=uow.session, actor=actor, plan_id=plan_id, party_code=party)
        state, approved = plan.state, plans.approvals(session=uow.session, plan=plan)
        uow.commit()
    console.print(
        tr("plan {plan}: {state}; approved by {who}", plan=plan_id, state=word(state), who=approved), soft_wrap=True
    )
