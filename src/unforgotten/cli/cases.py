"""``unforgotten case`` — a person's case: show it, move it through the state machine, confirm."""

from __future__ import annotations

import typer
from rich.table import Table

from unforgotten.cli.app import app
from unforgotten.cli.context import AS_OPTION, acting, acting_unit_of_work, console, database, log_access
from unforgotten.cli.i18n import _, number, said, tr, word
from unforgotten.errors import Text

case_app = typer.Typer(help="Case statuses: show, transition, confirm.", no_args_is_help=True)
app.add_typer(case_app, name="case")

AS = AS_OPTION
REASON = typer.Option(..., "--reason", help="Why: recorded with the change and in the audit log.")


@case_app.command("show")
def show(person_id: int, as_user: str | None = AS) -> None:
    """Show a person's current status, what may come next, and the history of the case."""
    from unforgotten.persons import cases
    from unforgotten.persons import service as persons
    from unforgotten.persons.states import allowed_transitions

    with database().read() as session:
        actor = acting(session, as_user)
        person = persons.get_visible_or_raise(session=session, actor=actor, person_id=person_id)
        changes = cases.history(session=session, actor=actor, person_id=person_id)
        console.print(
            tr(
                "person {person}: {name} — status {status}",
                person=person.id,
                name=person.display_name,
                status=f"[bold]{word(person.status)}[/]",
            )
        )
        nexts = ", ".join(word(t.to_status) for t in allowed_transitions(person.status))
        console.print(tr("may move to: {statuses}", statuses=nexts or _("nothing (final)")))
        table = Table(
            _("change"), _("from"), _("to"), _("state"), _("by"), _("confirmed by"), _("evidence"), _("reason")
        )
        for c in changes:
            table.add_row(str(c.id), c.from_status, c.to_status, c.state, c.requested_by, c.confirmed_by or "",
                          c.evidence or "", c.reason or "")  # fmt: skip
    log_access(actor, "access.person_viewed", "persons", person_id)
    console.print(table)


@case_app.command("transition")
def transition(
    person_ids: list[int] = typer.Argument(..., help="One or more person ids (a whole category at once)."),
    to: str = typer.Option(..., "--to", help="The new status."),
    evidence: str | None = typer.Option(None, help="Evidence (document, finding) where the transition needs it."),
    as_user: str | None = AS,
    reason: str = REASON,
) -> None:
    """Move persons to a new status; refused transitions are listed with the reason (exit 6 if any)."""
    from unforgotten.persons import cases

    with acting_unit_of_work(as_user, reason=reason) as (uow, actor):
        outcome = cases.transition_many(
            session=uow.session, actor=actor, person_ids=person_ids, to_status=to, reason=reason, evidence=evidence
        )
        uow.commit()
    console.print(
        tr(
            "changed {changed}, awaiting a second confirmation {pending}",
            changed=number(len(outcome.changed)),
            pending=number(len(outcome.pending)),
        )
    )
    for person_id, why in outcome.refused.items():
        console.print(
            "[red]" + _("refused") + "[/] " + tr("person {person}: {why}", person=person_id, why=said(why)),
            soft_wrap=True,
        )
    if outcome.refused:
        raise typer.Exit(6)


@case_app.command("confirm")
def confirm(change_id: int, as_user: str | None = AS, reason: str = REASON) -> None:
    """Confirm a pending change (e.g. deceased) as a second, different user."""
    from unforgotten.persons import cases

    with acting_unit_of_work(as_user, reason=reason) as (uow, actor):
        change = cases.confirm(session=uow.session, actor=actor, change_id=change_id, reason=reason)
        uow.commit()
    console.print(
        tr("confirmed: person {person} is now {status}", person=change.person_id, status=word(change.to_status))
    )


@case_app.command("finding")
def finding(
    person_id: int,
    outcome: str = typer.Option(..., help="The commission's decision: repatriate, reject or refer."),
    examined_on: str = typer.Option(..., "--date", help="Date of the examination, YYYY-MM-DD."),
    note: str | None = typer.Option(None, help="What the commission noted."),
    as_user: str | None = AS,
) -> None:
    """Record a Mixed Medical Commission finding (mediator only); category rules read it."""
    import datetime as dt

    from unforgotten.errors import InputError
    from unforgotten.persons import cases

    try:
        day = dt.date.fromisoformat(examined_on)
    except ValueError as error:
        raise InputError(
            Text("not an ISO date"), column="--date", value=examined_on, hint=Text("use YYYY-MM-DD")
        ) from error
    with acting_unit_of_work(as_user, reason=f"medical commission {day}") as (uow, actor):
        recorded = cases.record_finding(
            session=uow.session, actor=actor, person_id=person_id, outcome=outcome, examined_on=day, note=note
        )
        uow.commit()
    console.print(
        tr(
            "person {person}: medical commission {date} — {outcome}",
            person=person_id,
            date=recorded.examined_on,
            outcome=recorded.outcome,
        )
    )
