"""``unforgotten tracing …`` end to end: a children list handed over, answered, listed as overdue, and hidden from
the other side's coordinator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.integration.tracing.world import TRACING_CSV

_ROOT = Path(__file__).resolve().parents[2]
_PATH = os.pathsep.join([str(_ROOT / "src"), str(_ROOT)])


def run(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UNFORGOTTEN_DATABASE_URL": f"sqlite:///{tmp / 'cli.db'}", "PYTHONPATH": _PATH}
    return subprocess.run(
        [sys.executable, "-m", "unforgotten", *args], env=env, cwd=tmp, capture_output=True, text=True, timeout=180
    )


def ok(tmp: Path, *args: str) -> str:
    result = run(tmp, *args)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


def test_tracing_from_hand_over_to_overdue(tmp_path: Path) -> None:
    ok(tmp_path, "init")
    ok(tmp_path, "party", "add", "UA", "--name", "Ukraine")
    ok(tmp_path, "party", "add", "RU", "--name", "Russia")
    ok(tmp_path, "party", "add", "ICRC", "--name", "Mediator", "--mediator")
    for user, role, party in (
        ("olena", "party_coordinator", "UA"),
        ("ivan", "party_coordinator", "RU"),
        ("oksana", "tracing_officer", "UA"),
        ("pavel", "tracing_officer", "RU"),
    ):
        ok(tmp_path, "user", "add", user, "--role", role, "--party", party)
    (tmp_path / "children.csv").write_text(TRACING_CSV, encoding="utf-8")
    ok(tmp_path, "import", "children.csv", "--party", "UA", "--kind", "tracing", "--as", "olena")
    bad = run(
        tmp_path,
        "tracing",
        "handover",
        "1",
        "--to",
        "RU",
        "--on",
        "2025-06-02",
        "--deadline",
        "2025-05-01",
        "--as",
        "olena",
    )
    assert bad.returncode == 2 and "deadline" in bad.stderr
    ok(tmp_path, "tracing", "handover", "1", "--to", "RU", "--on", "2025-06-02", "--as", "olena")
    answer = ["tracing", "respond", "1", "--outcome", "located", "--as", "pavel"]
    ok(tmp_path, *answer, "--on", "2025-06-20", "--place", "Таганрог", "--name-now-used", "Александр")
    duplicate = run(tmp_path, *answer, "--on", "2025-06-21", "--place", "x")
    assert duplicate.returncode == 6 and "duplicate" in duplicate.stderr
    rows = json.loads(ok(tmp_path, "tracing", "overdue", "--as-of", "2025-07-10", "--json", "--as", "oksana"))
    assert [(r["record_id"], r["days_overdue"], r["status"]) for r in rows] == [
        ("C-2", 8, "sought"),
        ("C-3", 8, "sought"),
    ]
    assert set(rows[0]) >= {"record_id", "name", "handed_over_on", "deadline", "days_overdue", "status"}
    hidden = run(tmp_path, "tracing", "show", "1", "--as", "ivan")
    assert hidden.returncode == 4
    assert json.loads(ok(tmp_path, "tracing", "overdue", "--as-of", "2025-07-10", "--json", "--as", "ivan")) == []
    assert json.loads(ok(tmp_path, "tracing", "show", "1", "--as", "pavel"))["guardian_contact"] is None
