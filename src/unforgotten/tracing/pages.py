"""HTML pages of tracing: the children the reader may see with the counts and a chart over time, and one child's
page with the forms the reader's role allows (an answer from the side the list was handed over to; a reunion,
observed by the mediator).

Thin: what a reader sees is ``tracing.service``'s scoping (an id outside it is the same 404 page as a missing
one), the forms post to the same service functions as the API and the CLI, which check roles again, and every
view of a child's record is an access event, as ``GET /api/v1/tracing/requests/{id}`` and ``tracing show`` write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.audit.recorder import record
from unforgotten.audit.service import record_access
from unforgotten.auth.models import Party, Role
from unforgotten.auth.service import Actor
from unforgotten.db import RowId
from unforgotten.deps import PageActor, PageSession, ReadSession, get_database
from unforgotten.errors import InputError, NotFoundError, Text, UnforgottenError
from unforgotten.negotiations.service import parse_date
from unforgotten.tracing import progress, service
from unforgotten.tracing.models import Outcome, TracingRequest
from unforgotten.web import charts
from unforgotten.web.forms import page_url, run_form
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_DONE = frozenset({"answered", "reunited"})  # what a redirect back may announce


def _who(actor: Actor) -> str:
    return actor.name if actor.operator else f"web:{actor.name}"


def _status(error: object) -> int:
    return error.http_status if isinstance(error, UnforgottenError) else 200


@router.get("/tracing", response_class=HTMLResponse, name="tracing_page")
def tracing_page(request: Request, session: ReadSession, actor: PageActor, status: str = "") -> HTMLResponse:
    """Show the children the reader may see: counts, the chart over time, the list (overdue first), a filter."""
    today = dt.date.today()
    found = progress.build(session=session, actor=actor, as_of=today)
    error = None
    if status not in ("", *progress.COUNTS):
        error, status = InputError(Text("no such filter"), value=status, hint=Text("choose one of the counts")), ""
    rows = found.chosen(status)
    record_access(get_database(request), actor=_who(actor), action="access.tracing_requests_listed",
                  subject_type="tracing_requests", subject_id=None,
                  details={"requests": [r.request_id for r in rows], "page": True})  # fmt: skip
    context = {
        "actor": actor, "progress": found, "rows": rows, "status": status, "counts": progress.COUNTS,
        "chart": charts.cumulative_lines({k: found.series[k] for k in progress.SERIES}, end=today),
        "error": error,
    }  # fmt: skip
    return render(request, "tracing.html", context, status_code=_status(error))


def _may_answer(actor: Actor, request: TracingRequest) -> bool:
    """As ``service.respond``: a tracing officer of the side the list was handed over to (or the local operator)."""
    if request.status in service.FINAL or request.status == "deceased_unconfirmed":
        return False
    return actor.operator or (actor.role == Role.TRACING_OFFICER and actor.party_id != request.party_id)


def _may_reunite(actor: Actor, request: TracingRequest) -> bool:
    """As ``service.reunify``: the mediator (or the local operator), once the child is located."""
    return request.status == Outcome.LOCATED and (actor.operator or actor.role == Role.MEDIATOR)


def _child_page(
    request: Request, session: Session, actor: Actor, request_id: int, *, writing: bool = False, **extra: Any
) -> HTMLResponse:
    """Render one child's record, or the same 404 page for an id that is missing or outside the reader's scope.

    A shown record is an access event: in a transaction of its own after a read, or — ``writing``, a form's answer —
    in the form's own unit of work, which holds SQLite's write lock until it commits (a second writer would wait
    for it and fail as "database busy").
    """
    try:
        found = service.get_visible_or_raise(session=session, actor=actor, request_id=request_id)
    except NotFoundError:
        return render(request, "tracing_request.html", {"actor": actor, "missing": request_id}, status_code=404)
    view = service.view(session=session, actor=actor, request=found)
    if writing:
        record(session, action="access.child_viewed", subject_type="tracing_requests", subject_id=request_id,
               after={"page": True})  # fmt: skip
    else:
        record_access(get_database(request), actor=_who(actor), action="access.child_viewed",
                      subject_type="tracing_requests", subject_id=request_id, details={"page": True})  # fmt: skip
    codes = {pid: str(code) for pid, code in session.execute(select(Party.id, Party.code))}
    handovers = [{**h, "to": codes.get(h["to_party_id"], "")} for h in view["handovers"]]
    today = dt.date.today()
    context = {
        "actor": actor, "r": view, "side": codes.get(found.party_id, ""), "handovers": handovers, "today": today,
        "outcomes": [o.value for o in Outcome], "may_answer": _may_answer(actor, found),
        "may_reunite": _may_reunite(actor, found), **extra,
    }  # fmt: skip
    return render(request, "tracing_request.html", context, status_code=_status(extra.get("error")))


@router.get("/tracing/{request_id}", response_class=HTMLResponse, name="tracing_request_page")
def tracing_request_page(
    request: Request, request_id: RowId, session: ReadSession, actor: PageActor, done: str = ""
) -> HTMLResponse:
    """Show one child: names, birth, removal, who asks, the hand-over and deadline, the answers, the reunion."""
    return _child_page(request, session, actor, request_id, done=done if done in _DONE else "")


def _attempt(
    request: Request, session: Session, actor: Actor, request_id: int, done: str, act: Callable[[], object]
) -> Response:
    """Run one form's service call, the child's visibility first (404 before anything); a refusal shows the child's
    page again, its access event written in the form's own unit of work (see ``_child_page``)."""

    def work() -> str:
        service.get_visible_or_raise(session=session, actor=actor, request_id=request_id)
        act()
        return page_url(request, "tracing_request_page", {"done": done}, request_id=request_id)

    def failed(error: UnforgottenError) -> Response:
        return _child_page(request, session, actor, request_id, writing=True, error=error)

    return run_form(request, session, work=work, failed=failed)


