"""person merges

Revision ID: 3125c7856bb2
Revises: 7548e77d7378
Create Date: 2026-11-25 02:26:54.727474
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "3125c7856bb2"
down_revision: str | None = "7548e77d7378"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_persons_merged_into_id_persons"), "persons", ["merged_into_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_persons_merged_into_id_persons"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")
