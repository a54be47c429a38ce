"""The search index: filled when an entry is first linked (once, whatever the spaces), and backfilled by the
migration for the entries linked before it."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.db import make_engine
from unforgotten.migrations import alembic_config, upgrade
from unforgotten.persons.flows import link_space, share_list, submit_list


def _keys(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(sa.text("SELECT count(*) FROM entry_search_keys")) or 0)


def _fresh(tmp_path: Path) -> tuple[sa.Engine, Path]:
    """A migrated SQLite database and a two-row list for UA."""
    engine = make_engine(f"sqlite:///{tmp_path / 'search.db'}")
    upgrade(engine)
    path = tmp_path / "ua.csv"
    path.write_text("record_id,family_name,given_name\nUA-1,Шевченко,Олександр\nUA-2,Шевчук,Андрій\n", "utf-8")
    return engine, path


def test_the_migration_backfills_entries_imported_before_it(tmp_path: Path) -> None:
    engine, path = _fresh(tmp_path)
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


def test_an_entry_is_indexed_when_first_linked_and_once_whatever_the_spaces(tmp_path: Path) -> None:
    engine, path = _fresh(tmp_path)
    with Session(engine) as session:
        auth.create(session=session, code="UA", name="UA")
        auth.create(session=session, code="ICRC", name="ICRC", kind=PartyKind.MEDIATOR)
        operator = auth.operator("cli:x")
        submitted = submit_list(session=session, actor=operator, path=path, party_code="UA", kind="request", link=False)
        session.commit()
        assert _keys(engine) == 0  # imported, linked nowhere: nothing search could answer yet
        link_space(session=session, space_id=auth.get_by_code_or_raise(session=session, code="UA").id, decided_by="t")
        session.commit()
        linked_once = _keys(engine)
        assert linked_once > 0
        share_list(session=session, actor=operator, list_id=submitted.outcome.list_id, party_code="ICRC")
        session.commit()  # linked in a second space: the same keys, not a second set (nor a duplicate-key error)
        assert _keys(engine) == linked_once
    engine.dispose()
