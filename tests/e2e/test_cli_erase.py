"""End to end: ``erase person`` through the installed command; verify, receipts and account pass afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.e2e.test_cli_audit import run_cli

from unforgotten.auth import service as parties
from unforgotten.auth.models import PartyKind
from unforgotten.bootstrap import bootstrap
from unforgotten.persons.models import Person, StatusChange
from unforgotten.settings import Settings

CANARY = "Canarenko Ptashka"


def test_erase_person_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # the event table unwrapped, so a value is one string
    db = tmp_path / "erase.db"
    url = f"sqlite:///{db}"
    database = bootstrap(Settings(database_url=url))
    with database.unit_of_work(actor="cli:test") as uow:
        space = parties.create(session=uow.session, code="ICRC", name="ICRC", kind=PartyKind.MEDIATOR)
        person = Person(space_id=space.id, status="requested", display_name=CANARY)
        uow.session.add(person)
        uow.session.flush()
        change = StatusChange(person_id=person.id, from_status="requested", to_status="acknowledged",
                              state="applied", requested_by="icrc", evidence=f"letter about {CANARY}")  # fmt: skip
        uow.session.add(change)
        person_id = person.id
        uow.commit()
    database.engine.dispose()
    receipts = tmp_path / "receipts"
    receipts.mkdir()
    assert run_cli("init", db_url=url, cwd=tmp_path).returncode == 0
    signed = run_cli("audit", "checkpoint", "-o", str(receipts / "before.json"), db_url=url, cwd=tmp_path)
    assert signed.returncode == 0, signed.stderr
    shown = run_cli("audit", "log", "--values", "--subject-type", "persons", db_url=url, cwd=tmp_path)
    assert CANARY in shown.stdout  # readable while the key exists

    erased = run_cli("erase", "person", str(person_id), "--reason", "request DP-9", db_url=url, cwd=tmp_path)
    assert erased.returncode == 0, erased.stderr
    assert f"person {person_id} erased" in erased.stdout

    verified = run_cli("audit", "verify", "--receipts", str(receipts), db_url=url, cwd=tmp_path)
    assert verified.returncode == 0, verified.stderr
    accounted = run_cli("account", db_url=url, cwd=tmp_path)
    assert accounted.returncode == 0, accounted.stdout + accounted.stderr
    shown = run_cli("audit", "log", "--values", "--limit", "50", db_url=url, cwd=tmp_path)
    assert CANARY not in shown.stdout and "<erased>" in shown.stdout and "person.erased" in shown.stdout
    again = run_cli("erase", "person", str(person_id), "--reason", "again", db_url=url, cwd=tmp_path)
    assert again.returncode == 6 and "already erased" in again.stdout + again.stderr
    assert CANARY.encode() not in b"".join(p.read_bytes() for p in tmp_path.glob("erase.db*"))
