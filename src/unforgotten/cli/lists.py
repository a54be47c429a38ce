"""``unforgotten import | export | quarantine | list share | list unshare`` — lists in and out, every row
accounted for, shared only on purpose."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from unforgotten.cli.app import app
from unforgotten.cli.context import AS_OPTION, acting, acting_unit_of_work, console, database, log_access
from unforgotten.cli.i18n import _, number, tr

list_app = typer.Typer(help="Lists: share them with the mediator or the other side, or withdraw a share.")
app.add_typer(list_app, name="list")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="The list file: CSV/TSV/TXT, XLSX/XLS/ODS, JSON or PFIF XML."),
    party: str = typer.Option(..., "--party", help="Code of the submitting party, e.g. UA."),
    kind: str = typer.Option(..., "--kind", help="custody, request, tracing or remains."),
    name: str | None = typer.Option(None, help="List name; a known name makes this file its next version."),
    mapping: Path | None = typer.Option(None, "--mapping", help="YAML/JSON file mapping source headers to columns."),
    as_json: bool = typer.Option(False, "--json", help="Print exactly one JSON object on stdout."),
    link: bool = typer.Option(True, "--link/--no-link", help="Link the accepted entries into persons afterwards."),
    share: list[str] = typer.Option([], "--share", help="Share with this party too (repeatable), e.g. ICRC."),
    replaces: int | None = typer.Option(
        None, "--replaces", help="A corrected file: the next version of this list id (withdrawn), same kind."
    ),
    as_user: str | None = AS_OPTION,
) -> None:
    """Import a list file: every row becomes one entry, accepted or quarantined (exit 0 when the file was read).

    The list belongs to --party; it is linked into that party's space, and into each space it is shared with.
    """
    progress = Progress(
        TextColumn("[bold]" + _("reading") + " {task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} " + _("rows")),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json or not console.is_terminal,
    )
    from unforgotten.persons.flows import submit_list

    with progress, acting_unit_of_work(as_user, reason=f"import {file.name}") as (uow, actor):
        task = progress.add_task(file.name, total=None)
        submission = submit_list(
            session=uow.session,
            actor=actor,
            path=file,
            party_code=party,
            kind=kind,
            name=name,
            mapping_path=mapping,
            share_with=share,
            link=link,
            progress=lambda n: progress.update(task, completed=n),
            replaces=replaces,
        )
        uow.commit()
    outcome, linked = submission.outcome, submission.linked_total
    if as_json:
        body = {**outcome.as_dict(), "linked": linked, "shared_with": submission.shared_with,
                "replaced": submission.replaced}  # fmt: skip
        typer.echo(json.dumps(body, ensure_ascii=False, default=str))
        return
    if outcome.unchanged:
        console.print(
            tr(
                "unchanged: {file} was already imported as list {list} (nothing to do)",
                file=file.name,
                list=outcome.list_id,
            )
        )
        return
    console.print(
        tr(
            "list {list} ({name} v{version}): {rows} rows — "
            "{accepted} accepted, {quarantined} quarantined, {blank} blank",
            list=outcome.list_id,
            name=outcome.name,
            version=outcome.version,
            rows=number(outcome.rows),
            accepted=number(outcome.accepted),
            quarantined=number(outcome.quarantined),
            blank=number(outcome.blank),
        )
    )
    if outcome.diff:
        d = outcome.diff
        console.print(
            tr(
                "since v{version}: +{added} added, -{removed} removed, ~{changed} changed",
                version=outcome.version - 1,
                added=d["added"],
                removed=d["removed"],
                changed=d["changed"],
            )
        )
    if outcome.finding_counts:
        counts = ", ".join(f"{code} {number(n)}" for code, n in sorted(outcome.finding_counts.items()))
        console.print(tr("findings: {counts}", counts=counts), soft_wrap=True)
        for finding in outcome.first_findings[:8]:
            where = tr("row {row}", row=finding.get("row")) + (
                tr(", column {column}", column=finding["column"]) if finding.get("column") else ""
            )
            console.print(f"  {where}: {finding.get('severity')} {finding.get('code')} — {finding.get('message')}",
                          soft_wrap=True, highlight=False)  # fmt: skip
        console.print(tr("every finding, row by row: {command}", command=f"unforgotten findings {outcome.list_id}"))
    if submission.replaced is not None:
        console.print(tr("list {list} is replaced by this version and withdrawn", list=submission.replaced))
    if submission.shared_with:
        console.print(tr("shared with {parties}", parties=", ".join(submission.shared_with)))
    if linked:
        spaces = ", ".join(f"{code} {number(n)}" for code, n in submission.linked.items() if n)
        console.print(tr("{count} entries linked into persons ({spaces})", count=number(linked), spaces=spaces))
    if outcome.quarantined:
        console.print(tr("see the reasons with: {command}", command=f"unforgotten quarantine {outcome.list_id}"))


@app.command()
def quarantine(list_id: int = typer.Argument(..., help="The list id."), as_user: str | None = AS_OPTION) -> None:
    """Show the quarantined rows of a list with their row numbers and reasons."""
    from unforgotten.lists import service as lists

    table = Table(_("sheet"), _("row"), _("reason"), _("raw values"))
    with database().read() as session:
        actor = acting(session, as_user)
        lists.get_visible_or_raise(session=session, actor=actor, list_id=list_id)
        rows = lists.get_entries(session=session, list_id=list_id, status="quarantined")
        for entry in rows:
            reasons = "; ".join(f["message"] for f in entry.findings if f.get("severity") == "error")
            raw = ", ".join(f"{k}={v}" for k, v in entry.raw.items() if v not in (None, ""))
            table.add_row(entry.sheet, str(entry.row_number), reasons, raw[:120])
    if not rows:
        console.print(tr("list {list} has no quarantined rows", list=list_id))
        return
    console.print(table)


@app.command()
def findings(
    list_id: int = typer.Argument(..., help="The list id."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON array of findings."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Every finding on a list's rows — errors (quarantined rows) and warnings (e.g. a date dropped) — row by row."""
    from unforgotten.lists import service as lists

    with database().read() as session:
        actor = acting(session, as_user)
        lists.get_visible_or_raise(session=session, actor=actor, list_id=list_id)
        found = [
            {"sheet": e.sheet, "row": e.row_number, "status": e.status, **f}
            for e, f in lists.get_findings(session=session, list_id=list_id)
        ]
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, default=str))
        return
    if not found:
        console.print(tr("list {list} has no findings", list=list_id))
        return
    table = Table(_("sheet"), _("row"), _("status"), _("severity"), _("code"), _("column"), _("message"))
    for f in found:
        table.add_row(f["sheet"], str(f["row"]), f["status"], str(f.get("severity", "")), str(f.get("code", "")),
                      str(f.get("column") or ""), str(f.get("message", "")))  # fmt: skip
    console.print(table)


