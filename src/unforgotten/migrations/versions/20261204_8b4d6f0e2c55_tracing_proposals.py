"""tracing_proposals: records of the other side proposed for a tracing request, each with its pending match

Revision ID: 8b4d6f0e2c55
Revises: 7a3c5e9d1b44
Create Date: 2026-12-04 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "8b4d6f0e2c55"
down_revision: str | None = "7a3c5e9d1b44"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "tracing_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("record_entry_id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("proposed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["tracing_requests.id"], name=op.f("fk_tracing_proposals_request_id_tracing_requests")
        ),
        sa.ForeignKeyConstraint(
            ["record_entry_id"], ["entries.id"], name=op.f("fk_tracing_proposals_record_entry_id_entries")
        ),
        sa.ForeignKeyConstraint(["match_id"], ["matches.id"], name=op.f("fk_tracing_proposals_match_id_matches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracing_proposals")),
        sa.UniqueConstraint("request_id", "record_entry_id", name=op.f("uq_tracing_proposals_request_id")),
    )
    with op.batch_alter_table("tracing_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tracing_proposals_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tracing_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracing_proposals_request_id"))
    op.drop_table("tracing_proposals")
