"""``unforgotten account`` — the proof that every person on every list is accounted for."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from unforgotten.cli.app import app
from unforgotten.cli.context import console, database
from unforgotten.cli.i18n import _, number, tr

_SHOWN = 3


@app.command()
def account(as_json: bool = typer.Option(False, "--json", help="Print one JSON object.")) -> None:
    """Check that every row is one entry, every accepted entry one person, every status its history (exit 7 if not)."""
    from unforgotten.audit.flows import Violation
    from unforgotten.audit.flows import account as run_accounting

    with database().read() as session:
        report = run_accounting(session=session)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        console.print(
            tr(
                "{lists} lists, {rows} rows → {entries} entries ({accepted} accepted, {quarantined} quarantined, "
                "{blank} blank); {persons} persons; {events} events",
                lists=number(report.lists),
                rows=number(report.rows),
                entries=number(report.entries),
                accepted=number(report.accepted),
                quarantined=number(report.quarantined),
                blank=number(report.blank),
                persons=number(report.persons),
                events=number(report.events),
            )
        )
        if report.ok:
            console.print("[green]" + _("accounted for: every invariant holds") + "[/]")
        else:
            by_check: dict[str, list[Violation]] = {}
            for violation in report.violations:
                by_check.setdefault(violation.check, []).append(violation)
            table = Table(
                _("check"),
                _("violations"),
                _("first ones"),
                title=tr("{count} violations", count=number(len(report.violations))),
            )
            for check, violations in by_check.items():
                first = "; ".join(f"{v.subject}: {v.message}" for v in violations[:_SHOWN])
                table.add_row(check, number(len(violations)), first + (" …" if len(violations) > _SHOWN else ""))
            console.print(table)
            console.print(tr("every violation: {command}", command="unforgotten account --json"))
    if not report.ok:
        raise typer.Exit(7)
