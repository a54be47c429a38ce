"""lists can be withdrawn (by whom, when, why): their entries leave the persons, nothing is deleted

Revision ID: 2b0c11d00001
Revises: 1a0b10c00001
Create Date: 2026-11-30 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "2b0c11d00001"
down_revision: str | None = "1a0b10c00001"
branch_labels: str | None = None
depends_on: str | None = None


# Plain ALTER TABLE, not batch mode: SQLite adds and (since 3.35) drops a column in place, where batch mode would
# copy and drop `lists`, which the entries' foreign keys refuse while enforcement is on.


def upgrade() -> None:
    op.add_column("lists", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("lists", sa.Column("withdrawn_by", sa.String(length=200), nullable=True))
    op.add_column("lists", sa.Column("withdrawn_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    for column in ("withdrawn_reason", "withdrawn_by", "withdrawn_at"):
        op.execute(f"ALTER TABLE lists DROP COLUMN {column}")
