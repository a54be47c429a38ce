"""The load bench (``bench/load.py``) at a tiny size, so it cannot rot: every operation runs, none fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_the_load_bench_runs_every_operation_without_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.load import OPERATIONS, main

    # The bench starts children (`python -m bench.database_bench`, uvicorn) that must find `bench` and the sources.
    monkeypatch.chdir(ROOT)
    paths = [str(ROOT), str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    for name in [n for n in os.environ if n.startswith("UNFORGOTTEN_")]:
        monkeypatch.delenv(name)
    argv = ["--persons", "300", "--second", "60", "--users", "2", "--requests", "5", "--backend", "sqlite"]
    main([*argv, "--workers", "1"])
    output = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line.split("|")[2:] for line in output.splitlines() if line.startswith("| ")}
    for op in OPERATIONS:
        assert op in rows, output
        requests, errors = rows[op][0].strip(), rows[op][1].strip()
        assert (requests, errors) == ("5", "0"), (op, output)
    assert "error:" not in output and "server:" not in output, output
