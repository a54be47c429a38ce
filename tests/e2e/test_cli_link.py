"""End to end through the installed command: link two CSV files, explain, save and reuse a model, dedupe."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from unforgotten.scenario import linkage_pair


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The command runs in another directory: a relative PYTHONPATH (PYTHONPATH=src) must still name this checkout.
    paths = [str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)} if paths else None
    return subprocess.run(
        [sys.executable, "-m", "unforgotten", *args], cwd=cwd, capture_output=True, text=True, timeout=180, env=env
    )


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple[str, str]]]:
    directory = tmp_path_factory.mktemp("link")
    left, right, truth = linkage_pair(500, 11)
    _write(directory / "left.csv", left)
    _write(directory / "right.csv", right)
    return directory, truth


def test_link_explain_and_reuse_the_model(files: tuple[Path, set[tuple[str, str]]]) -> None:
    directory, truth = files
    result = run_cli("link", "left.csv", "right.csv", "-o", "out.csv", "--explain", "--save-model", "m.json",
                     "--quiet", cwd=directory)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("linked ") and result.stderr.count("\n") == 1
    rows = _read(directory / "out.csv")
    assert list(rows[0])[:5] == ["left_id", "right_id", "score", "family_name_level", "family_name_weight"]
    found = {(r["left_id"], r["right_id"]) for r in rows}
    assert len(found & truth) / len(truth) > 0.97 and len(found & truth) / len(found) > 0.99
    assert all(0.5 <= float(r["score"]) <= 1.0 for r in rows)
    assert any(r["dob_level"] == "day and month swapped" or r["given_name_level"] for r in rows)

    again = run_cli("link", "left.csv", "right.csv", "-o", "again.csv", "--model", "m.json", "--threshold", "0.9",
                    "-q", cwd=directory)  # fmt: skip
    assert again.returncode == 0, again.stderr
    again_rows = _read(directory / "again.csv")
    # the contract's three columns first; the names as the files wrote them after them (issue 12)
    assert list(again_rows[0]) == ["left_id", "right_id", "score", "left_name", "right_name"]
    written = {r["record_id"]: " ".join(filter(None, (r["family_name"], r["given_name"], r["patronymic"])))
               or r["full_name"] for r in _read(directory / "left.csv")}  # fmt: skip
    assert all(r["left_name"] == written[r["left_id"]] for r in again_rows)
    assert {(r["left_id"], r["right_id"]) for r in _read(directory / "again.csv")} <= found | truth


def test_dedupe_writes_pairs_and_clusters(files: tuple[Path, set[tuple[str, str]]]) -> None:
    directory, _ = files
    result = run_cli("dedupe", "right.csv", "-o", "dups.csv", "-q", cwd=directory)
    assert result.returncode == 0, result.stderr
    clusters = _read(directory / "dups.clusters.csv")
    assert len(clusters) == len(_read(directory / "right.csv"))
    by_cluster = {r["record_id"]: r["cluster_id"] for r in clusters}
    for pair in _read(directory / "dups.csv"):
        assert by_cluster[pair["left_id"]] == by_cluster[pair["right_id"]]


def test_errors_are_one_line_with_an_exit_code(files: tuple[Path, set[tuple[str, str]]]) -> None:
    directory, _ = files
    missing = run_cli("link", "left.csv", "nope.csv", "-o", "x.csv", "-q", cwd=directory)
    assert missing.returncode == 3 and "nope.csv" in missing.stderr and "Traceback" not in missing.stderr
    (directory / "bad.json").write_text("{}", encoding="utf-8")
    bad_model = run_cli("link", "left.csv", "right.csv", "-o", "x.csv", "--model", "bad.json", "-q", cwd=directory)
    assert bad_model.returncode == 2 and "linkage model" in bad_model.stderr
