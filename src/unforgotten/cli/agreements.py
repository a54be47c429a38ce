"""``unforgotten agreement load`` and ``unforgotten assess`` — categories as executable rules."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import typer
from rich.table import Table

from unforgotten.cli.app import app
from unforgotten.cli.context import AS_OPTION, acting, acting_unit_of_work, console, database, log_access
from unforgotten.cli.i18n import _, tr

agreement_app = typer.Typer(help="Agreements: load them (mediator) and accept them (each side).", no_args_is_help=True)
app.add_typer(agreement_app, name="agreement")


@agreement_app.command("load")
def load(
    file: Path = typer.Argument(..., help="Agreement YAML (see examples/agreements/)."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Load an agreement (mediator or admin); prints its id. It is in force once every side has accepted it."""
    from unforgotten.agreements import service as agreements

    with acting_unit_of_work(as_user, reason=f"agreement {file.name}") as (uow, actor):
        agreement = agreements.load(session=uow.session, actor=actor, path=file)
        uow.commit()
    typer.echo(agreement.id)


@agreement_app.command("accept")
def accept(
    agreement_id: int = typer.Argument(..., help="The agreement id."),
    party: str | None = typer.Option(None, "--party", help="The side accepting (only without --as)."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Accept an agreement for your side (a coordinator); it is in force when every side has accepted it."""
    from unforgotten.agreements import service as agreements

    with acting_unit_of_work(as_user, reason=f"accept agreement {agreement_id}") as (uow, actor):
        agreements.accept(session=uow.session, actor=actor, agreement_id=agreement_id, party_code=party)
        agreement = agreements.get_or_raise(session=uow.session, agreement_id=agreement_id)
        force = agreements.in_force(session=uow.session, agreement=agreement)
        uow.commit()
    if force:
        console.print(tr("agreement {agreement} accepted; in force", agreement=agreement_id))
    else:
        console.print(tr("agreement {agreement} accepted; waiting for the other side", agreement=agreement_id))


@app.command("assess")
def assess_command(
    agreement_id: int = typer.Argument(..., help="The agreement id."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the counts."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="CSV with every person, category, verdict, reasons."
    ),
    as_user: str | None = AS_OPTION,
) -> None:
    """Assess every person of a space against every category: eligible, not eligible or undetermined, with reasons.

    The space is the user's with --as, otherwise the mediator's (where the exchange's statuses live).
    """
    from unforgotten.agreements import service as agreements
    from unforgotten.agreements.flows import assess
    from unforgotten.auth.service import working_space
    from unforgotten.ingest.safe import neutralise_cell
    from unforgotten.persons import service as persons

    with database().read() as session:
        actor = acting(session, as_user)
        agreement = agreements.get_or_raise(session=session, agreement_id=agreement_id)
        space_id = working_space(session=session, actor=actor)
        report = assess(session=session, agreement=agreement, space_id=space_id)
        # the persons assessed are those of the caller's space, so their names are the caller's to see
        names = persons.display_names(session=session, actor=actor, person_ids={r.person_id for r in report.rows})
    if output is not None:
        log_access(actor, "access.assessment_exported", "agreements", agreement_id, rows=len(report.rows))
        # UTF-8 with a BOM, as every CSV export: Excel on a Cyrillic Windows reads it right; names after the
        # columns scripts already read, neutralised against formulas like every cell that came from a list
        with output.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["person_id", "category", "verdict", "reasons", "name"])
            writer.writerows(
                (r.person_id, r.category, r.verdict, "; ".join(r.reasons), neutralise_cell(names.get(r.person_id, "")))
                for r in report.rows
            )
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    table = Table(
        _("category"),
        _("eligible"),
        _("not eligible"),
        _("undetermined"),
        title=tr("agreement {agreement}", agreement=agreement_id),
    )
    for category, counts in report.counts().items():
        table.add_row(category, *(f"{counts.get(k, 0):,}" for k in ("eligible", "not_eligible", "undetermined")))
    console.print(table)
