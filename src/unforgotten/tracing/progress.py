"""Where each child's request stands, as the tracing list page shows it: one row per visible request, the counts
(answered / no answer / overdue / located / reunited) and the events per day behind the chart over time.

A read over the tracing service's own scoping (``service.get_all`` and ``service.overdue``), never a query of its
own kind: the page cannot count a child the caller may not see, and its *overdue* figure is the very list that
``unforgotten tracing overdue`` prints for the same caller and day.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.auth.models import Party
from unforgotten.auth.service import Actor
from unforgotten.lists.models import Entry
from unforgotten.tracing import service
from unforgotten.tracing.models import HandOver, Reunification, TracingResponse

__all__ = ["COUNTS", "SERIES", "ChildRow", "Progress", "build"]

# The counts the page shows, in this order; each is also a filter of the list.
COUNTS = ("answered", "no_answer", "overdue", "located", "reunited")
# The chart's cumulative lines: requests handed over, first answers, reunions.
SERIES = ("handed_over", "answered", "reunited")


@dataclass(frozen=True)
class ChildRow:
    """One child's request as the list shows it."""

    request_id: int
    record_id: str
    name: str
    side: str  # the requesting side
    status: str
    handed_over_on: dt.date | None
    deadline: dt.date | None
    answered_on: dt.date | None  # the first answer
    reunited_on: dt.date | None
    days_overdue: int | None  # as ``service.overdue`` counts them; None when not overdue

    def groups(self) -> frozenset[str]:
        """The counts this row is in (a filter shows the rows of one of them)."""
        out = {"answered" if self.answered_on is not None else "no_answer"}
        if self.days_overdue is not None:
            out.add("overdue")
        if self.status in ("located", "reunited"):
            out.add(self.status)
        return frozenset(out)


@dataclass(frozen=True)
class Progress:
    """The rows, the counts over them, and the events per day of each chart series."""

    as_of: dt.date
    rows: tuple[ChildRow, ...]
    counts: dict[str, int]
    series: dict[str, dict[dt.date, int]] = field(default_factory=dict)

    def chosen(self, group: str) -> list[ChildRow]:
        """The rows of one count (all of them for ``""``), overdue ones first, most overdue first."""
        rows = [r for r in self.rows if not group or group in r.groups()]
        return sorted(rows, key=lambda r: (r.days_overdue is None, -(r.days_overdue or 0), r.request_id))


def _name(entry: Entry) -> str:
    # the same reading order as service.overdue's rows, so the page and the overdue list name a child alike
    return " ".join(p for p in (entry.family_name, entry.given_name, entry.patronymic) if p) or entry.full_name or ""


def build(*, session: Session, actor: Actor, as_of: dt.date) -> Progress:
    """The requests the actor may see, where each stands on ``as_of``, with the counts and the chart's events."""
    requests = list(service.get_all(session=session, actor=actor))
    late = {row.request_id: row for row in service.overdue(session=session, actor=actor, as_of=as_of)}
    ids = [r.id for r in requests]
    list_ids = {r.list_id for r in requests}
    entries = {e.id: e for e in session.scalars(select(Entry).where(Entry.id.in_([r.entry_id for r in requests])))}
    handed: dict[int, HandOver] = {}
    for h in session.scalars(select(HandOver).where(HandOver.list_id.in_(list_ids)).order_by(HandOver.id)):
        handed.setdefault(h.list_id, h)  # the first hand-over of a list starts its deadline
    first_answer: dict[int, dt.date] = {
        request_id: day
        for request_id, day in session.execute(
            select(TracingResponse.request_id, func.min(TracingResponse.responded_on))
            .where(TracingResponse.request_id.in_(ids))
            .group_by(TracingResponse.request_id)
        )
    }
    reunited: dict[int, dt.date] = {
        request_id: day
        for request_id, day in session.execute(
            select(Reunification.request_id, Reunification.reunited_on).where(Reunification.request_id.in_(ids))
        )
    }
    sides = {pid: str(code) for pid, code in session.execute(select(Party.id, Party.code))}
    rows = []
    for r in requests:
        first = handed.get(r.list_id)
        overdue = late.get(r.id)
        rows.append(
            ChildRow(
                request_id=r.id,
                record_id=r.record_id,
                name=_name(entries[r.entry_id]) or r.record_id,
                side=str(sides.get(r.party_id, "")),
                status=r.status,
                handed_over_on=first.handed_over_on if first else None,
                deadline=overdue.deadline if overdue else (first.deadline if first else None),
                answered_on=first_answer.get(r.id),
                reunited_on=reunited.get(r.id),
                days_overdue=overdue.days_overdue if overdue else None,
            )
        )
    counts = dict.fromkeys(COUNTS, 0)
    for row in rows:
        for group in row.groups():
            counts[group] += 1
    counts["overdue"] = len(late)  # the service's figure, by construction the same as the rows marked overdue
    events: dict[str, Counter[dt.date]] = {key: Counter() for key in SERIES}
    for row in rows:
        for key, day in zip(SERIES, (row.handed_over_on, row.answered_on, row.reunited_on), strict=True):
            if day is not None:
                events[key][day] += 1
    return Progress(as_of=as_of, rows=tuple(rows), counts=counts, series={k: dict(v) for k, v in events.items()})
