"""``unforgotten init`` — create or upgrade the database."""

from __future__ import annotations

from unforgotten.cli.app import app
from unforgotten.cli.context import allow_new_database, console, database, safe_url


@app.command()
def init() -> None:
    """Create the database named by UNFORGOTTEN_DATABASE_URL, or bring it to the newest schema."""
    from unforgotten.settings import get_settings

    allow_new_database()
    database()
    console.print(f"database ready: {safe_url(get_settings().database_url)}")
