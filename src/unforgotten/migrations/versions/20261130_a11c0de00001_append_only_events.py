"""append-only events: the database itself refuses UPDATE and DELETE on the log, and a chain head that goes back

Revision ID: a11c0de00001
Revises: b13e0c0a0001
Create Date: 2026-11-30 12:00:00

The recorder only ever inserts events and moves the one-row chain head forward, so the guards refuse everything
else: an UPDATE or DELETE (or, on PostgreSQL, TRUNCATE) of ``events``; deleting the chain head; moving it back or
to an event that does not exist with that hash. Whoever can drop a trigger can still rewrite the log: signed
checkpoints (``unforgotten audit checkpoint``) catch that, and ``docs/security.md`` shows the PostgreSQL roles that
keep the application's own role from doing either.
"""

from __future__ import annotations

from alembic import op

revision: str = "a11c0de00001"
down_revision: str | None = "b13e0c0a0001"
branch_labels: str | None = None
depends_on: str | None = None

_SQLITE_UP = [
    """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END""",
    """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END""",
    """CREATE TRIGGER chain_head_no_delete BEFORE DELETE ON chain_head
    BEGIN SELECT RAISE(ABORT, 'the chain head cannot be deleted'); END""",
    """CREATE TRIGGER chain_head_forward_only BEFORE UPDATE ON chain_head
    WHEN NEW.id != OLD.id OR NEW.last_event_id < OLD.last_event_id
      OR NOT EXISTS (SELECT 1 FROM events WHERE id = NEW.last_event_id AND hash = NEW.last_hash)
    BEGIN SELECT RAISE(ABORT, 'the chain head only moves forward, to an event that exists'); END""",
]
_SQLITE_DOWN = ["events_no_update", "events_no_delete", "chain_head_no_delete", "chain_head_forward_only"]

_POSTGRES_UP = [
    """CREATE FUNCTION unforgotten_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION unforgotten_events_append_only()""",
    """CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION unforgotten_events_append_only()""",
    """CREATE FUNCTION unforgotten_chain_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'the chain head cannot be removed (% refused)', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF NEW.id <> OLD.id OR NEW.last_event_id < OLD.last_event_id
         OR NOT EXISTS (SELECT 1 FROM events WHERE id = NEW.last_event_id AND hash = NEW.last_hash) THEN
        RAISE EXCEPTION 'the chain head only moves forward, to an event that exists'
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER chain_head_forward_only BEFORE UPDATE OR DELETE ON chain_head
    FOR EACH ROW EXECUTE FUNCTION unforgotten_chain_head_forward_only()""",
    """CREATE TRIGGER chain_head_no_truncate BEFORE TRUNCATE ON chain_head
    FOR EACH STATEMENT EXECUTE FUNCTION unforgotten_chain_head_forward_only()""",
]
_POSTGRES_DOWN = [
    "DROP TRIGGER chain_head_no_truncate ON chain_head",
    "DROP TRIGGER chain_head_forward_only ON chain_head",
    "DROP FUNCTION unforgotten_chain_head_forward_only()",
    "DROP TRIGGER events_no_truncate ON events",
    "DROP TRIGGER events_append_only ON events",
    "DROP FUNCTION unforgotten_events_append_only()",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in _POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in _SQLITE_DOWN:
            op.execute(f"DROP TRIGGER {name}")
    elif dialect == "postgresql":
        for statement in _POSTGRES_DOWN:
            op.execute(statement)
