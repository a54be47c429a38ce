"""``unforgotten audit`` — the event log and its hash chain."""

from __future__ import annotations

import typer

from unforgotten.audit import service as audit_service
from unforgotten.cli.app import app
from unforgotten.cli.context import console, database

audit_app = typer.Typer(help="The audit log: verify its hash chain, list events.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify() -> None:
    """Verify the event hash chain; exit 7 naming the first bad event when it is broken."""
    with database().read() as session:
        count = audit_service.verify(session=session)
    console.print(f"audit chain intact: {count} events verify")


@audit_app.command("log")
def log(limit: int = typer.Option(20, help="How many of the newest events to show.")) -> None:
    """Show the newest events."""
    from rich.table import Table

    table = Table("id", "when", "actor", "action", "subject", "reason")
    with database().read() as session:
        for event in audit_service.get_all(session=session, limit=limit):
            table.add_row(
                str(event.id),
                event.occurred_at.isoformat(timespec="seconds"),
                event.actor,
                event.action,
                f"{event.subject_type}/{event.subject_id or ''}",
                event.reason or "",
            )
    console.print(table)
