"""optimistic locking: a version on persons, matches and status changes

Revision ID: e11c00000001
Revises: d10a00000001
Create Date: 2026-11-30 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "e11c00000001"
down_revision: str | None = "d10a00000001"
branch_labels: str | None = None
depends_on: str | None = None

_TABLES = ("persons", "matches", "status_changes")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
