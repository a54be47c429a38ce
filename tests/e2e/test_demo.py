"""`unforgotten demo` loads the scenario the real way; the overview shows its lists; everything is accounted for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
                              capture_output=True, text=True, timeout=600)  # fmt: skip

    first = cli("demo", "--size", "300", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "imported: list" in first.stdout and "entries linked into persons" in first.stdout
    again = cli("demo", "--size", "300", "--no-serve")
    assert again.returncode == 0 and "imported:" not in again.stdout and "unchanged" in again.stdout
    assert "release" in first.stdout  # the mediator's answers released to each side
    overdue = cli("tracing", "overdue", "--json")
    assert overdue.returncode == 0, overdue.stderr
    late = __import__("json").loads(overdue.stdout)
    assert late and all(row["days_overdue"] > 0 and row["status"] == "sought" for row in late)
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
