"""The negotiation calendar as iCalendar (RFC 5545): review deadlines, action items and meeting windows as all-day
events, so any calendar program can open the export or subscribe to the feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CalendarItem", "to_ics"]


@dataclass(frozen=True)
class CalendarItem:
    """One dated thing: ``start``..``end`` inclusive (a deadline has ``start == end``)."""

    uid: str
    summary: str
    start: dt.date
    end: dt.date
    description: str = ""
    category: str = ""


def to_ics(items: Iterable[CalendarItem], *, name: str = "Unforgotten negotiations") -> bytes:
    """Render the items as one VCALENDAR of all-day VEVENTs (DTEND is exclusive, hence the day after ``end``).

    Examples:
        >>> item = CalendarItem("d1@unforgotten", "Review due", dt.date(2025, 6, 9), dt.date(2025, 6, 9))
        >>> b"DTSTART;VALUE=DATE:20250609" in to_ics([item])
        True
    """
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Unforgotten//negotiations//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # stable output: the same data gives the same file
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", item.summary)
        event.add("dtstart", item.start)
        event.add("dtend", item.end + dt.timedelta(days=1))
        if item.description:
            event.add("description", item.description)
        if item.category:
            event.add("categories", [item.category])
        calendar.add_component(event)
    return bytes(calendar.to_ical())
