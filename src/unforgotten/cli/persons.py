"""``unforgotten persons export`` — the persons known to the system, as PFIF 1.4 for tracing agencies."""

from __future__ import annotations

from pathlib import Path

import typer

from unforgotten.cli.app import app
from unforgotten.cli.context import AS_OPTION_HELP, acting, console, database

persons_app = typer.Typer(help="Persons: export them for tracing agencies (PFIF 1.4).", no_args_is_help=True)
app.add_typer(persons_app, name="persons")


@persons_app.command("export")
def export(
    output: Path = typer.Option(..., "-o", "--output", help="OUT.xml: PFIF 1.4 person records with notes."),
    domain: str = typer.Option("unforgotten.local", "--domain", help="Record-id domain: ids are DOMAIN/person-id."),
    as_user: str | None = typer.Option(None, "--as", help=AS_OPTION_HELP + " Only what that user may see."),
) -> None:
    """Export every current person with a note per list entry and per applied status change (PFIF 1.4)."""
    from unforgotten.lists import service as lists
    from unforgotten.persons.export import export_pfif

    if output.suffix.lower() != ".xml":
        from unforgotten.errors import InputError

        raise InputError("PFIF is XML", value=str(output), hint="name the output file OUT.xml")
    with database().read() as session:
        actor = None if as_user is None else acting(session, as_user)
        entry_ids = None if actor is None else lists.visible_entry_ids(session=session, actor=actor)
        count = export_pfif(session=session, path=output, domain=domain, entry_ids=entry_ids)
    console.print(f"exported {count:,} persons to {output}")
