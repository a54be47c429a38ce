"""``unforgotten persons export`` — the persons known to the system, as PFIF 1.4 for tracing agencies."""

from __future__ import annotations

from pathlib import Path

import typer

from unforgotten.cli.app import app
from unforgotten.cli.context import AS_OPTION, acting, console, database, log_access
from unforgotten.cli.i18n import number, tr
from unforgotten.errors import Text

persons_app = typer.Typer(help="Persons: export them for tracing agencies (PFIF 1.4).", no_args_is_help=True)
app.add_typer(persons_app, name="persons")


@persons_app.command("export")
def export(
    output: Path = typer.Option(..., "-o", "--output", help="OUT.xml: PFIF 1.4 person records with notes."),
    domain: str = typer.Option("unforgotten.local", "--domain", help="Record-id domain: ids are DOMAIN/person-id."),
    as_user: str | None = AS_OPTION,
) -> None:
    """Export every current person with a note per list entry and per applied status change (PFIF 1.4)."""
    from unforgotten.persons.export import export_pfif

    if output.suffix.lower() != ".xml":
        from unforgotten.errors import InputError

        raise InputError(Text("PFIF is XML"), value=str(output), hint=Text("name the output file OUT.xml"))
    with database().read() as session:
        actor = acting(session, as_user)
        count = export_pfif(session=session, actor=actor, path=output, domain=domain)
    log_access(actor, "access.persons_exported", "persons", None, persons=count, file=output.name)
    console.print(tr("exported {count} persons to {file}", count=number(count), file=output))
