"""``unforgotten negotiation …``, ``due`` and ``calendar`` end to end, shaped like May–June 2025."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from icalendar import Calendar
from tests.e2e.test_cli_tracing import ok, run


def test_negotiation_history_due_and_calendar(tmp_path: Path) -> None:
    ok(tmp_path, "init")
    ok(tmp_path, "party", "add", "UA", "--name", "Ukraine")
    ok(tmp_path, "party", "add", "RU", "--name", "Russia")
    ok(tmp_path, "party", "add", "ICRC", "--name", "Mediator", "--mediator")
    ok(tmp_path, "user", "add", "marie", "--role", "mediator", "--party", "ICRC")
    ok(tmp_path, "user", "add", "ivan", "--role", "party_coordinator", "--party", "RU")
    talks = ok(tmp_path, "negotiation", "add", "Istanbul talks", "--a", "UA", "--b", "RU", "--as", "marie").strip()
    for day in ("2025-05-16", "2025-06-02"):
        ok(tmp_path, "negotiation", "round", talks, "--on", day, "--place", "Istanbul", "--as", "marie")
    (tmp_path / "memo.txt").write_text("memorandum", encoding="utf-8")
    ok(
        tmp_path,
        "negotiation",
        "document",
        talks,
        "memo.txt",
        "--title",
        "Memorandum",
        "--received",
        "2025-06-02",
        "--as",
        "ivan",
    )
    bad = run(
        tmp_path,
        "negotiation",
        "meeting",
        talks,
        "--title",
        "Leaders",
        "--from",
        "2025-06-30",
        "--to",
        "2025-06-20",
        "--as",
        "marie",
    )
    assert bad.returncode == 2 and "window_end" in bad.stderr
    ok(
        tmp_path,
        "negotiation",
        "meeting",
        talks,
        "--title",
        "Leader-level meeting",
        "--from",
        "2025-06-20",
        "--to",
        "2025-06-30",
        "--as",
        "marie",
    )
    items = json.loads(ok(tmp_path, "due", "--as-of", "2025-06-05", "--json", "--as", "ivan"))
    assert [(i["kind"], i["due_on"]) for i in items] == [("document", "2025-06-09")]
    ok(tmp_path, "calendar", "-o", "talks.ics", "--as", "ivan")
    events = Calendar.from_ical((tmp_path / "talks.ics").read_bytes()).walk("VEVENT")
    starts = sorted(e.decoded("DTSTART") for e in events)
    assert dt.date(2025, 6, 9) in starts and dt.date(2025, 6, 20) in starts and len(events) == 4
