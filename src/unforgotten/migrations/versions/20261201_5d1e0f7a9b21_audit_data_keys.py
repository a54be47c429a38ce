"""per-subject keys that seal personal values in events (crypto-shredding)

Revision ID: 5d1e0f7a9b21
Revises: 4d0e13f00001
Create Date: 2026-12-01 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "5d1e0f7a9b21"
down_revision: str | None = "4d0e13f00001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "audit_data_keys",
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("subject", name=op.f("pk_audit_data_keys")),
    )


def downgrade() -> None:
    op.drop_table("audit_data_keys")
