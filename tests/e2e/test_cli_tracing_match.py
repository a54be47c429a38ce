"""``unforgotten tracing match`` end to end: the mediator's run prints its counts, a rerun adds nothing, and the
requesting side may not run it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli_tracing import ok, run
from tests.integration.tracing.test_matching import CUSTODY_CSV
from tests.integration.tracing.world import TRACING_CSV


def test_the_mediator_matches_and_a_rerun_adds_nothing(tmp_path: Path) -> None:
    ok(tmp_path, "init")
    ok(tmp_path, "party", "add", "UA", "--name", "Ukraine")
    ok(tmp_path, "party", "add", "RU", "--name", "Russia")
    ok(tmp_path, "party", "add", "ICRC", "--name", "Mediator", "--mediator")
    for user, role, party in (("olena", "party_coordinator", "UA"), ("ivan", "party_coordinator", "RU"),
                              ("marta", "mediator", "ICRC")):  # fmt: skip
        ok(tmp_path, "user", "add", user, "--role", role, "--party", party)
    (tmp_path / "children.csv").write_text(TRACING_CSV, encoding="utf-8")
    (tmp_path / "custody.csv").write_text(CUSTODY_CSV, encoding="utf-8")
    ok(tmp_path, "import", "children.csv", "--party", "UA", "--kind", "tracing", "--as", "olena")
    ok(tmp_path, "tracing", "handover", "1", "--to", "RU", "--on", "2025-06-02", "--as", "olena")
    ok(tmp_path, "import", "custody.csv", "--party", "RU", "--kind", "custody", "--as", "ivan")
    ok(tmp_path, "list", "share", "2", "--with", "ICRC", "--as", "ivan")

    refused = run(tmp_path, "tracing", "match", "--as", "olena")
    assert refused.returncode != 0 and "may not match" in refused.stderr
    printed = " ".join(ok(tmp_path, "tracing", "match", "--as", "marta").split())  # Rich wraps long lines
    assert "3 requests against 4 records" in printed and "new in the review queue" in printed
    again = json.loads(ok(tmp_path, "tracing", "match", "--json", "--as", "marta"))
    assert again["new"] == 0 and again["already_proposed"] >= 1 and again["proposals"] >= 1
