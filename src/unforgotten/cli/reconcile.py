"""``unforgotten reconcile`` and ``unforgotten release`` — which requests the other side acknowledges, and the
answers the mediator releases to the asking side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from unforgotten.cli.app import app
from unforgotten.cli.context import AS_OPTION, acting, acting_unit_of_work, console, database, log_access
from unforgotten.cli.i18n import _, number, tr, word

if TYPE_CHECKING:  # the CLI imports the database and the engines only in the commands that use them
    from sqlalchemy.orm import Session

    from unforgotten.lists.flows import ReconciliationResult


@app.command("reconcile")
def reconcile_command(
    request_list_id: int = typer.Argument(..., help="The request list (persons one side asks for)."),
    custody_list_id: int = typer.Argument(..., help="The other side's custody list (persons it holds)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the counts."),
    output: Path | None = typer.Option(None, "-o", "--output", help="OUT.csv (a row per request, names last) or .xlsx"),
    agreement_id: int | None = typer.Option(None, "--agreement", help="Also count outcomes per category of it."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Reconcile a request list against a custody list: acknowledged, conflicting, not acknowledged, not requested.

    It runs in the mediator's space (or, with --as, the user's own space, which must see both lists).
    """
    from unforgotten.lists import service as lists
    from unforgotten.lists.flows import reconcile, reconciliation_space
    from unforgotten.lists.reconciliation import name_rows, write_reconciliation

    with database().read() as session:
        actor = acting(session, as_user)
        request = lists.get_visible_or_raise(session=session, actor=actor, list_id=request_list_id)
        custody = lists.get_visible_or_raise(session=session, actor=actor, list_id=custody_list_id)
        space_id = reconciliation_space(session=session, actor=actor, request=request, custody=custody)
        result = reconcile(session=session, request=request, custody=custody, space_id=space_id)
        per_category = _per_category(session, agreement_id, result, space_id) if agreement_id is not None else {}
        # Names as far as the caller sees them: the same rule and the same writer as the page's download.
        named, unrequested = name_rows(session=session, actor=actor, result=result) if output else ([], [])
    if output is not None:
        write_reconciliation(named, unrequested, result.counts(), output)
        log_access(actor, "access.reconciliation_exported", "lists", request_list_id, custody_list=custody_list_id,
                   rows=len(result.rows), file=output.name)  # fmt: skip
    counts = result.counts()
    if as_json:
        body: dict[str, object] = {"request_list_id": request_list_id, "custody_list_id": custody_list_id, **counts}
        if per_category:
            body["by_category"] = per_category
        typer.echo(json.dumps(body, ensure_ascii=False))
        return
    table = Table(
        _("outcome"),
        _("entries"),
        title=tr("request list {request} vs custody list {custody}", request=request_list_id, custody=custody_list_id),
    )
    for key, value in counts.items():
        table.add_row(word(key), number(value))
    console.print(table)
    for category, category_counts in per_category.items():
        console.print(f"{category}: " + ", ".join(f"{word(k)} {number(v)}" for k, v in category_counts.items()))
    if output is not None:
        console.print(tr("written to {file}", file=output))


def _per_category(
    session: Session, agreement_id: int, result: ReconciliationResult, space_id: int
) -> dict[str, dict[str, int]]:
    from unforgotten.agreements import service as agreements
    from unforgotten.agreements.flows import assess, reconciliation_by_category

    agreement = agreements.get_or_raise(session=session, agreement_id=agreement_id)
    report = assess(session=session, agreement=agreement, space_id=space_id)
    return reconciliation_by_category(((r.person_id, r.status.value) for r in result.rows), report)


@app.command("release")
def release_command(
    request_list_id: int = typer.Argument(..., help="The request list whose answers are released."),
    custody_list_id: int = typer.Argument(..., help="The other side's custody list the answers come from."),
    agreement_id: int | None = typer.Option(
        None, "--agreement", help="Whose `transmit:` fields to send (default: the newest agreement in force)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the release's counts."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Release the reconciliation answers of a request list to the side that asked (mediator or holding side).

    One answer per request entry — acknowledged, not acknowledged or conflicting — with only the agreed fields;
    entries still waiting for a review are withheld. The asking side's persons move to acknowledged or not.
    """
    from unforgotten.releases import service as releases

    with acting_unit_of_work(as_user, reason=f"release answers to list {request_list_id}") as (uow, actor):
        release = releases.create(
            session=uow.session, actor=actor, request_list_id=request_list_id, custody_list_id=custody_list_id,
            agreement_id=agreement_id,
        )  # fmt: skip
        to_party = releases.party_code(uow.session, release.to_party_id)
        uow.commit()
    if as_json:
        typer.echo(json.dumps({"release_id": release.id, "to": to_party, **release.counts, "fields": release.fields}))
        return
    counts = ", ".join(f"{word(k)} {number(v)}" for k, v in release.counts.items())
    console.print(
        tr(
            "release {release} to {party}: {counts}; fields sent: {fields}",
            release=release.id,
            party=to_party,
            counts=counts,
            fields=", ".join(release.fields),
        )
    )
