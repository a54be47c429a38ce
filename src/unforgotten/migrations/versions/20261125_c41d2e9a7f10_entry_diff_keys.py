"""entry diff keys: what identifies an entry across list versions, and a fingerprint of its canonical fields

Revision ID: c41d2e9a7f10
Revises: b8f1ddc5b50a
Create Date: 2026-11-25 07:00:00

Why: comparing a new version of a list with the previous one used to hold two maps of every entry in memory;
with both values stored on the entry the comparison is one grouped query, and import memory stays flat.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "c41d2e9a7f10"
down_revision: str | None = "b8f1ddc5b50a"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("diff_key", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("fingerprint")
        batch_op.drop_column("diff_key")
