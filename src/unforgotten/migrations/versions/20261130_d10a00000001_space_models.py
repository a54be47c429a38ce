"""space models: the linkage model re-estimated per space, cached

Revision ID: d10a00000001
Revises: 2c0b21a0cbc0
Create Date: 2026-11-30 03:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "d10a00000001"
down_revision: str | None = "2c0b21a0cbc0"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "space_models",
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("settings", _JSON, nullable=False),
        sa.Column("trained_on", _JSON, nullable=False),
        sa.Column("estimated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["space_id"], ["parties.id"], name=op.f("fk_space_models_space_id_parties")),
        sa.PrimaryKeyConstraint("space_id", name=op.f("pk_space_models")),
    )


def downgrade() -> None:
    op.drop_table("space_models")
