"""``unforgotten agreement load`` and ``unforgotten assess`` — categories as executable rules."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import typer
from rich.table import Table

from unforgotten.agreements import service as agreements
from unforgotten.agreements.flows import assess
from unforgotten.cli.app import app
from unforgotten.cli.context import console, database, default_actor

agreement_app = typer.Typer(help="Agreements: load them from YAML.", no_args_is_help=True)
app.add_typer(agreement_app, name="agreement")


@agreement_app.command("load")
def load(file: Path = typer.Argument(..., help="Agreement YAML (see examples/agreements/).")) -> None:
    """Load an agreement; prints its id (the same file twice gives the same agreement)."""
    with database().unit_of_work(actor=default_actor(), reason=f"agreement {file.name}") as uow:
        agreement = agreements.load_file(session=uow.session, path=file)
        uow.commit()
    typer.echo(agreement.id)


@app.command("assess")
def assess_command(
    agreement_id: int = typer.Argument(..., help="The agreement id."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the counts."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="CSV with every person, category, verdict, reasons."
    ),
) -> None:
    """Assess every person against every category: eligible, not eligible or undetermined, with reasons."""
    with database().read() as session:
        agreement = agreements.get_or_raise(session=session, agreement_id=agreement_id)
        report = assess(session=session, agreement=agreement)
    if output is not None:
        with output.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["person_id", "category", "verdict", "reasons"])
            writer.writerows((r.person_id, r.category, r.verdict, "; ".join(r.reasons)) for r in report.rows)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    table = Table("category", "eligible", "not eligible", "undetermined", title=f"agreement {agreement_id}")
    for category, counts in report.counts().items():
        table.add_row(category, *(f"{counts.get(k, 0):,}" for k in ("eligible", "not_eligible", "undetermined")))
    console.print(table)
