"""space_surname_counts: each surname's count among a space's linked entries, cached for the daily list

Revision ID: d4a6b8c0e2f3
Revises: c3f5a7b9d1e2
Create Date: 2026-12-09 09:00:00

Empty at first: a surname is counted on its first use (:mod:`unforgotten.persons.frequencies`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "d4a6b8c0e2f3"
down_revision: str | None = "c3f5a7b9d1e2"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "space_surname_counts",
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["space_id"], ["parties.id"], name=op.f("fk_space_surname_counts_space_id_parties")),
        sa.PrimaryKeyConstraint("space_id", "key", name=op.f("pk_space_surname_counts")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("space_surname_counts")
