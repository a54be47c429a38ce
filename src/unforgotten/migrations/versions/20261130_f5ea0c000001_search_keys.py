"""search keys of entries (names, ids, dates of birth); filled by 4d0e13f00001, which stores them hashed

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
    # No backfill here any more: 4d0e13f00001 replaces this table with hashed keys and fills it from the entries.


def downgrade() -> None:
    with op.batch_alter_table("entry_search_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_search_keys_key_entry")
    op.drop_table("entry_search_keys")
