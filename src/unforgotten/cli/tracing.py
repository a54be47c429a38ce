"""``unforgotten tracing …`` — requests per child, hand-over with a deadline, responses, reunion, overdue."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich.table import Table

from unforgotten.cli.app import app
from unforgotten.cli.context import AS_OPTION, acting, acting_unit_of_work, console, database, log_access
from unforgotten.cli.i18n import _, number, term, tr
from unforgotten.errors import Text

tracing_app = typer.Typer(help="Tracing of children: requests, hand-overs, responses, reunions.", no_args_is_help=True)
app.add_typer(tracing_app, name="tracing")


def _date(value: str | None, name: str) -> dt.date | None:
    from unforgotten.negotiations.service import parse_date

    return None if value is None else parse_date(value, field=name)


@tracing_app.command("register")
def register(list_id: int = typer.Argument(..., help="A tracing list's id."), as_user: str | None = AS_OPTION) -> None:
    """Make a tracing request of every child on a tracing list (its side's tracing officer or coordinator)."""
    from unforgotten.tracing import service

    with acting_unit_of_work(as_user, reason=f"register tracing list {list_id}") as (uow, actor):
        count = service.register(session=uow.session, actor=actor, list_id=list_id)
        uow.commit()
    console.print(tr("{count} tracing requests registered from list {list}", count=number(count), list=list_id))


@tracing_app.command("handover")
def handover(
    list_id: int = typer.Argument(..., help="A tracing list's id."),
    to: str = typer.Option(..., "--to", help="The other side (e.g. RU)."),
    on: str = typer.Option(..., "--on", help="Hand-over date, YYYY-MM-DD."),
    deadline: str | None = typer.Option(None, "--deadline", help="Answer deadline (default: --days after --on)."),
    days: int = typer.Option(30, "--days", help="Days to answer when no --deadline (default 30)."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Hand a tracing list over to the other side through the mediator; the deadline starts."""
    from unforgotten.tracing import service

    with acting_unit_of_work(as_user, reason=f"hand over tracing list {list_id}") as (uow, actor):
        made = service.handover(
            session=uow.session,
            actor=actor,
            list_id=list_id,
            to_party=to,
            on=_date(on, "on") or dt.date.today(),
            deadline=_date(deadline, "deadline"),
            days=days,
        )
        uow.commit()
    console.print(
        tr("list {list} handed over to {party} on {day}; deadline {deadline}", list=list_id, party=to.upper(),
           day=made.handed_over_on, deadline=made.deadline)
    )  # fmt: skip


@tracing_app.command("respond")
def respond(
    request_id: int = typer.Argument(..., help="A tracing request's id."),
    outcome: str = typer.Option(
        ..., "--outcome", help="located, returned, in_care, deceased, no_information, not_found."
    ),
    on: str | None = typer.Option(None, "--on", help="Date of the answer (default today)."),
    place: str = typer.Option("", "--place"),
    institution: str = typer.Option("", "--institution"),
    with_whom: str = typer.Option("", "--with"),
    name_now_used: str = typer.Option("", "--name-now-used"),
    evidence: str = typer.Option("", "--evidence"),
    as_user: str | None = AS_OPTION,
) -> None:
    """Answer about one child (the tracing officer of the side the list was handed over to)."""
    from unforgotten.tracing import service

    with acting_unit_of_work(as_user, reason=f"answer tracing request {request_id}") as (uow, actor):
        response = service.respond(
            session=uow.session,
            actor=actor,
            request_id=request_id,
            outcome=outcome,
            responded_on=_date(on, "on") or dt.date.today(),
            place=place,
            institution=institution,
            with_whom=with_whom,
            name_now_used=name_now_used,
            evidence=evidence,
        )
        uow.commit()
    console.print(
        tr(
            "response {response}: request {request} {outcome}",
            response=response.id,
            request=request_id,
            outcome=term(response.outcome),
        )
    )


@tracing_app.command("responses")
def responses(
    file: Path = typer.Argument(..., help="A response file (record_id, outcome, place, … per child)."),
    party: str = typer.Option(..., "--party", help="The answering side."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Import a response file (list kind ``response``) and apply it by record id; refused rows say why."""
    from unforgotten.tracing import flows

    with acting_unit_of_work(as_user, reason=f"responses {file.name}") as (uow, actor):
        report = flows.submit_responses(session=uow.session, actor=actor, path=file, party_code=party)
        uow.commit()
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    console.print(
        tr(
            "list {list}: {applied} applied, {refused} refused, {quarantined} quarantined",
            list=report.list_id,
            applied=report.applied,
            refused=len(report.refused),
            quarantined=report.quarantined,
        )  # fmt: skip
    )
    for refused in report.refused:
        console.print("  " + tr("row {row} ({record}): {reason}", row=refused["row"], record=refused["record_id"],
                                 reason=refused["reason"]), highlight=False)  # fmt: skip


@tracing_app.command("show")
def show(request_id: int = typer.Argument(...), as_user: str | None = AS_OPTION) -> None:
    """A child's record as JSON (an access event)."""
    from unforgotten.tracing import service

    with database().read() as session:
        actor = acting(session, as_user)
        found = service.get_visible_or_raise(session=session, actor=actor, request_id=request_id)
        view = service.view(session=session, actor=actor, request=found)
    log_access(actor, "access.child_viewed", "tracing_requests", request_id)
    typer.echo(json.dumps(view, ensure_ascii=False, default=str))


@tracing_app.command("reunite")
def reunite(
    request_id: int = typer.Argument(...),
    on: str = typer.Option(..., "--on"),
    place: str = typer.Option(..., "--place"),
    with_whom: str = typer.Option(..., "--with"),
    as_user: str | None = AS_OPTION,
) -> None:
    """Record a located child's reunion (the mediator)."""
    from unforgotten.tracing import service

    with acting_unit_of_work(as_user, reason=f"reunion {request_id}") as (uow, actor):
        service.reunify(
            session=uow.session,
            actor=actor,
            request_id=request_id,
            on=_date(on, "on") or dt.date.today(),
            place=place,
            with_whom=with_whom,
        )
        uow.commit()
    console.print(tr("request {request} reunited", request=request_id))


@tracing_app.command("overdue")
def overdue(
    as_of: str | None = typer.Option(None, "--as-of", help="The day to judge by (default today)."),
    as_json: bool = typer.Option(False, "--json", help="An array of record_id, name, handed_over_on, deadline, …"),
    as_user: str | None = AS_OPTION,
) -> None:
    """Children past due: unanswered after the deadline, or located and not reunited after 30 days."""
    from unforgotten.tracing import service

    day = _date(as_of, "as_of") or dt.date.today()
    with database().read() as session:
        actor = acting(session, as_user)
        rows = service.overdue(session=session, actor=actor, as_of=day)
    log_access(actor, "access.tracing_overdue_viewed", "tracing_requests", None, requests=[r.request_id for r in rows])
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False))
        return
    table = Table("record_id", _("name"), _("handed over"), _("deadline"), _("days overdue"), _("status"),
                  title=tr("overdue on {day}", day=day))  # fmt: skip
    for r in rows:
        table.add_row(r.record_id, r.name, str(r.handed_over_on), str(r.deadline), str(r.days_overdue), r.status)
    console.print(table)


@tracing_app.command("match")
def match(
    as_json: bool = typer.Option(False, "--json", help="One JSON object of the counts."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Propose matches for the handed-over requests among the other side's records (the mediator); every proposal
    goes to the mediator's review queue, none is accepted."""
    from unforgotten.tracing import matching

    with acting_unit_of_work(as_user, reason="match tracing requests") as (uow, actor):
        report = matching.match(session=uow.session, actor=actor)
        uow.commit()
    if as_json:
        typer.echo(json.dumps(report.as_dict()))
        return
    console.print(
        tr(
            "{requests} requests against {records} records: {proposals} proposals, {weaker} weaker candidates; "
            "{new} new in the review queue, {before} proposed before, {linked} already one person",
            requests=report.requests,
            records=report.records,
            proposals=report.proposals,
            weaker=report.review_band,
            new=report.new,
            before=report.already_proposed,
            linked=report.already_linked,
        ),  # fmt: skip
        highlight=False,
    )


@tracing_app.command("letter")
def letter(
    side: str = typer.Option(..., "--side", help="The side whose children are overdue (e.g. UA)."),
    output: Path = typer.Option(..., "-o", "--output", help="The letter to write: .xlsx or .pdf."),
    lang: str = typer.Option("en", "--lang", help="The letter's language: uk, ru or en."),
    as_of: str | None = typer.Option(None, "--as-of", help="The day to judge by (default today)."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Write the letter to the other side, through the mediator, listing a side's overdue children (XLSX or PDF)."""
    from unforgotten.errors import InputError
    from unforgotten.tracing import letter as letters

    if output.suffix.lower() not in (".xlsx", ".pdf"):
        raise InputError(
            Text("the letter is written as .xlsx or .pdf"),
            column="output",
            value=output.name,
            hint=Text("name the file letter.xlsx or letter.pdf"),
        )
    day = _date(as_of, "as_of") or dt.date.today()
    with database().read() as session:
        actor = acting(session, as_user)
        made = letters.build(session=session, actor=actor, side=side, as_of=day, language=lang.lower())
    (letters.write_pdf if output.suffix.lower() == ".pdf" else letters.write_xlsx)(made, output)
    log_access(actor, "access.tracing_letter_exported", "tracing_requests", None,
               requests=[r.request_id for r in made.rows], side=made.side, language=made.language)  # fmt: skip
    console.print(
        f"{output}: "
        + tr(
            "{count} overdue children of {side} on {day}, to {other} through {mediator} ({language})",
            count=len(made.rows),
            side=made.side,
            day=day,
            other=made.other,
            mediator=made.mediator,
            language=made.language,
        ),
        highlight=False,
        soft_wrap=True,
    )
