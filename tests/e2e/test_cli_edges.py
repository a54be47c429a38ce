"""The CLI's edges (issue 11): usage errors exit 2 naming the option as typed, --version, the database named,
never created by accident, and the demo kept out of the default database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("UNFORGOTTEN_")}
    return subprocess.run([sys.executable, "-m", "unforgotten", *args], cwd=cwd, env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def test_usage_errors_exit_2_and_name_the_option(tmp_path: Path) -> None:
    missing = run("case", "transition", "7", "--to", "eligible", "--reason", "x", "--as", cwd=tmp_path)
    assert missing.returncode == 2 and "--as" in missing.stderr and "as_user" not in missing.stderr
    unknown = run("imprt", cwd=tmp_path)
    assert unknown.returncode == 2 and "No such command 'imprt'" in unknown.stderr and "Usage:" in unknown.stderr
    version = run("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("unforgotten ")


def test_commands_never_create_a_database_by_accident(tmp_path: Path) -> None:
    refused = run("account", cwd=tmp_path)
    assert refused.returncode == 4 and "unforgotten init" in refused.stderr
    assert not (tmp_path / "unforgotten.db").exists()
    assert run("init", cwd=tmp_path).returncode == 0
    named = run("account", cwd=tmp_path)
    assert named.returncode == 0 and "database: sqlite:///./unforgotten.db" in named.stderr


@pytest.mark.slow
def test_the_demo_uses_a_database_of_its_own(tmp_path: Path) -> None:
    result = run("demo", "--size", "100", "--no-serve", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "unforgotten-demo.db" in result.stderr and (tmp_path / "unforgotten-demo.db").exists()
    assert not (tmp_path / "unforgotten.db").exists()
    assert "release" in result.stdout  # the mediator's answers released to each side


def test_help_loads_neither_the_database_nor_the_engines(tmp_path: Path) -> None:
    """`unforgotten --help` must answer at once (target 0.5 s): the heavy libraries load only in the commands
    that use them. Checked by what is imported, which does not depend on how busy the machine is."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "unforgotten", "--help"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0 and "import" in result.stdout
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    heavy = {"sqlalchemy", "pandas", "duckdb", "splink", "fastapi", "pydantic", "numpy", "ortools", "cryptography",
             "openpyxl", "alembic", "yaml"}  # fmt: skip
    assert not heavy & imported, sorted(heavy & imported)


def test_cli_defaults_follow_the_services() -> None:
    """The CLI states two defaults as literals (so `--help` loads no service): they must be the services' own."""
    import inspect

    from unforgotten.cli import negotiations as negotiations_cli
    from unforgotten.cli import tracing as tracing_cli
    from unforgotten.negotiations.service import REVIEW_DAYS
    from unforgotten.tracing.service import DEFAULT_DAYS

    review = inspect.signature(negotiations_cli.add_document).parameters["review_days"].default
    answer = inspect.signature(tracing_cli.handover).parameters["days"].default
    assert (review.default, answer.default) == (REVIEW_DAYS, DEFAULT_DAYS)
