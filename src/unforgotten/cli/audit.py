"""``unforgotten audit`` — the event log and its hash chain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from unforgotten.cli.app import app
from unforgotten.cli.context import console, database
from unforgotten.cli.i18n import number, tr
from unforgotten.errors import Text

audit_app = typer.Typer(
    help="The audit log: verify its hash chain, sign checkpoints, list events.", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(
    receipts: Path | None = typer.Option(
        None,
        "--receipts",
        help="A folder of checkpoint receipts (*.json): each receipted head must still be in the chain.",
        exists=True,
        file_okay=False,
    ),
) -> None:
    """Verify the event hash chain (and receipts); exit 7 naming the first bad event or each failing receipt."""
    from unforgotten.audit import service as audit_service

    with database().read() as session:
        if receipts is None:
            count = audit_service.verify(session=session)
        else:
            loaded = _load_receipts(receipts)
            count = audit_service.verify_receipts(session=session, receipts=loaded)
    console.print(tr("audit chain intact: {count} events verify", count=number(count)))
    if receipts is not None:
        console.print(tr("{count} receipts: every receipted head is still in the chain", count=number(len(loaded))))


def _load_receipts(folder: Path) -> dict[str, dict[str, Any]]:
    from unforgotten.errors import InputError

    loaded: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            loaded[path.name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InputError(Text("receipt cannot be read: {error}", error=error), file=str(path)) from error
    if not loaded:
        raise InputError(
            Text("no receipts (*.json) in the folder"),
            file=str(folder),
            hint=Text("see `unforgotten audit checkpoint`"),
        )
    return loaded


@audit_app.command("checkpoint")
def checkpoint(
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the signed receipt (JSON)."),
) -> None:
    """Sign the chain head (Ed25519, key outside the database) and write a receipt that each side keeps."""
    from unforgotten.audit import service as audit_service
    from unforgotten.audit.checkpoints import checkpoint_key
    from unforgotten.settings import get_settings

    key = checkpoint_key(get_settings())
    with database().read() as session:
        receipt = audit_service.checkpoint(session=session, key=key)
    output.write_text(json.dumps(receipt, indent=2) + "\n", encoding="utf-8")
    head = receipt["head"]
    console.print(
        tr(
            "checkpoint: event {event} ({count} events), hash {hash}…, key {key} → {file}",
            event=head["event_id"],
            count=number(head["count"]),
            hash=head["hash"][:12],
            key=receipt["key_id"],
            file=output,
        ),
        soft_wrap=True,
    )


@audit_app.command("log")
def log(
    limit: int = typer.Option(20, help="How many of the newest events to show."),
    values: bool = typer.Option(False, "--values", help="Show the values before and after (erased ones as <erased>)."),
    subject_type: str | None = typer.Option(None, "--subject-type", help="Only events of this table, e.g. persons."),
) -> None:
    """Show the newest events."""
    from rich.table import Table

    from unforgotten.audit import service as audit_service

    columns = ["id", "when", "actor", "action", "subject", "reason"] + (["before", "after"] if values else [])
    table = Table(*columns)
    with database().read() as session:
        events = audit_service.get_all(session=session, limit=limit, subject_type=subject_type)
        for event in audit_service.opened(session=session, events=events):
            cells = [str(event["id"]), event["at"][:19], event["actor"], event["action"],
                     f"{event['subject_type']}/{event['subject_id'] or ''}", event["reason"] or ""]  # fmt: skip
            if values:
                cells += [_values(event["before"]), _values(event["after"])]
            table.add_row(*cells)
    console.print(table)


def _values(values: dict[str, Any] | None) -> str:
    return "" if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
