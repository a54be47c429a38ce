"""search keys stored as 64-bit hashes in a table that is its own (key, entry) index, rebuilt from the entries

Revision ID: 4d0e13f00001
Revises: 3c0d12e00001
Create Date: 2026-11-30 09:00:00

The strings of f5ea0c000001 with a second index and a foreign key cost three times the writing (issue 11: a
200,000-row import spent most of its time there). The keys are derived data, so the old table is dropped and the
new one is filled from the entries' fields, as the first backfill did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "4d0e13f00001"
down_revision: str | None = "3c0d12e00001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("entry_search_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_search_keys_key_entry")
    op.drop_table("entry_search_keys")
    op.create_table(
        "entry_search_keys",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("entry_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("key", "entry_id", name=op.f("pk_entry_search_keys")),
        sqlite_with_rowid=False,
    )
    from unforgotten.lists.search import index_missing

    index_missing(op.get_bind())


def downgrade() -> None:
    # Derived data: the downgrade restores the old shape empty (the old code's backfill is not repeated here).
    op.drop_table("entry_search_keys")
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
