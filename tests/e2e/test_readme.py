"""The README's "Using it" sequence, run exactly as written, in order, on a fresh database — as a new user would."""

from __future__ import annotations

import csv
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    """The command lines of the first ``sh`` block under "## Using it", comments stripped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Using it") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the README's 'Using it' section has no sh block"
    lines = []
    for line in block.group(1).splitlines():
        words = shlex.split(line, comments=True)
        if words:
            lines.append(shlex.join(words))
    return lines


@pytest.mark.slow
def test_the_readme_sequence_runs_as_written(tmp_path: Path) -> None:
    if not (ROOT / ".venv/bin/unforgotten").exists():
        pytest.fail("run `make install` first: the README's commands use .venv/bin/unforgotten")
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNFORGOTTEN_")}
    commands = readme_commands()
    assert len(commands) >= 20 and commands[1].endswith("unforgotten init")
    for command in commands:
        result = subprocess.run(shlex.split(command), cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=300)  # fmt: skip
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr
    with (tmp_path / "reconciliation.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["status"] for r in rows].count("acknowledged") == 4 and len(rows) == 6
    assert all(bool(r["custody_record_id"]) == (r["status"] == "acknowledged") for r in rows)
    assert (tmp_path / "persons.xml").stat().st_size > 0 and (tmp_path / "pairs.csv").exists()
