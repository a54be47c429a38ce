"""What falls due and the calendar: review deadlines, open action items, meeting windows and rounds, across the
negotiations the actor takes part in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from unforgotten.auth.service import Actor
from unforgotten.errors import InputError, Text
from unforgotten.negotiations.calendar import CalendarItem
from unforgotten.negotiations.models import ActionStatus, DocumentStatus, MeetingStatus
from unforgotten.negotiations.service import document_status, get_all, get_children

__all__ = ["DueItem", "calendar_items", "due"]


@dataclass(frozen=True)
class DueItem:
    kind: str  # document | action | meeting
    id: int
    negotiation_id: int
    title: str
    due_on: dt.date
    status: str
    days_left: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "negotiation_id": self.negotiation_id,
            "title": self.title,
            "due_on": self.due_on.isoformat(),
            "status": self.status,
            "days_left": self.days_left,
        }


def due(*, session: Session, actor: Actor, as_of: dt.date, days: int = 7) -> list[DueItem]:
    """What falls due by ``as_of + days``, overdue included: review deadlines, open action items, and meeting
    windows still to be settled or held."""
    if days < 0:
        raise InputError(Text("--days cannot be negative"), column="days", value=days)
    # A horizon past the calendar's last day means everything, not an OverflowError.
    horizon = as_of + dt.timedelta(days=min(days, (dt.date.max - as_of).days))
    items: list[DueItem] = []
    for negotiation in get_all(session=session, actor=actor):
        children = get_children(session=session, negotiation=negotiation)
        for d in children["documents"]:
            if d.status == DocumentStatus.UNDER_REVIEW and d.review_deadline <= horizon:
                items.append(
                    DueItem(
                        "document",
                        d.id,
                        negotiation.id,
                        f"review: {d.title} (v{d.version})",
                        d.review_deadline,
                        document_status(d, as_of),
                        (d.review_deadline - as_of).days,
                    )
                )
        for a in children["actions"]:
            if a.status == ActionStatus.OPEN and a.due_on <= horizon:
                status = "overdue" if a.due_on < as_of else a.status
                items.append(
                    DueItem("action", a.id, negotiation.id, a.title, a.due_on, status, (a.due_on - as_of).days)
                )
        for m in children["meetings"]:
            if (
                m.status in (MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED)
                and m.window_start <= horizon
                and m.window_end >= as_of
            ):
                items.append(
                    DueItem(
                        "meeting",
                        m.id,
                        negotiation.id,
                        f"{m.title} ({m.window_start}–{m.window_end})",
                        m.window_start,
                        m.status,
                        (m.window_start - as_of).days,
                    )
                )
    return sorted(items, key=lambda i: (i.due_on, i.kind, i.id))


def calendar_items(*, session: Session, actor: Actor) -> list[CalendarItem]:
    """Every review deadline, action item and meeting (window, or day held) the actor may see, for iCalendar."""
    items: list[CalendarItem] = []
    for negotiation in get_all(session=session, actor=actor):
        children = get_children(session=session, negotiation=negotiation)
        label = negotiation.title
        for d in children["documents"]:
            items.append(
                CalendarItem(
                    f"document-{d.id}@unforgotten",
                    f"Review due: {d.title} (v{d.version})",
                    d.review_deadline,
                    d.review_deadline,
                    f"{label}; received {d.received_on}; {d.status}",
                    "review deadline",
                )
            )
        for a in children["actions"]:
            items.append(
                CalendarItem(
                    f"action-{a.id}@unforgotten",
                    f"Due: {a.title}",
                    a.due_on,
                    a.due_on,
                    f"{label}; {a.status}",
                    "action item",
                )
            )
        for m in children["meetings"]:
            start, end = (m.held_on, m.held_on) if m.held_on else (m.window_start, m.window_end)
            items.append(
                CalendarItem(
                    f"meeting-{m.id}@unforgotten",
                    f"{m.title} ({m.status})",
                    start,
                    end,
                    f"{label}; window {m.window_start} to {m.window_end}",
                    "meeting window",
                )
            )
        for r in children["rounds"]:
            items.append(
                CalendarItem(
                    f"round-{r.id}@unforgotten",
                    f"Round: {label}",
                    r.held_on,
                    r.held_on,
                    f"{r.place}; {r.delegations}",
                    "round",
                )
            )
    return items
