"""The crossing-point screen: officers and the mediator record each manifest line of a stage, on a tablet.

One row per manifest line with the person's name and the facts to tell namesakes apart, and only the caller's own
half as buttons (the service refuses the other side's half anyway: :func:`handover.record_line`); a counter of what
each party still has to record; the form for a person who arrived but is not on the manifest, with the candidates
the mediator's space offers (the mediator's eyes only, :mod:`unforgotten.exchanges.unexpected`); and, for the
mediator, "close stage" once nothing is open.

Every form is a plain POST that redirects back (303), so the page works with no script; ``static/crossing.js``
only sends the same forms in the background and swaps the page in place, so an officer keeps their place in a
long manifest. Each POST checks ``same_origin`` first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor
from unforgotten.db import RowId
from unforgotten.deps import PageActor, PageSession, ReadSession
from unforgotten.errors import InputError, NotFoundError, Text, UnforgottenError
from unforgotten.exchanges import handover, unexpected
from unforgotten.exchanges import service as plans
from unforgotten.exchanges.models import HandoverLine, LineOutcome, StageState
from unforgotten.web.forms import page_url, run_form
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

# What a redirect back may announce: a fixed vocabulary, so a link cannot make the page say anything else.
_DONE = frozenset({"recorded", "unexpected", "resolved", "closed"})
_SHOW = frozenset({"all", "open"})
_SIDE_RECORDERS = frozenset({Role.OFFICER, Role.PARTY_COORDINATOR})  # as unexpected.record


@dataclass(frozen=True)
class Row:
    """One manifest line as the screen shows it."""

    line: HandoverLine
    facts: handover.LineFacts
    origin: str  # the sending side's code
    destination: str
    actions: tuple[str, ...]  # what the reader may record on it now

    @property
    def open(self) -> bool:
        return self.line.outcome in (None, LineOutcome.DISCREPANCY)


def _waiting(rows: list[Row], sides: list[str], mediator: str) -> dict[str, int]:
    """Per party, how many halves it has still to record on lines that are not settled."""
    counts: Counter[str] = Counter()
    for row in rows:
        if not row.open:
            continue
        line = row.line
        if line.sent is None:
            counts[row.origin] += 1
        if line.received is None:
            counts[row.destination] += 1
        if line.observed is None:
            counts[mediator] += 1
    return {code: counts[code] for code in [*sides, mediator]}


def _page(
    request: Request, session: Session, actor: Actor, stage_id: int, show: str = "all", **extra: Any
) -> HTMLResponse:
    """Render the crossing screen, or the same 404 page for a stage the reader is not party to or that is missing."""
    try:
        stage, lines = handover.get_lines(session=session, actor=actor, stage_id=stage_id)
        _stage, plan = plans.get_stage_visible_or_raise(session=session, actor=actor, stage_id=stage_id)
        arrivals = unexpected.get_all(session=session, actor=actor, stage_id=stage_id)
    except NotFoundError:
        return render(request, "crossing.html", {"actor": actor, "missing": stage_id}, status_code=404)
    codes = plans.party_codes(session)
    facts = handover.line_facts(session=session, lines=lines)
    is_open = stage.state == StageState.OPEN
    rows = [
        Row(line=line, facts=facts[line.person_id], origin=codes[line.from_party_id],
            destination=codes[line.to_party_id], actions=handover.recordable(actor, line) if is_open else ())
        for line in lines
    ]  # fmt: skip
    sides, mediator = [codes[plan.side_a_id], codes[plan.side_b_id]], codes[plan.space_id]
    views = [unexpected.view(session=session, actor=actor, arrival=a) for a in arrivals]
    open_lines = sum(1 for row in rows if row.open)
    unresolved = sum(1 for v in views if v["state"] == "open")
    mediates = unexpected.sees_candidates(actor)
    error = extra.get("error")
    status = error.http_status if isinstance(error, UnforgottenError) else 200
    context = {
        "actor": actor, "stage": stage, "plan": plan, "sides": sides, "mediator": mediator,
        "rows": [row for row in rows if show != "open" or row.open], "total": len(rows), "open_lines": open_lines,
        "waiting": _waiting(rows, sides, mediator), "show": show, "arrivals": views, "unresolved": unresolved,
        "mediates": mediates, "may_record_arrival": is_open and (mediates or bool(
            actor.party_id in (plan.side_a_id, plan.side_b_id) and actor.role in _SIDE_RECORDERS)),
        "may_close": is_open and mediates and open_lines == 0 and unresolved == 0, "is_open": is_open,
        **extra,
    }  # fmt: skip
    return render(request, "crossing.html", context, status_code=status)


def _back(request: Request, stage_id: int, done: str, anchor: str = "", show: str = "all") -> str:
    query = {"done": done, **({"show": show} if show == "open" else {})}
    return page_url(request, "crossing_page", query, anchor=anchor, stage_id=stage_id)


def _show(value: str) -> str:
    return value if value in _SHOW else "all"


@router.get("/stages/{stage_id}/crossing", response_class=HTMLResponse, name="crossing_page")
def crossing_page(
    request: Request, stage_id: RowId, session: ReadSession, actor: PageActor, show: str = "all", done: str = ""
) -> HTMLResponse:
    """Show a stage's manifest for recording at the crossing: the reader's half of each line as buttons."""
    return _page(request, session, actor, stage_id, _show(show), done=done if done in _DONE else "")


def _attempt(
    request: Request, session: Session, actor: Actor, stage_id: int, show: str, work: Callable[[], str]
) -> Response:
    """Run one form's work; a refusal shows the screen with its reason (a missing stage: its 404), never JSON."""
    return run_form(request, session, work=work,
                    failed=lambda error: _page(request, session, actor, stage_id, show, error=error))  # fmt: skip


