"""entry_search_keys: a second index by (entry, key), so that search checks a driven entry with one probe

Revision ID: b2e4f6a8c0d1
Revises: a1d3e5f7b9c2
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

from alembic import op

revision: str = "b2e4f6a8c0d1"
down_revision: str | None = "a1d3e5f7b9c2"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("entry_search_keys", schema=None) as batch_op:
        batch_op.create_index("ix_entry_search_keys_entry_key", ["entry_id", "key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("entry_search_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_entry_search_keys_entry_key")
