"""exchange_unexpected: persons who arrived at a stage's crossing but are not on its manifest (issue 13)

Revision ID: 9c5e7a1f3d66
Revises: 8b4d6f0e2c55
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9c5e7a1f3d66"
down_revision: str | None = "8b4d6f0e2c55"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_unexpected",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("names", sa.String(length=300), nullable=False),
        sa.Column("date_of_birth", sa.String(length=10), nullable=True),
        sa.Column("from_party_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "candidates", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),  # fmt: skip
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_party_id"], ["parties.id"], name=op.f("fk_exchange_unexpected_from_party_id_parties")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_exchange_unexpected_person_id_persons")),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["exchange_stages.id"], name=op.f("fk_exchange_unexpected_stage_id_exchange_stages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_unexpected")),
    )
    with op.batch_alter_table("exchange_unexpected", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchange_unexpected_stage_id"), ["stage_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exchange_unexpected", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_unexpected_stage_id"))
    op.drop_table("exchange_unexpected")
