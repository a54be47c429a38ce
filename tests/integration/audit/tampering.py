"""What an attacker with the database does first: drop the append-only guards, so that raw SQL can rewrite the log."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

__all__ = ["drop_guards"]

_SQLITE = ["events_no_update", "events_no_delete", "chain_head_no_delete", "chain_head_forward_only"]
_POSTGRES = [
    ("events_append_only", "events"),
    ("events_no_truncate", "events"),
    ("chain_head_forward_only", "chain_head"),
    ("chain_head_no_truncate", "chain_head"),
]


def drop_guards(session: Session) -> None:
    """Drop the triggers inside the test's transaction (rolled back with it, so other tests keep them)."""
    if session.get_bind().dialect.name == "sqlite":
        for name in _SQLITE:
            session.execute(sa.text(f"DROP TRIGGER {name}"))
    else:
        for name, table in _POSTGRES:
            session.execute(sa.text(f"DROP TRIGGER {name} ON {table}"))
