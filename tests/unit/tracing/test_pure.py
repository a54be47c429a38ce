"""The pure pieces: the extra fields read from a tracing list's own headers, the overdue row's JSON shape, and the
calendar's all-day events."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from unforgotten.negotiations.calendar import CalendarItem, to_ics
from unforgotten.tracing.service import EXTRA_FIELDS, OverdueRow, _extra


def test_extra_fields_are_read_from_known_headers_in_any_case() -> None:
    raw = {"Last_Address": " вул. Садова 1 ", "Дата вивезення": "2022-10-05", "other": "x"}
    assert _extra(raw, "last_address") == "вул. Садова 1"
    assert _extra(raw, "removal_date") == "2022-10-05"
    assert _extra(raw, "guardians") == ""
    assert set(EXTRA_FIELDS) >= {"last_address", "removal_date", "removal_place", "guardians", "known_whereabouts"}


def test_overdue_json_has_the_agreed_keys() -> None:
    row = OverdueRow(7, "C-3", "Мельник Богдан", dt.date(2025, 6, 2), dt.date(2025, 7, 2), 3, "sought")
    assert list(row.as_dict())[:6] == ["record_id", "name", "handed_over_on", "deadline", "days_overdue", "status"]
    assert row.as_dict()["deadline"] == "2025-07-02"


def test_a_window_is_an_all_day_event_ending_the_day_after() -> None:
    ics = to_ics([CalendarItem("m1@unforgotten", "Leaders", dt.date(2025, 6, 20), dt.date(2025, 6, 30))])
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("DTEND") == dt.date(2025, 7, 1)