def _date(value: str, field: str) -> dt.date:
    if not value.strip():
        raise InputError(Text("a date is required"), column=field, hint=Text("YYYY-MM-DD"))
    return parse_date(value.strip(), field=field)


@router.post("/tracing/{request_id}/responses", name="tracing_respond")
def tracing_respond(
    request: Request,
    request_id: RowId,
    session: PageSession,
    actor: PageActor,
    outcome: str = Form(""),
    responded_on: str = Form(""),
    place: str = Form(""),
    institution: str = Form(""),
    with_whom: str = Form(""),
    name_now_used: str = Form(""),
    evidence: str = Form(""),
    notes: str = Form(""),
) -> Response:
    """Record an answer about one child (the tracing officer of the side it was handed over to)."""

    def act() -> object:
        return service.respond(
            session=session, actor=actor, request_id=request_id, outcome=outcome.strip(),
            responded_on=_date(responded_on, "responded_on"), place=place.strip(),
            institution=institution.strip(), with_whom=with_whom.strip(), name_now_used=name_now_used.strip(),
            evidence=evidence.strip(), notes=notes.strip(),
        )  # fmt: skip

    return _attempt(request, session, actor, request_id, "answered", act)


@router.post("/tracing/{request_id}/reunification", name="tracing_reunify")
def tracing_reunify(
    request: Request,
    request_id: RowId,
    session: PageSession,
    actor: PageActor,
    reunited_on: str = Form(""),
    place: str = Form(""),
    with_whom: str = Form(""),
) -> Response:
    """Record a located child's reunion (the mediator, who observes it)."""

    def act() -> object:
        return service.reunify(session=session, actor=actor, request_id=request_id,
                               on=_date(reunited_on, "reunited_on"), place=place.strip(),
                               with_whom=with_whom.strip())  # fmt: skip

    return _attempt(request, session, actor, request_id, "reunited", act)
