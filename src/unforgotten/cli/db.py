"""``unforgotten init`` — create or upgrade the database."""

from __future__ import annotations

from unforgotten.cli.app import app
from unforgotten.cli.context import console, database
from unforgotten.settings import get_settings


@app.command()
def init() -> None:
    """Create the database named by UNFORGOTTEN_DATABASE_URL, or bring it to the newest schema."""
    database()
    console.print(f"database ready: {_safe_url(get_settings().database_url)}")


def _safe_url(url: str) -> str:
    # Never print a password that may sit in the URL.
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
