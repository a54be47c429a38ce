"""End to end through the installed command: init, audit verify, and tampering caught by sqlite3 edits."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from unforgotten.audit.chain import GENESIS_HASH, event_hash
from unforgotten.auth import service as parties
from unforgotten.bootstrap import bootstrap
from unforgotten.settings import Settings


def _drop_guards(connection: sqlite3.Connection) -> None:
    """What whoever holds the file does first: drop the append-only triggers."""
    for name in ("events_no_update", "events_no_delete", "chain_head_no_delete", "chain_head_forward_only"):
        connection.execute(f"DROP TRIGGER {name}")


def run_cli(*args: str, db_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UNFORGOTTEN_DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "unforgotten", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def populated(tmp_path: Path) -> tuple[str, Path]:
    db_path = tmp_path / "audit.db"
    url = f"sqlite:///{db_path}"
    database = bootstrap(Settings(database_url=url))
    with database.unit_of_work(actor="cli:test") as uow:
        for code in ("UA", "RU", "ICRC"):
            parties.create(session=uow.session, code=code, name=code)
        uow.commit()
    database.engine.dispose()
    return url, db_path


def test_init_creates_the_database(tmp_path: Path) -> None:
    result = run_cli("init", db_url=f"sqlite:///{tmp_path / 'new.db'}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database ready" in result.stdout and (tmp_path / "new.db").exists()


def test_verify_passes_on_an_intact_chain(populated: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = populated
    result = run_cli("audit", "verify", db_url=url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "3 events verify" in result.stdout


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("UPDATE events SET actor = 'mallory' WHERE id = 2", 2),
        ('UPDATE events SET after = \'{"code": "XX"}\' WHERE id = 1', 1),
        ("DELETE FROM events WHERE id = 2", 3),
        ("UPDATE events SET id = 99 WHERE id = 2", 3),
    ],
)
def test_verify_fails_naming_the_event(populated: tuple[str, Path], tmp_path: Path, statement: str, named: int) -> None:
    url, db_path = populated
    with sqlite3.connect(db_path) as connection:
        _drop_guards(connection)
        connection.execute(statement)
    result = run_cli("audit", "verify", db_url=url, cwd=tmp_path)
    assert result.returncode == 7
    assert f"broken at event {named}" in result.stderr
    assert "Traceback" not in result.stderr


def test_errors_print_one_line_without_traceback(tmp_path: Path) -> None:
    assert run_cli("init", db_url=f"sqlite:///{tmp_path / 'x.db'}", cwd=tmp_path).returncode == 0
    result = run_cli(
        "import",
        str(tmp_path / "missing.csv"),
        "--party",
        "UA",
        "--kind",
        "custody",
        db_url=f"sqlite:///{tmp_path / 'x.db'}",
        cwd=tmp_path,
    )
    assert result.returncode == 3
    assert "file not found" in result.stderr and "Traceback" not in result.stderr


def test_checkpoint_receipts_catch_a_wholesale_rewrite(populated: tuple[str, Path], tmp_path: Path) -> None:
    """Rewrite an event and recompute every hash and the head: the chain verifies, the receipt does not."""

    url, db_path = populated
    assert oct(Path(f"{db_path}.checkpoint.key").stat().st_mode & 0o777) == "0o600"
    receipts = tmp_path / "receipts"
    receipts.mkdir()
    signed = run_cli("audit", "checkpoint", "-o", str(receipts / "ua.json"), db_url=url, cwd=tmp_path)
    assert signed.returncode == 0, signed.stderr
    receipt = json.loads((receipts / "ua.json").read_text(encoding="utf-8"))
    assert receipt["head"]["event_id"] == 3 and receipt["public_key"] and receipt["signature"]
    intact = run_cli("audit", "verify", "--receipts", str(receipts), db_url=url, cwd=tmp_path)
    assert intact.returncode == 0, intact.stderr
    assert "1 receipts: every receipted head is still in the chain" in intact.stdout

    names = ("id", "occurred_at", "actor", "action", "subject_type", "subject_id", "before", "after", "reason")
    with sqlite3.connect(db_path) as connection:
        _drop_guards(connection)
        connection.execute("UPDATE parties SET name = 'forged' WHERE id = 2")
        prev = GENESIS_HASH
        for row in connection.execute(f"SELECT {', '.join(names)} FROM events ORDER BY id").fetchall():
            fields = dict(zip(names, row, strict=True))
            for key in ("before", "after"):
                fields[key] = None if fields[key] is None else json.loads(fields[key])
            fields["occurred_at"] = dt.datetime.fromisoformat(fields["occurred_at"])
            if fields["id"] == 2:
                fields["after"]["name"] = "forged"
            new = event_hash(fields, prev)
            connection.execute(
                "UPDATE events SET after = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (json.dumps(fields["after"]), prev, new, fields["id"]),
            )
            prev = new
        connection.execute("UPDATE chain_head SET last_hash = ?", (prev,))
    assert run_cli("audit", "verify", db_url=url, cwd=tmp_path).returncode == 0  # the chain alone is fooled
    assert run_cli("account", db_url=url, cwd=tmp_path).returncode == 0  # and so is the replay
    caught = run_cli("audit", "verify", "--receipts", str(receipts), db_url=url, cwd=tmp_path)
    assert caught.returncode == 7, caught.stderr
    assert "receipt ua.json" in caught.stderr and "event 3 has hash" in caught.stderr
    assert "Traceback" not in caught.stderr
