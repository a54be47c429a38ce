"""Issue 13, items 2-4, end to end through the command: a plan from an agreement, approvals that schedule its
persons, the handover at the crossing, a signed act that verifies offline — and fails after one changed byte."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

AGREEMENT = """title: "Exchange of the seriously wounded, and of remains (synthetic)"
signed_on: 2025-06-02
reference_date: 2025-06-09
categories:
  - name: seriously wounded
    format: all_for_all
    priority: 3
    rule: {all: [{list_kind: [custody]}, {health_status: [seriously_wounded]}]}
  - name: remains
    format: n_for_n
    quota: 10
    rule: {remains: true}
"""
HEADER = "record_id,family_name,given_name,patronymic,date_of_birth,health_status\n"
RU_HOLDS = HEADER + "RU-1,Коваленко,Олександр,Петрович,1990-03-12,seriously wounded\n" \
                    "RU-2,Шевчук,Андрій,Іванович,1999-07-05,seriously wounded\n"  # fmt: skip
UA_HOLDS = HEADER + "UA-1,Смирнов,Алексей,Игоревич,1988-01-02,seriously wounded\n" \
                    "UA-2,Кузнецов,Дмитрий,Сергеевич,1995-05-06,seriously wounded\n"  # fmt: skip


class Cli:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.db = tmp / "exchange.db"
        self.env = {**os.environ, "UNFORGOTTEN_DATABASE_URL": f"sqlite:///{self.db}", "SECRET_PASS": "correct horse"}

    def __call__(self, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([sys.executable, "-m", "unforgotten", *args], env=self.env, cwd=self.tmp,
                                capture_output=True, text=True, timeout=300)  # fmt: skip
        assert result.returncode == code, f"{args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
        return result

    def query(self, sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.db) as connection:
            return connection.execute(sql).fetchall()


def test_plan_approve_handover_close_sign_export_verify(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    cli("init")
    cli("party", "add", "UA", "--name", "Ukraine")
    cli("party", "add", "RU", "--name", "Russia")
    cli("party", "add", "ICRC", "--name", "Mediator", "--mediator")
    for name, role, party in (
        ("olena", "party_coordinator", "UA"),
        ("ivan", "party_coordinator", "RU"),
        ("oksana", "officer", "UA"),
        ("boris", "officer", "RU"),
        ("marie", "mediator", "ICRC"),
    ):
        cli("user", "add", name, "--role", role, "--party", party)  # fmt: skip
    (tmp_path / "ru.csv").write_text(RU_HOLDS, encoding="utf-8")
    (tmp_path / "ua.csv").write_text(UA_HOLDS, encoding="utf-8")
    cli("import", "ru.csv", "--party", "RU", "--kind", "custody", "--share", "ICRC", "--as", "ivan")
    cli("import", "ua.csv", "--party", "UA", "--kind", "custody", "--share", "ICRC", "--as", "olena")
    (tmp_path / "agreement.yaml").write_text(AGREEMENT, encoding="utf-8")
    agreement = cli("agreement", "load", "agreement.yaml", "--as", "marie").stdout.strip()
    cli("agreement", "accept", agreement, "--as", "olena")
    cli("agreement", "accept", agreement, "--as", "ivan")

    in_icrc = "SELECT p.id FROM persons p JOIN parties s ON s.id = p.space_id WHERE s.code = 'ICRC' ORDER BY p.id"
    mediator_persons = [str(r[0]) for r in cli.query(in_icrc)]
    assert len(mediator_persons) == 4
    stages = str(ROOT / "examples/stages/2025-06.yaml")
    empty = json.loads(cli("plan", "create", "--agreement", agreement, "--stages", stages, "--as", "marie",
                           "--json").stdout)  # fmt: skip
    assert empty["reason"] and empty["assignments"] == {}  # nobody has consent confirmed yet: an empty plan, why
    for status in ("identity_confirmed", "eligible", "consent_confirmed"):
        cli("case", "transition", *mediator_persons, "--to", status, "--as", "marie", "--reason", "interview")
    cli("plan", "facts", mediator_persons[0], "--earliest", "2025-06-10", "--as", "marie")
    cli("plan", "create", "--agreement", agreement, "--stages", stages, "--as", "olena", code=5)
    plan = json.loads(cli("plan", "create", "--agreement", agreement, "--stages", stages, "--as", "marie",
                          "--json").stdout)  # fmt: skip
    assert plan["version"] == 2 and len(plan["assignments"]) == 4
    assert plan["assignments"][mediator_persons[0]] != "S1"  # cannot travel before 10 June
    side_view = json.loads(cli("plan", "show", str(plan["id"]), "--as", "olena", "--json").stdout)
    assert "assignments" not in side_view and sum(s["counts"]["UA"] for s in side_view["stages"]) == 2
    diff = json.loads(cli("plan", "diff", str(plan["id"]), "--as", "marie").stdout)
    assert len(diff["moved"]) == 4

    cli("plan", "approve", str(plan["id"]), "--as", "olena")
    cli("plan", "approve", str(plan["id"]), "--as", "ivan")
    assert cli.query("SELECT count(*) FROM persons WHERE status = 'scheduled'") == [(0,)]
    cli("plan", "approve", str(plan["id"]), "--as", "marie")
    assert cli.query("SELECT count(*) FROM persons WHERE status = 'scheduled'") == [(4,)]

    stage = next(s for s in plan["stages"] if s["code"] == "S1")["id"]
    lines = json.loads(cli("handover", "lines", str(stage), "--as", "boris", "--json").stdout)["lines"]
    assert len(lines) == 2
    officer = {"UA": "oksana", "RU": "boris"}
    cli("act", "export", str(stage), "-o", "act.json", "--as", "marie", code=6)  # open: no act yet
    for line in lines:
        number = str(line["line"])
        cli("handover", "record", number, "received", "--as", officer[line["from"]], code=5)  # not its half
        cli("handover", "record", number, "handed_over", "--as", officer[line["from"]])
        cli("handover", "record", number, "handed_over", "--as", officer[line["from"]])  # again: a no-op
        cli("stage", "close", str(stage), "--as", "marie", code=6)  # a line is still open
        cli("handover", "record", number, "received", "--as", officer[line["to"]])
        cli("handover", "record", number, "observed", "--as", "marie")
    cli("stage", "close", str(stage), "--as", "marie")

    prints = []
    for signer in ("oksana", "boris", "marie"):
        prints.append(cli("user", "key", signer, "-o", f"{signer}.key", "--passphrase-env", "SECRET_PASS").stdout)
        assert oct((tmp_path / f"{signer}.key").stat().st_mode & 0o777) == "0o600"
        cli("act", "sign", str(stage), "--key", f"{signer}.key", "--passphrase-env", "SECRET_PASS", "--as", signer)
    cli("act", "export", str(stage), "-o", "act.json", "--as", "olena")
    (tmp_path / "trusted.txt").write_text("".join(prints), encoding="utf-8")
    unpinned = cli("act", "verify", "act.json")
    assert "not pinned" in unpinned.stderr
    assert "warning" not in cli("act", "verify", "act.json", "--trusted-keys", "trusted.txt").stderr
    assert cli.query("SELECT count(*) FROM persons WHERE status = 'exchanged'") == [(2,)]
    assert cli.query("SELECT count(*) FROM events WHERE action = 'act.created'") == [(1,)]

    text = (tmp_path / "act.json").read_text(encoding="utf-8")
    changed = text.replace('"exchanged"', '"exchangeD"', 1)
    assert changed != text
    (tmp_path / "act.json").write_text(changed, encoding="utf-8")
    failed = cli("act", "verify", "act.json", code=7)
    assert "sha256 does not match" in failed.stderr

    cli("remains", "add", "--agreement", agreement, "--party", "RU", "--date", "2025-06-09", "--refs", "R1,R2,R3",
        "--as", "boris")  # fmt: skip
    cli(
        "remains",
        "add",
        "--agreement",
        agreement,
        "--party",
        "UA",
        "--date",
        "2025-06-09",
        "--refs",
        "R1",
        "--as",
        "marie",
        code=6,
    )  # fmt: skip  (R1 is already in a batch)
    totals = json.loads(cli("remains", "totals", "--agreement", agreement, "--as", "olena").stdout)
    assert totals["sides"]["RU"]["total"] == 3 and totals["imbalance"] in (3, -3) and totals["quota"] == 10
    assert "refs" not in totals["sides"]["RU"]["batches"][0]  # the other side's references stay with it
