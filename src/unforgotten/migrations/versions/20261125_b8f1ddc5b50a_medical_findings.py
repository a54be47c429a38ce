"""medical findings

Revision ID: b8f1ddc5b50a
Revises: 958f6bb3f202
Create Date: 2026-11-25 03:50:01.019591
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "b8f1ddc5b50a"
down_revision: str | None = "958f6bb3f202"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "medical_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("examined_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_medical_findings_person_id_persons")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_findings")),
    )
    with op.batch_alter_table("medical_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medical_findings_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("medical_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medical_findings_person_id"))

    op.drop_table("medical_findings")
