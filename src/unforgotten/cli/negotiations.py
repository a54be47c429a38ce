"""``unforgotten negotiation …``, ``unforgotten due`` and ``unforgotten calendar`` — the negotiation tracker."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich.table import Table

from unforgotten.cli.app import app
from unforgotten.cli.context import AS_OPTION, acting, acting_unit_of_work, console, database
from unforgotten.cli.i18n import _, tr, word

negotiation_app = typer.Typer(help="Negotiations: rounds, documents, meetings, action items.", no_args_is_help=True)
app.add_typer(negotiation_app, name="negotiation")


def _d(value: str, name: str) -> dt.date:
    from unforgotten.negotiations import service

    return service.parse_date(value, field=name)


def _store() -> Path:
    from unforgotten.negotiations import storage
    from unforgotten.settings import get_settings

    return storage.data_dir(get_settings().database_url)


@negotiation_app.command("add")
def add(
    title: str = typer.Argument(...),
    side_a: str = typer.Option(..., "--a"),
    side_b: str = typer.Option(..., "--b"),
    opened_on: str | None = typer.Option(None, "--opened-on"),
    as_user: str | None = AS_OPTION,
) -> None:
    """Open a negotiation between two sides (the mediator); prints its id."""
    from unforgotten.negotiations import service

    with acting_unit_of_work(as_user, reason="open negotiation") as (uow, actor):
        made = service.create(
            session=uow.session,
            actor=actor,
            title=title,
            side_a=side_a,
            side_b=side_b,
            opened_on=_d(opened_on, "opened_on") if opened_on else None,
        )
        uow.commit()
    typer.echo(made.id)


@negotiation_app.command("show")
def show(negotiation_id: int = typer.Argument(...), as_user: str | None = AS_OPTION) -> None:
    """Everything recorded in a negotiation, as JSON."""
    from unforgotten.negotiations import service

    with database().read() as session:
        actor = acting(session, as_user)
        negotiation = service.get_visible_or_raise(session=session, actor=actor, negotiation_id=negotiation_id)
        children = service.get_children(session=session, negotiation=negotiation)
        out = {
            kind: [{c.key: getattr(row, c.key) for c in row.__table__.columns} for row in rows]
            for kind, rows in children.items()
        }
    typer.echo(json.dumps({"id": negotiation_id, "title": negotiation.title, **out}, ensure_ascii=False, default=str))


@negotiation_app.command("round")
def add_round(
    negotiation_id: int = typer.Argument(...),
    held_on: str = typer.Option(..., "--on"),
    place: str = typer.Option("", "--place"),
    delegations: str = typer.Option("", "--delegations"),
    minutes: int | None = typer.Option(None, "--minutes", help="Duration in minutes."),
    agreement_id: int | None = typer.Option(None, "--agreement", help="The agreement made at this round."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Record a round of talks (the mediator)."""
    from unforgotten.negotiations import service

    with acting_unit_of_work(as_user, reason="record round") as (uow, actor):
        made = service.create_round(
            session=uow.session,
            actor=actor,
            negotiation_id=negotiation_id,
            held_on=_d(held_on, "held_on"),
            place=place,
            delegations=delegations,
            duration_minutes=minutes,
            agreement_id=agreement_id,
        )
        uow.commit()
    typer.echo(made.id)


