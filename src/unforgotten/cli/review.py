"""``unforgotten review`` — the queue of possible matches: list, accept, reject, merge, split."""

from __future__ import annotations

import typer
from rich.table import Table

from unforgotten.cli.app import app
from unforgotten.cli.context import AS_OPTION, acting, acting_unit_of_work, console, database, default_actor
from unforgotten.cli.i18n import _, number, tr

review_app = typer.Typer(help="Review possible matches and correct persons.", no_args_is_help=True)
app.add_typer(review_app, name="review")

AS = AS_OPTION
REASON = typer.Option(..., "--reason", help="Why: recorded in the audit log.")


@review_app.command("list")
def list_pending(limit: int = typer.Option(50, help="How many to show."), as_user: str | None = AS) -> None:
    """Show pending suggestions in your space (every space without --as), most probable first, with the names
    as the entry's list wrote them and as the suggested person is shown, and the fields that weighed most."""
    from unforgotten.persons import review as review_service

    table = Table(
        _("match"), _("entry"), _("as written"), _("suggested person"), _("shown as"), _("probability"), _("why")
    )
    with database().read() as session:
        actor = acting(session, as_user)
        matches = review_service.get_pending(session=session, actor=actor, limit=limit)
        names = review_service.names_of(session=session, matches=matches)
        for match in matches:
            entry_name, person_name = names.get(match.id, ("", ""))
            table.add_row(
                str(match.id), str(match.entry_id), entry_name, str(match.person_id), person_name,
                f"{match.probability or 0:.3f}", review_service.why(match.explanation),
            )  # fmt: skip
    console.print(table)


@review_app.command("accept")
def accept(match_id: int, as_user: str | None = AS, reason: str = REASON) -> None:
    """Accept a suggestion: the entry joins the suggested person."""
    from unforgotten.persons import review as review_service

    with acting_unit_of_work(as_user, reason=reason) as (uow, actor):
        match = review_service.accept(session=uow.session, actor=actor, match_id=match_id, reason=reason)
        uow.commit()
    console.print(tr("accepted: entry {entry} is person {person}", entry=match.entry_id, person=match.person_id))


@review_app.command("reject")
def reject(match_id: int, as_user: str | None = AS, reason: str = REASON) -> None:
    """Reject a suggestion: the entry stays with its person."""
    from unforgotten.persons import review as review_service

    with acting_unit_of_work(as_user, reason=reason) as (uow, actor):
        review_service.reject(session=uow.session, actor=actor, match_id=match_id, reason=reason)
        uow.commit()
    console.print(tr("rejected match {match}", match=match_id))


@review_app.command("merge")
def merge(keep_id: int, merge_id: int, as_user: str | None = AS, reason: str = REASON) -> None:
    """Merge person MERGE_ID into KEEP_ID (both are one individual)."""
    from unforgotten.persons import review as review_service

    with acting_unit_of_work(as_user, reason=reason) as (uow, actor):
        review_service.merge(session=uow.session, actor=actor, keep_id=keep_id, merge_id=merge_id, reason=reason)
        uow.commit()
    console.print(tr("merged person {merged} into {kept}", merged=merge_id, kept=keep_id))


@review_app.command("split")
def split(entry_id: int, as_user: str | None = AS, reason: str = REASON) -> None:
    """Split an entry off its person into a new person."""
    from unforgotten.persons.flows import split_entry

    with acting_unit_of_work(as_user, reason=reason) as (uow, actor):
        person = split_entry(session=uow.session, actor=actor, entry_id=entry_id, reason=reason)
        uow.commit()
    console.print(tr("entry {entry} is now person {person}", entry=entry_id, person=person.id))


@review_app.command("link")
def link() -> None:
    """Link, in every space, each visible accepted entry that has no person there yet (after --no-link imports)."""
    from unforgotten.persons.flows import link_all

    with database().unit_of_work(actor=default_actor(), reason="link entries into persons") as uow:
        linked = link_all(session=uow.session, decided_by=default_actor())
        uow.commit()
    console.print(tr("{count} entries linked into persons", count=number(linked)))
