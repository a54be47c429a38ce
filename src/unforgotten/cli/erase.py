"""``unforgotten erase`` — erase a person's personal data (crypto-shredding); the log still verifies."""

from __future__ import annotations

import typer

from unforgotten.cli.app import app
from unforgotten.cli.context import AS_OPTION, acting_unit_of_work, console, database
from unforgotten.cli.i18n import tr

erase_app = typer.Typer(
    help="Erase a data subject's personal values from the current rows and, by destroying its key, from the log.",
    no_args_is_help=True,
)
app.add_typer(erase_app, name="erase")


@erase_app.command("person")
def person(
    person_id: int,
    reason: str = typer.Option(..., "--reason", help="Why: the request or decision carried out (audited)."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Blank a person's personal values, destroy its key (mediator or admin); exit 6 if already erased."""
    from unforgotten.audit.erasure import erase_person, scrub

    with acting_unit_of_work(as_user, reason=reason) as (uow, actor):
        done = erase_person(session=uow.session, actor=actor, person_id=person_id, reason=reason)
        uow.commit()
    scrub(database().engine)
    blanked = ", ".join(f"{table} {n}" for table, n in done.blanked.items()) or "none were set"
    console.print(
        tr("person {person} erased: values blanked ({fields}); its key is destroyed", person=person_id, fields=blanked),
        soft_wrap=True,
    )
