"""linked_lists: the lists a space has linked through, so a new list does not scan the space for waiting entries

Revision ID: c3f5a7b9d1e2
Revises: b2e4f6a8c0d1
Create Date: 2026-12-08 09:00:00

Empty at first: the next link in each space reads every list once (as before) and records them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "c3f5a7b9d1e2"
down_revision: str | None = "b2e4f6a8c0d1"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "linked_lists",
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["list_id"], ["lists.id"], name=op.f("fk_linked_lists_list_id_lists")),
        sa.ForeignKeyConstraint(["space_id"], ["parties.id"], name=op.f("fk_linked_lists_space_id_parties")),
        sa.PrimaryKeyConstraint("space_id", "list_id", name=op.f("pk_linked_lists")),
    )


def downgrade() -> None:
    op.drop_table("linked_lists")
