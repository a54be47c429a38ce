"""blocking keys per entry, and the version of them a space was keyed with

Revision ID: 1a0b10c00001
Revises: f5ea0c000001
Create Date: 2026-11-30 06:00:00

No backfill here: a space whose ``keys_version`` is not the code's keys its linked entries the next time it links
(:func:`unforgotten.persons.linking.link_space`), so an existing database needs nothing but this schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "1a0b10c00001"
down_revision: str | None = "f5ea0c000001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "entry_link_keys",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("key", "entry_id", name=op.f("pk_entry_link_keys")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("space_models", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keys_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("space_models", schema=None) as batch_op:
        batch_op.drop_column("keys_version")
    op.drop_table("entry_link_keys")
