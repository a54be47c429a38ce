"""`unforgotten demo` loads the scenario the real way; the overview shows its lists; everything is accounted for.

It also carries out part of the exchange (issue 13): a plan, a closed stage whose exported act verifies offline —
and fails after one byte of its payload is changed — an open stage, and remains batches; `account` proves them,
and fails naming its check after a handover line is deleted behind the system's back."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from unforgotten.app import create_app
from unforgotten.settings import Settings


@pytest.mark.slow
def test_demo_loads_and_is_accounted_for(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {**os.environ, "UNFORGOTTEN_DATABASE_URL": url}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "unforgotten", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=1200)  # fmt: skip

    first = cli("demo", "--size", "300", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "imported: list" in first.stdout and "entries linked into persons" in first.stdout
    again = cli("demo", "--size", "300", "--no-serve")
    assert again.returncode == 0 and "imported:" not in again.stdout and "unchanged" in again.stdout
    assert "release" in first.stdout  # the mediator's answers released to each side
    plan_line = next(line for line in first.stdout.splitlines() if line.startswith("exchange: plan "))
    assert "approved by UA (ua-coordinator), RU (ru-coordinator), ICRC (icrc-mediator)" in plan_line
    assert re.search(r"S1 2025-06-09 \(stage \d+, closed", plan_line), plan_line
    assert re.search(r"S2 2025-06-10 \(stage \d+, open", plan_line), plan_line
    closed = re.search(r"stage (\d+) \(S1\) closed: (\d+) exchanged, 1 not delivered; act sha256 ([0-9a-f]{64}), "
                       r"signed by ua-coordinator, ru-coordinator, icrc-mediator", first.stdout)  # fmt: skip
    assert closed, first.stdout
    remains = re.search(r"remains \(quota (\d+), running totals per batch\): UA (\d+) \(.+\); RU (\d+) ", first.stdout)
    assert remains and 0 < int(remains[2]) != int(remains[3]) > 0, first.stdout  # uneven, as in practice
    assert plan_line in again.stdout and closed[0] in again.stdout  # the second run changed nothing
    overdue = cli("tracing", "overdue", "--json")
    assert overdue.returncode == 0, overdue.stderr
    late = __import__("json").loads(overdue.stdout)
    assert late and all(row["days_overdue"] > 0 and row["status"] == "sought" for row in late)
    officer = cli("tracing", "overdue", "--json", "--as", "ru-tracing")  # the side the children were handed to
    assert officer.returncode == 0 and json.loads(officer.stdout) == late, officer.stderr
    assert "Memorandum" in cli("due", "--days", "30").stdout  # a document under its one-week review
    assert cli("account").returncode == 0
    assert cli("audit", "verify").returncode == 0
    with TestClient(create_app(Settings(database_url=url))) as client:
        page = client.get("/")
        assert client.get("/api/v1/health").status_code == 200
    assert page.status_code == 200
    for name in ("ua_request", "ru_custody", "ua_tracing", "ru_remains"):
        assert name in page.text
    assert 'id="persons"' in page.text
    _act_verifies_and_account_names_a_deleted_line(cli, tmp_path, stage=closed[1], sha256=closed[3])


def _act_verifies_and_account_names_a_deleted_line(cli: Any, tmp_path: Path, *, stage: str, sha256: str) -> None:
    exported = cli("act", "export", stage, "-o", "act.json")
    assert exported.returncode == 0, exported.stderr
    document = json.loads((tmp_path / "act.json").read_text(encoding="utf-8"))
    assert document["sha256"] == sha256 and len(document["signatures"]) == 3
    verified = cli("act", "verify", "act.json")
    assert verified.returncode == 0 and "act verifies" in verified.stdout and sha256 in verified.stdout
    text = (tmp_path / "act.json").read_text(encoding="utf-8")
    changed = text.replace('"code": "S1"', '"code": "S2"', 1)  # one byte of the payload
    assert len(changed) == len(text) and sum(a != b for a, b in zip(text, changed, strict=True)) == 1
    (tmp_path / "act.json").write_text(changed, encoding="utf-8")
    failed = cli("act", "verify", "act.json")
    assert failed.returncode == 7 and "sha256 does not match the payload" in failed.stderr, failed.stderr
    with sqlite3.connect(tmp_path / "demo.db") as db:
        db.execute(
            f"DELETE FROM exchange_lines WHERE id = (SELECT min(id) FROM exchange_lines WHERE stage_id = {stage})"
        )
    broken = cli("account", "--json")
    assert broken.returncode == 7
    assert "stage handed over = received" in {v["check"] for v in json.loads(broken.stdout)["violations"]}
