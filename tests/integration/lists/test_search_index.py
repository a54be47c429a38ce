"""The search-keys migration backfills the lists imported before it, and the backfill can run again."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.db import make_engine
from unforgotten.migrations import alembic_config, upgrade
from unforgotten.persons.flows import submit_list


def _keys(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(sa.text("SELECT count(*) FROM entry_search_keys")) or 0)


def test_the_migration_backfills_entries_imported_before_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    upgrade(engine)
    path = tmp_path / "ua.csv"
    path.write_text("record_id,family_name,given_name\nUA-1,Шевченко,Олександр\nUA-2,Шевчук,Андрій\n", "utf-8")
    with Session(engine) as session:
        auth.create(session=session, code="UA", name="UA")
        submit_list(session=session, actor=auth.operator("cli:x"), path=path, party_code="UA", kind="request")
        session.commit()
    imported = _keys(engine)
    assert imported > 0
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "c14a0e000001")
    assert "entry_search_keys" not in sa.inspect(engine).get_table_names()
    upgrade(engine)
    assert _keys(engine) == imported
    engine.dispose()
