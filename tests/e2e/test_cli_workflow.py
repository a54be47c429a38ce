"""Issue 5 end to end through the installed command: import both sides' lists, load the agreement, reconcile,
assess, carry a category through verification, and prove the accounting — then break it two ways."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from unforgotten.scenario import generate, write_scenario

ROOT = Path(__file__).resolve().parents[2]


class Cli:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.env = {**os.environ, "UNFORGOTTEN_DATABASE_URL": f"sqlite:///{tmp / 'flow.db'}"}

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "unforgotten", *args], env=self.env, cwd=self.tmp,
                                capture_output=True, text=True, timeout=300)  # fmt: skip
        if ok:
            assert result.returncode == 0, result.stderr
        return result


@pytest.mark.slow
def test_the_whole_workflow(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    files = write_scenario(generate(300, seed=4), tmp_path / "files")
    cli("init")
    for code, name in (("UA", "Ukraine"), ("RU", "Russia")):
        cli("party", "add", code, "--name", name)
    cli("party", "add", "ICRC", "--name", "Mediator", "--mediator")
    cli("user", "add", "olena", "--role", "party_coordinator", "--party", "RU")
    cli("user", "add", "petro", "--role", "party_coordinator", "--party", "UA")
    cli("user", "add", "anna", "--role", "mediator", "--party", "ICRC")

    request = json.loads(cli("import", str(files["ua_request"]), "--party", "UA", "--kind", "request", "--json",
                             "--share", "ICRC", "--as", "petro").stdout)  # fmt: skip
    custody = json.loads(cli("import", str(files["ru_custody"]), "--party", "RU", "--kind", "custody", "--json",
                             "--share", "ICRC", "--as", "olena").stdout)  # fmt: skip
    assert request["rows"] == request["accepted"] + request["quarantined"] + request.get("blank", 0)
    again = json.loads(cli("import", str(files["ru_custody"]), "--party", "RU", "--kind", "custody", "--json").stdout)
    assert again["unchanged"] is True

    agreement_id = cli("agreement", "load", str(ROOT / "examples/agreements/2025-06-02.yaml"), "--as", "anna").stdout
    agreement_id = agreement_id.strip()
    counts = json.loads(cli("reconcile", str(request["list_id"]), str(custody["list_id"]), "--json").stdout)
    assert counts["acknowledged"] > 0
    assert (
        sum(counts[k] for k in ("acknowledged", "conflicting", "pending_review", "not_acknowledged"))
        == request["accepted"]
    )
    assessed = json.loads(cli("assess", agreement_id, "--json").stdout)["counts"]
    assert "aged 18-25" in assessed

    out = tmp_path / "assess.csv"
    cli("assess", agreement_id, "-o", str(out))
    eligible = sorted({int(line.split(",")[0]) for line in out.read_text(encoding="utf-8").splitlines()[1:]
                       if ",aged 18-25,eligible," in line})  # fmt: skip
    with out.open(encoding="utf-8-sig", newline="") as handle:  # UTF-8 with a BOM, names after the four columns
        assessed_rows = list(csv.DictReader(handle))
    assert list(assessed_rows[0])[:5] == ["person_id", "category", "verdict", "reasons", "name"]
    assert all(row["name"] for row in assessed_rows)
    queue = cli("review", "list", "--as", "anna", "--limit", "5").stdout
    assert "as written" in queue and "shown as" in queue
    with sqlite3.connect(tmp_path / "flow.db") as db:  # the mediator's persons: where the exchange's statuses live
        held = {row[0] for row in db.execute(
            "SELECT persons.id FROM persons JOIN parties ON parties.id = persons.space_id "
            "WHERE status = 'held' AND parties.code = 'ICRC'")}  # fmt: skip
    chosen = [str(p) for p in eligible if p in held][:5]
    assert chosen, "the scenario should give a few young prisoners"
    for status in ("identity_confirmed", "eligible", "consent_confirmed"):
        cli("case", "transition", *chosen, "--to", status, "--as", "anna", "--reason", "category aged 18-25")
    refused = cli("case", "transition", chosen[0], "--to", "exchanged", "--as", "anna", "--reason", "x", ok=False)
    assert refused.returncode == 6 and "refused" in refused.stdout
    hidden = cli("case", "transition", chosen[0], "--to", "deceased", "--as", "olena", "--reason", "x", ok=False)
    assert hidden.returncode == 6 and "no current person" in hidden.stdout  # RU cannot reach the mediator's person

    assert "every invariant holds" in cli("account").stdout
    _persons_export_carries_the_verified_history(cli, tmp_path, chosen, request["accepted"])
    with sqlite3.connect(tmp_path / "flow.db") as db:
        db.execute(f"UPDATE persons SET status = 'exchanged' WHERE id = {chosen[1]}")
    broken = cli("account", "--json", ok=False)
    assert broken.returncode == 7
    assert any(v["check"] == "status = history" for v in json.loads(broken.stdout)["violations"])
    with sqlite3.connect(tmp_path / "flow.db") as db:
        db.execute(f"UPDATE persons SET status = 'consent_confirmed' WHERE id = {chosen[1]}")
        db.execute("DELETE FROM entries WHERE id = (SELECT max(id) FROM entries)")
    deleted = json.loads(cli("account", "--json", ok=False).stdout)["violations"]
    assert {"rows = entries", "entries unchanged"} <= {v["check"] for v in deleted}


def _persons_export_carries_the_verified_history(cli: Cli, tmp: Path, chosen: list[str], requested: int) -> None:
    """PFIF out: every person once, a note per entry and per applied change; a party sees only its own lists."""
    import xml.etree.ElementTree as ET

    ns = {"p": "http://zesty.ca/pfif/1.4"}
    everything, own = tmp / "persons.xml", tmp / "persons-ua.xml"
    cli("persons", "export", "-o", str(everything), "--domain", "test.example")
    cli("persons", "export", "-o", str(own), "--as", "petro")
    with sqlite3.connect(tmp / "flow.db") as db:
        persons = db.execute("SELECT count(*) FROM persons WHERE merged_into_id IS NULL").fetchone()[0]
    root = ET.parse(everything).getroot()
    records = {p.findtext("p:person_record_id", namespaces=ns): p for p in root.findall("p:person", ns)}
    assert len(records) == persons
    person = records[f"test.example/{chosen[0]}"]
    notes = [(n.findtext("p:status", namespaces=ns), n.findtext("p:text", namespaces=ns))
             for n in person.findall("p:note", ns)]  # fmt: skip
    assert any(text.startswith("Listed by RU on custody list") for _, text in notes)
    assert ("believed_alive", "Status identity_confirmed → eligible: category aged 18-25") in notes
    ua_only = ET.parse(own).getroot().findall("p:person", ns)
    assert 0 < len(ua_only) <= requested < len(records)
    assert all("Listed by RU" not in (n.findtext("p:text", namespaces=ns) or "") for p in ua_only
               for n in p.findall("p:note", ns))  # fmt: skip
