"""``unforgotten init | backup | restore`` — create or upgrade the database; back it up and bring it back."""

from __future__ import annotations

from pathlib import Path

import typer

from unforgotten.cli.app import app
from unforgotten.cli.context import allow_new_database, console, database, safe_url
from unforgotten.cli.i18n import number, tr


@app.command()
def init() -> None:
    """Create the database named by UNFORGOTTEN_DATABASE_URL, or bring it to the newest schema."""
    from unforgotten.settings import get_settings

    allow_new_database()
    database()
    console.print(tr("database ready: {url}", url=safe_url(get_settings().database_url)))


@app.command("backup")
def backup_command(
    output: Path = typer.Option(..., "-o", "--output", help="The encrypted backup file to write."),
    passphrase_file: Path | None = typer.Option(
        None,
        "--passphrase-file",
        help="First line: the passphrase (else UNFORGOTTEN_BACKUP_PASSPHRASE).",
    ),
) -> None:
    """Back up the whole database, encrypted with a passphrase (audited); SQLite online, pg_dump on PostgreSQL."""
    from unforgotten.backups.service import backup, passphrase_from
    from unforgotten.cli.context import default_actor

    meta = backup(database=database(), output=output, passphrase=passphrase_from(passphrase_file),
                  actor=default_actor())  # fmt: skip
    console.print(
        tr(
            "backed up the {dialect} database to {file} ({size} bytes, encrypted)",
            dialect=meta["dialect"],
            file=output,
            size=number(output.stat().st_size),
        )
    )


@app.command("restore")
def restore_command(
    source: Path = typer.Argument(..., help="A file written by `unforgotten backup`."),
    passphrase_file: Path | None = typer.Option(
        None,
        "--passphrase-file",
        help="First line: the passphrase (else UNFORGOTTEN_BACKUP_PASSPHRASE).",
    ),
    force: bool = typer.Option(False, "--force", help="Replace the database that is there."),
) -> None:
    """Restore a backup into UNFORGOTTEN_DATABASE_URL (a new SQLite file or an empty PostgreSQL database); audited.

    Then `unforgotten audit verify` and `unforgotten account` prove it whole.
    """
    from unforgotten.backups.service import passphrase_from, restore
    from unforgotten.cli.context import default_actor
    from unforgotten.settings import get_settings

    url = get_settings().database_url
    meta = restore(url=url, source=source, passphrase=passphrase_from(passphrase_file), actor=default_actor(),
                   force=force)  # fmt: skip
    console.print(
        tr("restored {name} (made {made}) into {url}", name=source.name, made=meta["created_at"], url=safe_url(url))
    )