@router.post("/stages/{stage_id}/crossing/lines/{line_id}", name="crossing_record")
def crossing_record(
    request: Request,
    stage_id: RowId,
    line_id: RowId,
    session: PageSession,
    actor: PageActor,
    action: str = Form(""),
    reason: str = Form(""),
    show: str = Form("all"),
) -> Response:
    """Record the reader's half of one line (handed over, received, observed, or their negative)."""

    def work() -> str:
        line, _stage, _plan = plans.get_line_visible_or_raise(session=session, actor=actor, line_id=line_id)
        if line.stage_id != stage_id:
            raise NotFoundError(
                Text("no handover line with id {line_id} at stage {stage_id}", line_id=line_id, stage_id=stage_id)
            )
        handover.record_line(session=session, actor=actor, line_id=line_id, action=action,
                             reason=reason.strip() or None)  # fmt: skip
        return _back(request, stage_id, "recorded", f"line-{line_id}", _show(show))

    return _attempt(request, session, actor, stage_id, _show(show), work)


@router.post("/stages/{stage_id}/crossing/unexpected", name="crossing_unexpected")
def crossing_unexpected(
    request: Request,
    stage_id: RowId,
    session: PageSession,
    actor: PageActor,
    names: str = Form(""),
    date_of_birth: str = Form(""),
    from_side: str = Form(""),
    note: str = Form(""),
) -> Response:
    """Record a person who arrived but is not on the manifest; the mediator sees the candidates on the page."""

    def work() -> str:
        arrival = unexpected.record(session=session, actor=actor, stage_id=stage_id, names=names,
                                    date_of_birth=date_of_birth, from_side=from_side, note=note)  # fmt: skip
        return _back(request, stage_id, "unexpected", f"unexpected-{arrival.id}")

    return _attempt(request, session, actor, stage_id, "all", work)


@router.post("/stages/{stage_id}/crossing/unexpected/{unexpected_id}", name="crossing_resolve")
def crossing_resolve(
    request: Request,
    stage_id: RowId,
    unexpected_id: RowId,
    session: PageSession,
    actor: PageActor,
    person: str = Form(""),
    note: str = Form(""),
) -> Response:
    """Resolve an unexpected arrival (mediator): one of its candidates, or none of them with a note."""

    def work() -> str:
        arrival, _stage, _plan = unexpected.get_visible_or_raise(session=session, actor=actor,
                                                                 unexpected_id=unexpected_id)  # fmt: skip
        if arrival.stage_id != stage_id:
            raise NotFoundError(
                Text(
                    "no unexpected arrival with id {unexpected_id} at stage {stage_id}",
                    unexpected_id=unexpected_id,
                    stage_id=stage_id,
                )
            )
        chosen = person.strip()
        if chosen not in ("", "none") and not chosen.isdigit():
            raise InputError(Text("choose a candidate or none of them"), column="person", value=chosen)
        unexpected.resolve(session=session, actor=actor, unexpected_id=unexpected_id,
                           person_id=int(chosen) if chosen.isdigit() else None, note=note)  # fmt: skip
        return _back(request, stage_id, "resolved", f"unexpected-{unexpected_id}")

    return _attempt(request, session, actor, stage_id, "all", work)


@router.post("/stages/{stage_id}/crossing/close", name="crossing_close")
def crossing_close(request: Request, stage_id: RowId, session: PageSession, actor: PageActor) -> Response:
    """Close the stage (mediator): refused while a line or an unexpected arrival is open; freezes the act."""

    def work() -> str:
        handover.close(session=session, actor=actor, stage_id=stage_id)
        return _back(request, stage_id, "closed")

    return _attempt(request, session, actor, stage_id, "all", work)