@app.command()
def export(
    list_id: int = typer.Argument(..., help="The list id."),
    output: Path = typer.Option(..., "-o", "--output", help="OUT.csv, OUT.xlsx, or OUT.xml for PFIF 1.4"),
    findings: bool = typer.Option(False, "--findings", help="Add a last column with each row's findings."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Export a list's accepted entries: canonical columns (UTF-8 CSV, XLSX) or PFIF 1.4 person records (XML)."""
    from unforgotten.lists import service as lists

    with database().read() as session:
        actor = acting(session, as_user)
        count = lists.export_entries(session=session, actor=actor, list_id=list_id, path=output, findings=findings)
    log_access(actor, "access.list_exported", "lists", list_id, entries=count, file=output.name)
    console.print(
        tr("exported {count} accepted entries of list {list} to {file}", count=number(count), list=list_id, file=output)
    )


@list_app.command("original")
def original_command(
    list_id: int = typer.Argument(..., help="The list id."),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the file, byte for byte."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Write the file a list came from, as it was sent (checked against the hash recorded at import)."""
    from unforgotten.lists.originals import read_original

    with database().read() as session:
        actor = acting(session, as_user)
        file_name, content = read_original(session=session, actor=actor, list_id=list_id)
    output.write_bytes(content)
    log_access(actor, "access.list_original", "lists", list_id, bytes=len(content), file=output.name)
    console.print(
        tr(
            "wrote {name} of list {list} ({size} bytes) to {file}",
            name=file_name,
            list=list_id,
            size=number(len(content)),
            file=output,
        )
    )


@list_app.command("share")
def share_command(
    list_id: int = typer.Argument(..., help="The list id."),
    with_party: str = typer.Option(..., "--with", help="The party to share with: the mediator or the other side."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Share a list with a party (audited); it is linked into that party's space at once."""
    from unforgotten.persons.flows import share_list

    with acting_unit_of_work(as_user, reason=f"share list {list_id} with {with_party}") as (uow, actor):
        linked = share_list(session=uow.session, actor=actor, list_id=list_id, party_code=with_party)
        uow.commit()
    console.print(
        tr(
            "list {list} shared with {party}; {count} entries linked there",
            list=list_id,
            party=with_party.upper(),
            count=number(linked),
        )
    )


@list_app.command("unshare")
def unshare_command(
    list_id: int = typer.Argument(..., help="The list id."),
    with_party: str = typer.Option(..., "--with", help="The party to withdraw the share from."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Withdraw a share for the future: the list leaves that party's space (what was seen stays in the log)."""
    from unforgotten.persons.flows import unshare_list

    with acting_unit_of_work(as_user, reason=f"unshare list {list_id} from {with_party}") as (uow, actor):
        withdrawn = unshare_list(session=uow.session, actor=actor, list_id=list_id, party_code=with_party)
        uow.commit()
    console.print(
        tr(
            "list {list} no longer shared with {party}; {count} links withdrawn",
            list=list_id,
            party=with_party.upper(),
            count=number(withdrawn),
        )
    )


@list_app.command("withdraw")
def withdraw_command(
    list_id: int = typer.Argument(..., help="The list id."),
    reason: str = typer.Option(..., "--reason", help="Why, for the record: e.g. 'wrong file sent'."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Withdraw a list of your party (audited): its entries leave the persons; nothing is deleted."""
    from unforgotten.persons.flows import withdraw_list

    with acting_unit_of_work(as_user, reason=f"withdraw list {list_id}: {reason}") as (uow, actor):
        withdrawn = withdraw_list(session=uow.session, actor=actor, list_id=list_id, reason=reason)
        uow.commit()
    console.print(
        tr(
            "list {list} withdrawn; {count} links to persons withdrawn (the list and its log stay)",
            list=list_id,
            count=number(withdrawn),
        )
    )
