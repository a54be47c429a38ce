"""the files lists came from, content-addressed and compressed

Revision ID: 3c0d12e00001
Revises: 2b0c11d00001
Create Date: 2026-11-30 07:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "3c0d12e00001"
down_revision: str | None = "2b0c11d00001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("compression", sa.String(length=16), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_stored_files")),
    )


def downgrade() -> None:
    op.drop_table("stored_files")
