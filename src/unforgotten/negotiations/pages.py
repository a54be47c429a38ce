"""HTML pages of the negotiation tracker: the negotiations the reader takes part in, with what falls due in the next
seven days at the top, and one negotiation's timeline — rounds, documents with their review deadline and status,
meeting windows, action items — with its iCalendar export.

Read-only and thin: what a reader sees is ``negotiations.service``'s scoping (a negotiation the reader takes no part
in is the same 404 page as a missing one); the dates that fall due are ``negotiations.timeline.due``, the same list
``GET /api/v1/negotiations/due`` and ``unforgotten negotiation due`` give. Recording goes through the CLI and the API.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from unforgotten.auth.models import Party
from unforgotten.db import RowId
from unforgotten.deps import PageActor, ReadSession
from unforgotten.errors import NotFoundError
from unforgotten.negotiations import service, timeline
from unforgotten.negotiations.calendar import to_ics
from unforgotten.negotiations.models import MeetingStatus
from unforgotten.web.templating import render

__all__ = ["DUE_DAYS", "router"]

router = APIRouter(include_in_schema=False)

DUE_DAYS = 7  # "what is due in the next 7 days", the horizon of `negotiation due` by default


@dataclass(frozen=True)
class TimelineItem:
    """One dated thing of a negotiation in the page's chronological list: the record itself and its status on the
    day the page is shown (a document under review past its deadline is *overdue*, and so is an open action item)."""

    day: dt.date
    kind: str  # round | document | meeting | action
    item: Any
    status: str


def _meeting_status(status: str, window_end: dt.date, today: dt.date) -> str:
    """A meeting still proposed or accepted after its window closed is shown as such, not as still to come."""
    if status in (MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED) and window_end < today:
        return "window_passed"
    return status


def _timeline(children: dict[str, list[Any]], today: dt.date) -> list[TimelineItem]:
    items = [TimelineItem(r.held_on, "round", r, "held") for r in children["rounds"]]
    items += [TimelineItem(d.received_on, "document", d, service.document_status(d, today))
              for d in children["documents"]]  # fmt: skip
    items += [TimelineItem(m.window_start, "meeting", m, _meeting_status(m.status, m.window_end, today))
              for m in children["meetings"]]  # fmt: skip
    items += [TimelineItem(a.due_on, "action", a, "overdue" if a.status == "open" and a.due_on < today else a.status)
              for a in children["actions"]]  # fmt: skip
    order = {"round": 0, "document": 1, "meeting": 2, "action": 3}
    return sorted(items, key=lambda i: (i.day, order[i.kind], i.item.id))


@router.get("/negotiations", response_class=HTMLResponse, name="negotiations_page")
def negotiations_page(request: Request, session: ReadSession, actor: PageActor) -> HTMLResponse:
    """Show what falls due in the next seven days, then every negotiation the reader takes part in."""
    today = dt.date.today()
    found = service.get_all(session=session, actor=actor)
    codes = {pid: str(code) for pid, code in session.execute(select(Party.id, Party.code))}
    due = timeline.due(session=session, actor=actor, as_of=today, days=DUE_DAYS)
    context = {"actor": actor, "negotiations": found, "codes": codes, "due": due, "today": today,
               "titles": {n.id: n.title for n in found}, "days": DUE_DAYS}  # fmt: skip
    return render(request, "negotiations.html", context)


@router.get("/negotiations/calendar.ics", name="negotiations_calendar")
def negotiations_calendar(session: ReadSession, actor: PageActor) -> Response:
    """The reader's negotiation calendar as an iCalendar file (as ``GET /api/v1/negotiations/calendar.ics``)."""
    body = to_ics(timeline.calendar_items(session=session, actor=actor))
    headers = {"Content-Disposition": 'attachment; filename="negotiations.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.get("/negotiations/{negotiation_id}", response_class=HTMLResponse, name="negotiation_page")
def negotiation_page(request: Request, negotiation_id: RowId, session: ReadSession, actor: PageActor) -> HTMLResponse:
    """Show one negotiation: what falls due in the next seven days, then its rounds, documents, meetings and
    action items in date order."""
    try:
        negotiation = service.get_visible_or_raise(session=session, actor=actor, negotiation_id=negotiation_id)
    except NotFoundError:
        return render(request, "negotiation.html", {"actor": actor, "missing": negotiation_id}, status_code=404)
    today = dt.date.today()
    children = service.get_children(session=session, negotiation=negotiation)
    codes = {pid: str(code) for pid, code in session.execute(select(Party.id, Party.code))}
    due = [i for i in timeline.due(session=session, actor=actor, as_of=today, days=DUE_DAYS)
           if i.negotiation_id == negotiation.id]  # fmt: skip
    counts = {kind: len(children[kind]) for kind in ("rounds", "documents", "meetings", "actions")}
    context = {"actor": actor, "n": negotiation, "codes": codes, "due": due, "today": today, "days": DUE_DAYS,
               "timeline": _timeline(children, today), "counts": counts}  # fmt: skip
    return render(request, "negotiation.html", context)
