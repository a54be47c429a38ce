"""``unforgotten import | export | quarantine`` — lists in and out, with every row accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from unforgotten.cli.app import app
from unforgotten.cli.context import console, database, default_actor
from unforgotten.lists import service as lists


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="The list file: CSV/TSV/TXT, XLSX/XLS/ODS, JSON or PFIF XML."),
    party: str = typer.Option(..., "--party", help="Code of the submitting party, e.g. UA."),
    kind: str = typer.Option(..., "--kind", help="custody, request, tracing or remains."),
    name: str | None = typer.Option(None, help="List name; a known name makes this file its next version."),
    mapping: Path | None = typer.Option(None, "--mapping", help="YAML/JSON file mapping source headers to columns."),
    as_json: bool = typer.Option(False, "--json", help="Print exactly one JSON object on stdout."),
    link: bool = typer.Option(True, "--link/--no-link", help="Link the accepted entries into persons afterwards."),
) -> None:
    """Import a list file: every row becomes one entry, accepted or quarantined (exit 0 when the file was read)."""
    progress = Progress(
        TextColumn("[bold]reading {task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json or not console.is_terminal,
    )
    with progress, database().unit_of_work(actor=default_actor()) as uow:
        task = progress.add_task(file.name, total=None)
        outcome = lists.import_file(
            session=uow.session,
            path=file,
            party_code=party,
            kind=kind,
            name=name,
            mapping_path=mapping,
            submitted_by=default_actor(),
            progress=lambda n: progress.update(task, completed=n),
        )
        linked = 0
        if link and not outcome.unchanged and outcome.accepted:
            from unforgotten.persons.flows import link_all

            progress.update(task, description=f"{file.name}: linking into persons")
            linked = link_all(session=uow.session, decided_by=default_actor())
        uow.commit()
    if as_json:
        typer.echo(json.dumps({**outcome.as_dict(), "linked": linked}, ensure_ascii=False, default=str))
        return
    if outcome.unchanged:
        console.print(f"unchanged: {file.name} was already imported as list {outcome.list_id} (nothing to do)")
        return
    console.print(
        f"list {outcome.list_id} ({outcome.name} v{outcome.version}): {outcome.rows:,} rows — "
        f"{outcome.accepted:,} accepted, {outcome.quarantined:,} quarantined, {outcome.blank:,} blank"
    )
    if outcome.diff:
        d = outcome.diff
        console.print(
            f"since v{outcome.version - 1}: +{d['added']} added, -{d['removed']} removed, ~{d['changed']} changed"
        )
    if linked:
        console.print(f"{linked:,} entries linked into persons")
    if outcome.quarantined:
        console.print(f"see the reasons with: unforgotten quarantine {outcome.list_id}")


@app.command()
def quarantine(list_id: int = typer.Argument(..., help="The list id.")) -> None:
    """Show the quarantined rows of a list with their row numbers and reasons."""
    table = Table("sheet", "row", "reason", "raw values")
    with database().read() as session:
        lists.get_or_raise(session=session, list_id=list_id)
        rows = lists.get_entries(session=session, list_id=list_id, status="quarantined")
        for entry in rows:
            reasons = "; ".join(f["message"] for f in entry.findings if f.get("severity") == "error")
            raw = ", ".join(f"{k}={v}" for k, v in entry.raw.items() if v not in (None, ""))
            table.add_row(entry.sheet, str(entry.row_number), reasons, raw[:120])
    if not rows:
        console.print(f"list {list_id} has no quarantined rows")
        return
    console.print(table)


@app.command()
def export(
    list_id: int = typer.Argument(..., help="The list id."),
    output: Path = typer.Option(..., "-o", "--output", help="OUT.csv, OUT.xlsx, or OUT.xml for PFIF 1.4"),
) -> None:
    """Export a list's accepted entries: canonical columns (UTF-8 CSV, XLSX) or PFIF 1.4 person records (XML)."""
    with database().read() as session:
        count = lists.export_entries(session=session, list_id=list_id, path=output)
    console.print(f"exported {count:,} accepted entries of list {list_id} to {output}")
