"""Backups round-trip on SQLite and PostgreSQL (issue 11, item 7): encrypted, audited, and the restored database
proves itself whole (`audit verify`, `account`); a wrong passphrase or an altered file is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from unforgotten.audit import service as audit_service
from unforgotten.audit.flows import account
from unforgotten.audit.models import Event
from unforgotten.auth import service as auth
from unforgotten.backups.service import backup, restore
from unforgotten.bootstrap import bootstrap
from unforgotten.db import Database
from unforgotten.errors import FileReadError, InputError
from unforgotten.persons import flows
from unforgotten.settings import Settings

PASSPHRASE = "correct horse battery staple"


def _filled(url: str, tmp_path: Path) -> Database:
    database = bootstrap(Settings(database_url=url))
    path = tmp_path / "ua.csv"
    path.write_text("ПІБ;Дата народження\nШевчук Роман Ярославович;19.04.1990\nГнатюк Петро;03.02.1985\n",
                    encoding="utf-8")  # fmt: skip
    with database.unit_of_work(actor="test") as uow:
        auth.create(session=uow.session, code="UA", name="UA")
        flows.submit_list(session=uow.session, actor=auth.operator("test"), path=path, party_code="UA",
                          kind="request")  # fmt: skip
        uow.commit()
    return database


def _round_trip(source_url: str, target_url: str, tmp_path: Path) -> None:
    database = _filled(source_url, tmp_path)
    file = tmp_path / "backup.ufb"
    meta = backup(database=database, output=file, passphrase=PASSPHRASE, actor="test")
    database.engine.dispose()
    assert "Шевчук".encode() not in file.read_bytes()  # encrypted, not just packed
    restored_meta = restore(url=target_url, source=file, passphrase=PASSPHRASE, actor="test")
    assert restored_meta["sha256"] == meta["sha256"]
    restored = bootstrap(Settings(database_url=target_url))
    try:
        with restored.read() as session:
            assert account(session=session).violations == []
            audit_service.verify(session=session)
            actions = list(session.scalars(sa.select(Event.action).order_by(Event.id)))
            assert actions[-2:] == ["database.backed_up", "database.restored"]
            assert session.scalar(sa.text("SELECT count(*) FROM entries")) == 2
    finally:
        restored.engine.dispose()
    # A wrong passphrase, an altered byte, a short passphrase: refused, saying so.
    with pytest.raises(FileReadError, match="wrong passphrase"):
        restore(url=f"sqlite:///{tmp_path / 'other.db'}", source=file, passphrase=PASSPHRASE + "!", actor="t")
    altered = bytearray(file.read_bytes())
    altered[-10] ^= 1
    (tmp_path / "altered.ufb").write_bytes(bytes(altered))
    with pytest.raises(FileReadError, match="altered"):
        restore(url=f"sqlite:///{tmp_path / 'other.db'}", source=tmp_path / "altered.ufb", passphrase=PASSPHRASE,
                actor="t")  # fmt: skip
    again = bootstrap(Settings(database_url=source_url))
    try:
        with pytest.raises(InputError, match="shorter than 12"):
            backup(database=again, output=tmp_path / "x", passphrase="short", actor="t")
    finally:
        again.engine.dispose()


def test_a_sqlite_backup_round_trips(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'live.db'}", f"sqlite:///{tmp_path / 'restored.db'}", tmp_path)


@pytest.mark.postgres
def test_a_postgresql_backup_round_trips(tmp_path: Path, postgres_server: str) -> None:
    from tests.postgres import scratch_database

    with scratch_database(postgres_server) as source, scratch_database(postgres_server) as target:
        _round_trip(source, target, tmp_path)
