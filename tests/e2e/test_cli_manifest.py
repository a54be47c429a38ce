"""`unforgotten manifest` and `handover import` through the command: formats by suffix, exit codes, the access
event, and a filled-in XLSX recorded as the caller's halves."""

from __future__ import annotations

import json
import re
from pathlib import Path

from openpyxl import load_workbook
from tests.e2e.test_cli_exchange import AGREEMENT, RU_HOLDS, UA_HOLDS, Cli

from unforgotten.exchanges import manifest

ROOT = Path(__file__).resolve().parents[2]


def _scheduled(cli: Cli, tmp_path: Path) -> int:
    """A world whose plan is approved: returns stage S1's id."""
    cli("init")
    for code, name in (("UA", "Ukraine"), ("RU", "Russia")):
        cli("party", "add", code, "--name", name)
    cli("party", "add", "ICRC", "--name", "Mediator", "--mediator")
    for name, role, party in (("olena", "party_coordinator", "UA"), ("ivan", "party_coordinator", "RU"),
                              ("oksana", "officer", "UA"), ("marie", "mediator", "ICRC"),
                              ("audrey", "auditor", "")):  # fmt: skip
        cli("user", "add", name, "--role", role, *(("--party", party) if party else ()))
    (tmp_path / "ru.csv").write_text(RU_HOLDS, encoding="utf-8")
    (tmp_path / "ua.csv").write_text(UA_HOLDS, encoding="utf-8")
    cli("import", "ru.csv", "--party", "RU", "--kind", "custody", "--share", "ICRC", "--as", "ivan")
    cli("import", "ua.csv", "--party", "UA", "--kind", "custody", "--share", "ICRC", "--as", "olena")
    (tmp_path / "agreement.yaml").write_text(AGREEMENT, encoding="utf-8")
    agreement = cli("agreement", "load", "agreement.yaml", "--as", "marie").stdout.strip()
    cli("agreement", "accept", agreement, "--as", "olena")
    cli("agreement", "accept", agreement, "--as", "ivan")
    persons = [str(r[0]) for r in cli.query("SELECT p.id FROM persons p JOIN parties s ON s.id = p.space_id "
                                            "WHERE s.code = 'ICRC' ORDER BY p.id")]  # fmt: skip
    for status in ("identity_confirmed", "eligible", "consent_confirmed"):
        cli("case", "transition", *persons, "--to", status, "--as", "marie", "--reason", "interview")
    plan = json.loads(cli("plan", "create", "--agreement", agreement, "--stages",
                          str(ROOT / "examples/stages/2025-06.yaml"), "--as", "marie", "--json").stdout)  # fmt: skip
    for who in ("olena", "ivan", "marie"):
        cli("plan", "approve", str(plan["id"]), "--as", who)
    return int(next(s for s in plan["stages"] if s["code"] == "S1")["id"])


def test_manifest_pdf_and_xlsx_then_the_filled_in_xlsx_imported(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    bad = cli("manifest", "1", "-o", "m.docx", code=2)  # a usage error, before any database is opened
    assert "neither .pdf nor .xlsx" in bad.stderr and not (tmp_path / "m.docx").exists()
    stage = _scheduled(cli, tmp_path)
    assert "is not one of en, uk, ru" in cli("manifest", str(stage), "-o", "m.pdf", "--lang", "de", code=2).stderr
    cli("manifest", str(stage), "-o", "m.pdf", "--as", "audrey", code=4)  # not party to the plan: not found
    cli("manifest", str(stage + 99), "-o", "m.pdf", "--as", "marie", code=4)
    out = cli("manifest", str(stage), "-o", "m.pdf", "--lang", "uk", "--as", "marie")
    assert re.search(r"\(\d lines, pdf, uk\)", out.stdout) and (tmp_path / "m.pdf").read_bytes().startswith(b"%PDF-")
    cli("manifest", str(stage), "-o", "m.xlsx", "--lang", "ru", "--as", "oksana")
    events = cli.query("SELECT actor, action, after FROM events WHERE action = 'access.manifest_exported' "
                       "ORDER BY id")  # fmt: skip
    assert [(a, json.loads(str(d))["format"]) for a, _, d in events] == [("cli:marie", "pdf"), ("cli:oksana", "xlsx")]

    book = load_workbook(tmp_path / "m.xlsx")
    first = int(book[manifest.META_SHEET]["B6"].value)
    sheet, columns = book.worksheets[0], manifest.XLSX_COLUMNS
    released_by = [sheet.cell(row=r, column=columns.index("released_by") + 1).value for r in (first, first + 1)]
    outcome = columns.index("outcome") + 1
    sheet.cell(row=first, column=outcome, value="handed over" if released_by[0] == "UA" else "received")
    sheet.cell(row=first + 1, column=outcome, value="handed over" if released_by[1] == "UA" else "received")
    sheet.cell(row=first + 2, column=columns.index("line") + 1, value="12x")  # a row added by hand, mistyped
    sheet.cell(row=first + 2, column=outcome, value="received")
    book.save(tmp_path / "filled.xlsx")
    cli("handover", "import", str(stage), "filled.xlsx", "--as", "audrey", code=4)
    report = json.loads(cli("handover", "import", str(stage), "filled.xlsx", "--as", "oksana", "--json").stdout)
    assert (report["recorded"], report["already_recorded"], report["rejected"]) == (2, 0, 1)
    why = "the line cell is not a line number (it must stay as printed)"
    assert report["rejected_rows"] == [{"row": first + 2, "line": "12x", "value": "received", "why": why}]
    again = cli("handover", "import", str(stage), "filled.xlsx", "--as", "oksana")
    assert "recorded 0, already recorded 2, rejected 1" in again.stdout and "12x" in again.stdout
    assert cli.query("SELECT count(*) FROM exchange_lines WHERE sent_by = 'oksana' OR received_by = 'oksana'") == [
        (2,)]  # fmt: skip
    assert cli.query("SELECT count(*) FROM events WHERE action = 'manifest.imported'") == [(2,)]
    cli("handover", "import", str(stage), "m.pdf", "--as", "oksana", code=3)  # not a workbook
