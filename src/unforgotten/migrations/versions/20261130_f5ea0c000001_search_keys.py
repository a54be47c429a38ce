"""search keys of entries (names, ids, dates of birth), backfilled for the lists already imported

Revision ID: f5ea0c000001
Revises: c14a0e000001
Create Date: 2026-11-30 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "f5ea0c000001"
down_revision: str | None = "c14a0e000001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "entry_search_keys",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name=op.f("fk_entry_search_keys_entry_id_entries"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("entry_id", "key", name=op.f("pk_entry_search_keys")),
    )
    with op.batch_alter_table("entry_search_keys", schema=None) as batch_op:
        batch_op.create_index("ix_entry_search_keys_key_entry", ["key", "entry_id"], unique=False)
    # Backfill through the names engine (pure, no state): the keys are a function of each entry's fields.
    from unforgotten.lists.search import index_missing

    index_missing(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("entry_search_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_search_keys_key_entry")
    op.drop_table("entry_search_keys")
