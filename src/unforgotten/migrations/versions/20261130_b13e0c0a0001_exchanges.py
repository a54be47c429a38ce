"""exchanges: person travel facts, stage plans and approvals, stages, handover lines, signed acts, keys, remains

Revision ID: b13e0c0a0001
Revises: e11c00000001
Create Date: 2026-11-30 03:39:45.667402
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "b13e0c0a0001"
down_revision: str | None = "e11c00000001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:

    op.create_table(
        "exchange_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=80), nullable=False),
        sa.Column("encrypted_private_key", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_exchange_keys_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_keys")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_exchange_keys_fingerprint")),
    )
    with op.batch_alter_table("exchange_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchange_keys_user_id"), ["user_id"], unique=False)

    op.create_table(
        "exchange_person_facts",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("earliest", sa.Date(), nullable=True),
        sa.Column("travel_group", sa.String(length=64), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_exchange_person_facts_person_id_persons")),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_exchange_person_facts")),
    )
    op.create_table(
        "exchange_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("side_a_id", sa.Integer(), nullable=False),
        sa.Column("side_b_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column(
            "stages_spec", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "persons", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "result", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_exchange_plans_agreement_id_agreements")
        ),
        sa.ForeignKeyConstraint(["side_a_id"], ["parties.id"], name=op.f("fk_exchange_plans_side_a_id_parties")),
        sa.ForeignKeyConstraint(["side_b_id"], ["parties.id"], name=op.f("fk_exchange_plans_side_b_id_parties")),
        sa.ForeignKeyConstraint(["space_id"], ["parties.id"], name=op.f("fk_exchange_plans_space_id_parties")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_plans")),
        sa.UniqueConstraint("agreement_id", "version", name=op.f("uq_exchange_plans_agreement_id")),
    )
    with op.batch_alter_table("exchange_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchange_plans_agreement_id"), ["agreement_id"], unique=False)

    op.create_table(
        "exchange_remains_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column(
            "refs", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_exchange_remains_batches_agreement_id_agreements")
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_exchange_remains_batches_party_id_parties")
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["parties.id"], name=op.f("fk_exchange_remains_batches_space_id_parties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_remains_batches")),
    )
    with op.batch_alter_table("exchange_remains_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchange_remains_batches_agreement_id"), ["agreement_id"], unique=False)

    op.create_table(
        "exchange_plan_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"], name=op.f("fk_exchange_plan_approvals_party_id_parties")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["exchange_plans.id"], name=op.f("fk_exchange_plan_approvals_plan_id_exchange_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_plan_approvals")),
        sa.UniqueConstraint("plan_id", "party_id", name=op.f("uq_exchange_plan_approvals_plan_id")),
    )
    op.create_table(
        "exchange_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["exchange_plans.id"], name=op.f("fk_exchange_stages_plan_id_exchange_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_stages")),
        sa.UniqueConstraint("plan_id", "code", name=op.f("uq_exchange_stages_plan_id")),
    )
    with op.batch_alter_table("exchange_stages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchange_stages_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "exchange_acts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["exchange_stages.id"], name=op.f("fk_exchange_acts_stage_id_exchange_stages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_acts")),
        sa.UniqueConstraint("stage_id", name=op.f("uq_exchange_acts_stage_id")),
    )
    op.create_table(
        "exchange_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("from_party_id", sa.Integer(), nullable=False),
        sa.Column("to_party_id", sa.Integer(), nullable=False),
        sa.Column("sent", sa.String(length=16), nullable=True),
        sa.Column("sent_by", sa.String(length=200), nullable=True),
        sa.Column("received", sa.String(length=16), nullable=True),
        sa.Column("received_by", sa.String(length=200), nullable=True),
        sa.Column("observed", sa.String(length=16), nullable=True),
        sa.Column("observed_by", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["from_party_id"], ["parties.id"], name=op.f("fk_exchange_lines_from_party_id_parties")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_exchange_lines_person_id_persons")),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["exchange_stages.id"], name=op.f("fk_exchange_lines_stage_id_exchange_stages")
        ),
        sa.ForeignKeyConstraint(["to_party_id"], ["parties.id"], name=op.f("fk_exchange_lines_to_party_id_parties")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_lines")),
        sa.UniqueConstraint("stage_id", "person_id", name=op.f("uq_exchange_lines_stage_id")),
    )
    with op.batch_alter_table("exchange_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchange_lines_stage_id"), ["stage_id"], unique=False)

    op.create_table(
        "exchange_act_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("act_id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("signer", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("party", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["act_id"], ["exchange_acts.id"], name=op.f("fk_exchange_act_signatures_act_id_exchange_acts")
        ),
        sa.ForeignKeyConstraint(
            ["key_id"], ["exchange_keys.id"], name=op.f("fk_exchange_act_signatures_key_id_exchange_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_act_signatures")),
        sa.UniqueConstraint("act_id", "key_id", name=op.f("uq_exchange_act_signatures_act_id")),
    )
    with op.batch_alter_table("exchange_act_signatures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchange_act_signatures_act_id"), ["act_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("exchange_act_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_act_signatures_act_id"))

    op.drop_table("exchange_act_signatures")
    with op.batch_alter_table("exchange_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_lines_stage_id"))

    op.drop_table("exchange_lines")
    op.drop_table("exchange_acts")
    with op.batch_alter_table("exchange_stages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_stages_plan_id"))

    op.drop_table("exchange_stages")
    op.drop_table("exchange_plan_approvals")
    with op.batch_alter_table("exchange_remains_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_remains_batches_agreement_id"))

    op.drop_table("exchange_remains_batches")
    with op.batch_alter_table("exchange_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_plans_agreement_id"))

    op.drop_table("exchange_plans")
    op.drop_table("exchange_person_facts")
    with op.batch_alter_table("exchange_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_keys_user_id"))

    op.drop_table("exchange_keys")
