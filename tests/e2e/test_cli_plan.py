"""End to end: `unforgotten plan solve` writes the plan file; bad input exits 2 naming the field."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import unforgotten

INSTANCE: dict[str, Any] = {
    "comment": "two stages, parity, a remainder stage, brothers, one person cleared too late",
    "parties": ["UA", "RU"],
    "parity": {"mode": "equal_per_stage"},
    "remainder_stage": "S2",
    "stages": [
        {"id": "S1", "date": "2025-06-09", "capacity": {"UA": 2, "RU": 2}},
        {"id": "S2", "date": "2025-06-16", "capacity": {"UA": 3, "RU": 3}},
    ],
    "persons": [
        {"id": "P1", "held_by": "UA", "category": "seriously_wounded", "urgency": 3, "earliest": "2025-06-01",
         "group": None},
        {"id": "P2", "held_by": "UA", "category": "aged_18_25", "urgency": 1, "earliest": "2025-06-01", "group": "B"},
        {"id": "P3", "held_by": "UA", "category": "aged_18_25", "urgency": 1, "earliest": "2025-06-09", "group": "B"},
        {"id": "P4", "held_by": "RU", "category": "seriously_ill", "urgency": 2, "earliest": "2025-06-01",
         "group": None},
        {"id": "P5", "held_by": "RU", "category": "aged_18_25", "urgency": 1, "earliest": "2025-07-01",
         "group": None},
    ],
}  # fmt: skip


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The source tree under test comes first, whichever checkout the virtual environment was installed from.
    env = {**os.environ, "PYTHONPATH": str(Path(unforgotten.__file__).parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "unforgotten", *args], cwd=cwd, capture_output=True, text=True, timeout=180, env=env
    )


def test_plan_solve_writes_the_plan(tmp_path: Path) -> None:
    (tmp_path / "instance.json").write_text(json.dumps(INSTANCE), encoding="utf-8")
    result = run_cli("plan", "solve", "instance.json", "-o", "plan.json", "--time-limit", "30", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "proven optimal" in result.stderr and "stages_used" in result.stderr
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert list(plan) == ["assignments", "objective", "proven", "unassigned"]
    # S1 takes P1 and P4 (parity 1:1); the brothers go together to the remainder stage; P5 is cleared too late.
    assert plan["assignments"] == {"P1": "S1", "P2": "S2", "P3": "S2", "P4": "S1"}
    assert plan["objective"] == {"assigned": 4, "cost": 3 * 1 + 1 * 2 + 1 * 2 + 2 * 1 + 1 * 3, "stages_used": 2}
    assert {level["status"] for level in plan["proven"].values()} == {"OPTIMAL"}
    assert plan["unassigned"] == {
        "P5": "available only after the last stage: they can travel from 2025-07-01, the last stage S2 is on 2025-06-16"
    }


def test_plan_solve_names_the_bad_field_and_exits_2(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(INSTANCE))
    bad["persons"][3]["urgency"] = 5
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    result = run_cli("plan", "solve", "bad.json", "-o", "plan.json", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "persons[3].urgency" in result.stderr and "5" in result.stderr and "bad.json" in result.stderr
    assert not (tmp_path / "plan.json").exists()


def test_plan_solve_explains_a_pin_that_cannot_hold(tmp_path: Path) -> None:
    pinned = {**INSTANCE, "pins": {"P5": "S1"}}
    (tmp_path / "pinned.json").write_text(json.dumps(pinned), encoding="utf-8")
    result = run_cli("plan", "solve", "pinned.json", "-o", "plan.json", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "P5 is pinned to S1 on 2025-06-09 but P5 cannot travel before 2025-07-01" in result.stderr


def test_an_unreadable_instance_exits_3(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{", encoding="utf-8")
    result = run_cli("plan", "solve", "x.json", "-o", "plan.json", cwd=tmp_path)
    assert result.returncode == 3 and "not valid JSON" in result.stderr
