"""exchange_remains_identifications: a remains reference later identified, linked to its person (issue 13)

Revision ID: a1d3e5f7b9c2
Revises: 9c5e7a1f3d66
Create Date: 2026-12-06 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "a1d3e5f7b9c2"
down_revision: str | None = "9c5e7a1f3d66"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_remains_identifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("identified_by", sa.String(length=200), nullable=False),
        sa.Column("identified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["exchange_remains_batches.id"],
            name=op.f("fk_exchange_remains_identifications_batch_id_exchange_remains_batches"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_exchange_remains_identifications_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_remains_identifications")),
        sa.UniqueConstraint("batch_id", "ref", name=op.f("uq_exchange_remains_identifications_batch_id")),
    )
    with op.batch_alter_table("exchange_remains_identifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchange_remains_identifications_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exchange_remains_identifications_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exchange_remains_identifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_remains_identifications_person_id"))
        batch_op.drop_index(batch_op.f("ix_exchange_remains_identifications_batch_id"))
    op.drop_table("exchange_remains_identifications")
