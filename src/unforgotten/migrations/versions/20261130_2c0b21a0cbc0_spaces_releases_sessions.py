"""spaces, releases, agreement acceptances, web sessions, token expiry

Revision ID: 2c0b21a0cbc0
Revises: c41d2e9a7f10
Create Date: 2026-11-30 02:42:22.551934
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "2c0b21a0cbc0"
down_revision: str | None = "c41d2e9a7f10"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_web_sessions_id_hash")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "agreement_acceptances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("accepted_by", sa.String(length=200), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_agreement_acceptances_agreement_id_agreements")
        ),
        sa.ForeignKeyConstraint(["party_id"], ["parties.id"], name=op.f("fk_agreement_acceptances_party_id_parties")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_acceptances")),
        sa.UniqueConstraint("agreement_id", "party_id", name=op.f("uq_agreement_acceptances_agreement_id")),
    )
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_list_id", sa.Integer(), nullable=False),
        sa.Column("custody_list_id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("to_party_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=True),
        sa.Column(
            "fields", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "counts", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("answers_digest", sa.String(length=64), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agreement_id"], ["agreements.id"], name=op.f("fk_releases_agreement_id_agreements")),
        sa.ForeignKeyConstraint(["custody_list_id"], ["lists.id"], name=op.f("fk_releases_custody_list_id_lists")),
        sa.ForeignKeyConstraint(["request_list_id"], ["lists.id"], name=op.f("fk_releases_request_list_id_lists")),
        sa.ForeignKeyConstraint(["space_id"], ["parties.id"], name=op.f("fk_releases_space_id_parties")),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"], ["releases.id"], name=op.f("fk_releases_superseded_by_id_releases")
        ),
        sa.ForeignKeyConstraint(["to_party_id"], ["parties.id"], name=op.f("fk_releases_to_party_id_parties")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_releases")),
    )
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_releases_request_list_id"), ["request_list_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_releases_to_party_id"), ["to_party_id"], unique=False)

    op.create_table(
        "release_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("request_entry_id", sa.Integer(), nullable=False),
        sa.Column("request_record_id", sa.String(length=200), nullable=True),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column(
            "transmitted", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["release_id"], ["releases.id"], name=op.f("fk_release_answers_release_id_releases")),
        sa.ForeignKeyConstraint(
            ["request_entry_id"], ["entries.id"], name=op.f("fk_release_answers_request_entry_id_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_answers")),
    )
    with op.batch_alter_table("release_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_release_answers_release_id"), ["release_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_release_answers_request_entry_id"), ["request_entry_id"], unique=False)

    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("loaded_by", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column(
                "transmit",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=False,
                server_default="[]",
            )
        )

    with op.batch_alter_table("list_shares", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shared_by", sa.String(length=200), nullable=False, server_default=""))

    # Persons become per space. An existing person is put in the space of the party whose list first named it;
    # its matches follow it. `unforgotten account` then names any entry linked across spaces (from the days when
    # linking ran over every party's entries), to be re-linked with a fresh import.
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("space_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("retired_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("space_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE persons SET space_id = (SELECT lists.party_id FROM matches JOIN entries ON entries.id = matches.entry_id"
        " JOIN lists ON lists.id = entries.list_id WHERE matches.person_id = persons.id ORDER BY matches.id LIMIT 1)"
    )
    op.execute("UPDATE persons SET space_id = (SELECT MIN(id) FROM parties) WHERE space_id IS NULL")
    op.execute(
        "UPDATE matches SET space_id = (SELECT persons.space_id FROM persons WHERE persons.id = matches.person_id)"
    )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.alter_column("space_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_persons_space_id"), ["space_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_persons_space_id_parties"), "parties", ["space_id"], ["id"])
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.alter_column("space_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index(
            batch_op.f("uq_matches_entry_accepted"),
            sqlite_where=sa.text("state = 'accepted'"),
            postgresql_where=sa.text("state = 'accepted'"),
        )
        batch_op.create_index(batch_op.f("ix_matches_space_id"), ["space_id"], unique=False)
        batch_op.create_index(
            "uq_matches_entry_space_accepted",
            ["entry_id", "space_id"],
            unique=True,
            sqlite_where=sa.text("state = 'accepted'"),
            postgresql_where=sa.text("state = 'accepted'"),
        )
        batch_op.create_foreign_key(batch_op.f("fk_matches_space_id_parties"), "parties", ["space_id"], ["id"])

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("token_expires_at")

    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_persons_space_id_parties"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_persons_space_id"))
        batch_op.drop_column("retired_reason")
        batch_op.drop_column("space_id")

    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_matches_space_id_parties"), type_="foreignkey")
        batch_op.drop_index(
            "uq_matches_entry_space_accepted",
            sqlite_where=sa.text("state = 'accepted'"),
            postgresql_where=sa.text("state = 'accepted'"),
        )
        batch_op.drop_index(batch_op.f("ix_matches_space_id"))
        batch_op.create_index(
            batch_op.f("uq_matches_entry_accepted"),
            ["entry_id"],
            unique=True,
            sqlite_where=sa.text("state = 'accepted'"),
            postgresql_where=sa.text("state = 'accepted'"),
        )
        batch_op.drop_column("space_id")

    with op.batch_alter_table("list_shares", schema=None) as batch_op:
        batch_op.drop_column("shared_by")

    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_column("transmit")
        batch_op.drop_column("loaded_by")

    with op.batch_alter_table("release_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_release_answers_request_entry_id"))
        batch_op.drop_index(batch_op.f("ix_release_answers_release_id"))

    op.drop_table("release_answers")
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_releases_to_party_id"))
        batch_op.drop_index(batch_op.f("ix_releases_request_list_id"))

    op.drop_table("releases")
    op.drop_table("agreement_acceptances")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_user_id"))

    op.drop_table("web_sessions")