@negotiation_app.command("document")
def add_document(
    negotiation_id: int = typer.Argument(...),
    file: Path = typer.Argument(..., help="The document's file (stored by its SHA-256)."),
    title: str = typer.Option(..., "--title"),
    received_on: str = typer.Option(..., "--received"),
    review_days: int = typer.Option(7, "--review-days", help="Days to review (as agreed in June 2025: a week)."),
    party: str | None = typer.Option(None, "--party", help="The sending side (only without --as)."),
    series: str | None = typer.Option(None, "--new-version-of", help="The series of the document this revises."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Record a document a side sent; the review deadline is a week after receipt unless told otherwise."""
    from unforgotten.negotiations import service

    with acting_unit_of_work(as_user, reason=f"document {file.name}") as (uow, actor):
        made = service.create_document(
            session=uow.session,
            actor=actor,
            negotiation_id=negotiation_id,
            title=title,
            path=file,
            store=_store(),
            received_on=_d(received_on, "received_on"),
            review_days=review_days,
            party_code=party,
            series=series,
        )
        uow.commit()
    console.print(
        tr(
            "document {document} v{version} sha256 {sha256}; review by {deadline}",
            document=made.id,
            version=made.version,
            sha256=made.sha256,
            deadline=made.review_deadline,
        )
    )


@negotiation_app.command("answer")
def answer(
    document_id: int = typer.Argument(...),
    on: str = typer.Option(..., "--on"),
    text: str = typer.Option("", "--text"),
    party: str | None = typer.Option(None, "--party", help="The answering side (only without --as)."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Record that your side answered the other side's document."""
    from unforgotten.negotiations import service

    with acting_unit_of_work(as_user, reason=f"answer document {document_id}") as (uow, actor):
        service.answer_document(
            session=uow.session,
            actor=actor,
            document_id=document_id,
            answered_on=_d(on, "answered_on"),
            answer=text,
            party_code=party,
        )
        uow.commit()
    console.print(tr("document {document} answered", document=document_id))


@negotiation_app.command("meeting")
def add_meeting(
    negotiation_id: int = typer.Argument(...),
    title: str = typer.Option(..., "--title"),
    start: str = typer.Option(..., "--from", help="The window's first day."),
    end: str = typer.Option(..., "--to", help="The window's last day."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Propose a meeting for a window of dates (the mediator)."""
    from unforgotten.negotiations import service

    with acting_unit_of_work(as_user, reason="propose meeting") as (uow, actor):
        made = service.create_meeting(
            session=uow.session,
            actor=actor,
            negotiation_id=negotiation_id,
            title=title,
            window_start=_d(start, "window_start"),
            window_end=_d(end, "window_end"),
        )
        uow.commit()
    typer.echo(made.id)


@negotiation_app.command("meeting-status")
def meeting_status(
    meeting_id: int = typer.Argument(...),
    status: str = typer.Option(..., "--status", help="accepted, declined or held."),
    held_on: str | None = typer.Option(None, "--held-on"),
    as_user: str | None = AS_OPTION,
) -> None:
    """Mark a meeting accepted, declined or held (the mediator)."""
    from unforgotten.negotiations import service

    with acting_unit_of_work(as_user, reason=f"meeting {meeting_id}") as (uow, actor):
        service.update_meeting(
            session=uow.session,
            actor=actor,
            meeting_id=meeting_id,
            status=status,
            held_on=_d(held_on, "held_on") if held_on else None,
        )
        uow.commit()
    console.print(tr("meeting {meeting} {status}", meeting=meeting_id, status=word(status)))


@negotiation_app.command("action")
def add_action(
    negotiation_id: int = typer.Argument(...),
    title: str = typer.Option(..., "--title"),
    owner: str = typer.Option(..., "--owner", help="The side that owes it."),
    due_on: str = typer.Option(..., "--due"),
    as_user: str | None = AS_OPTION,
) -> None:
    """Record an action item a side owes by a date (the mediator)."""
    from unforgotten.negotiations import service

    with acting_unit_of_work(as_user, reason="action item") as (uow, actor):
        made = service.create_action(
            session=uow.session,
            actor=actor,
            negotiation_id=negotiation_id,
            title=title,
            owner=owner,
            due_on=_d(due_on, "due_on"),
        )
        uow.commit()
    typer.echo(made.id)


@app.command("due")
def due(
    days: int = typer.Option(7, "--days", help="Look this many days ahead (overdue items always show)."),
    as_of: str | None = typer.Option(None, "--as-of"),
    as_json: bool = typer.Option(False, "--json"),
    as_user: str | None = AS_OPTION,
) -> None:
    """What falls due: document reviews, action items, meeting windows."""
    from unforgotten.negotiations import timeline

    day = _d(as_of, "as_of") if as_of else dt.date.today()
    with database().read() as session:
        items = timeline.due(session=session, actor=acting(session, as_user), as_of=day, days=days)
    if as_json:
        typer.echo(json.dumps([i.as_dict() for i in items], ensure_ascii=False))
        return
    table = Table(
        _("due"),
        _("kind"),
        _("title"),
        _("status"),
        _("days left"),
        title=tr("due by {date}", date=day + dt.timedelta(days=days)),
    )
    for i in items:
        table.add_row(str(i.due_on), i.kind, i.title, i.status, str(i.days_left))
    console.print(table)


@app.command("calendar")
def calendar(
    output: Path = typer.Option(..., "-o", "--output", help="The .ics file to write."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Write review deadlines, action items, meeting windows and rounds as an iCalendar file."""
    from unforgotten.negotiations import timeline
    from unforgotten.negotiations.calendar import to_ics

    with database().read() as session:
        items = timeline.calendar_items(session=session, actor=acting(session, as_user))
    output.write_bytes(to_ics(items))
    console.print(tr("{count} events written to {file}", count=len(items), file=output))
