"""HTML pages for persons: the review queue, search, and the person page with its actions.

The person page's forms post to routes here that call the same services as the API and the CLI; those services
decide visibility (404 first, as everywhere) and permissions. A done action redirects back to the page (303) with a
message; a refused one shows its reason on the page, never a JSON body.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from unforgotten.audit.service import record_access
from unforgotten.auth.service import Actor
from unforgotten.db import RowId
from unforgotten.deps import PageActor, PageSession, ReadSession, get_database
from unforgotten.errors import InputError, NotFoundError, Text, UnforgottenError
from unforgotten.persons import cases, dossier, review, service, suggestions
from unforgotten.persons.waterfall import layout
from unforgotten.web.forms import page_url, run_form
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


# What a redirect back to the review queue may announce: a fixed vocabulary, as for the person page.
_DECIDED = frozenset({"accepted", "rejected", "merged", "split"})


def _review_page(request: Request, session: Session, actor: Actor, at: int, **extra: object) -> HTMLResponse:
    """Render the queue at position ``at`` (1-based, clamped), one suggestion with both its sides."""
    queue = suggestions.pending(session=session, actor=actor)
    at = min(max(at, 1), len(queue)) if queue else 0
    shown = suggestions.get(session=session, actor=actor, match=queue[at - 1]) if queue else None
    status = 200
    error = extra.get("error")
    if isinstance(error, UnforgottenError):
        status = error.http_status
    context = {"actor": actor, "s": shown, "at": at, "total": len(queue), "capped": len(queue) >= suggestions.QUEUE_CAP,
               "chart": layout, **extra}  # fmt: skip
    return render(request, "review.html", context, status_code=status)


@router.get("/review", response_class=HTMLResponse, name="review_queue")
def review_queue(
    request: Request, session: ReadSession, actor: PageActor, at: int = 1, done: str = "", person: int = 0
) -> HTMLResponse:
    """Show one pending suggestion of the reader's space at a time: both sides, what differs, why, and the choices."""
    return _review_page(request, session, actor, at, done=done if done in _DECIDED else "", person=person)


Decision = Callable[[str], int]  # runs the decision with the reason; returns the person the entry now belongs to


def _decide(request: Request, session: Session, actor: Actor, match_id: int, at: int, reason: str,
            done: str, decision: Decision) -> Response:  # fmt: skip
    """Decide one suggestion: on to the next (303) when done, or show why it was refused (a lost race included)."""

    def work() -> str:
        review.get_visible_match_or_raise(
            session=session, actor=actor, match_id=match_id, called=Text("suggestion")
        )  # 404
        person = decision(_reason(reason))
        # The decided suggestion left the queue, so the same position now holds the next one.
        return page_url(request, "review_queue", {"at": max(at, 1), "done": done, "person": person})

    return run_form(request, session, work=work,
                    failed=lambda error: _review_page(request, session, actor, at, error=error),
                    missing=lambda: render(request, "review.html", {"actor": actor, "missing": match_id},
                                           status_code=404))  # fmt: skip


@router.post("/review/{match_id}/accept", name="review_accept")
def review_accept(request: Request, match_id: RowId, session: PageSession, actor: PageActor,
                  reason: str = Form(""), at: int = Form(1)) -> Response:  # fmt: skip
    """Accept a suggestion: the entry joins the suggested person."""

    def decision(why: str) -> int:
        return review.accept(session=session, actor=actor, match_id=match_id, reason=why).person_id

    return _decide(request, session, actor, match_id, at, reason, "accepted", decision)


@router.post("/review/{match_id}/reject", name="review_reject")
def review_reject(request: Request, match_id: RowId, session: PageSession, actor: PageActor,
                  reason: str = Form(""), at: int = Form(1)) -> Response:  # fmt: skip
    """Reject a suggestion: the entry stays with its person."""

    def decision(why: str) -> int:
        match = review.reject(session=session, actor=actor, match_id=match_id, reason=why)
        return review.current_match(session=session, entry_id=match.entry_id, space_id=match.space_id).person_id

    return _decide(request, session, actor, match_id, at, reason, "rejected", decision)


@router.post("/review/{match_id}/merge", name="review_merge")
def review_merge(request: Request, match_id: RowId, session: PageSession, actor: PageActor,
                 reason: str = Form(""), at: int = Form(1)) -> Response:  # fmt: skip
    """Accept a suggestion and merge the entry's current person into the suggested one: they are one individual."""

    def decision(why: str) -> int:
        return suggestions.merge(session=session, actor=actor, match_id=match_id, reason=why).id

    return _decide(request, session, actor, match_id, at, reason, "merged", decision)


@router.post("/review/{match_id}/split", name="review_split")
def review_split(request: Request, match_id: RowId, session: PageSession, actor: PageActor,
                 reason: str = Form(""), at: int = Form(1)) -> Response:  # fmt: skip
    """Reject a suggestion and split the entry off its current person into a new person: it is neither."""

    def decision(why: str) -> int:
        return suggestions.split(session=session, actor=actor, match_id=match_id, reason=why).id

    return _decide(request, session, actor, match_id, at, reason, "split", decision)


@router.get("/search", response_class=HTMLResponse, name="search_page")
def search_page(request: Request, session: ReadSession, actor: PageActor, q: str = "") -> HTMLResponse:
    """Show the persons of the viewer's space that the query finds, best first."""
    query = q.strip()[:200]
    found, total = service.search(session=session, actor=actor, query=query, limit=50) if query else ([], 0)
    return render(request, "search.html", {"actor": actor, "query": query, "persons": found, "total": total})


# What a redirect back to the person page may announce: a fixed vocabulary, so a link cannot make the page say
# anything else.
_DONE = frozenset({"transition", "pending", "confirmed", "split"})


def _person_page(request: Request, session: Session, actor: Actor, person_id: int, **extra: object) -> HTMLResponse:
    """Render the person page, or the same 404 page for a person that is missing or outside the reader's spaces."""
    try:
        found = dossier.get(session=session, actor=actor, person_id=person_id)
    except NotFoundError:
        return render(request, "person.html", {"actor": actor, "missing": person_id}, status_code=404)
    status = 200
    error = extra.get("error")
    if isinstance(error, UnforgottenError):
        status = error.http_status
    # agreements come after persons in the order of packages, so the page (not the persons domain) asks them
    from unforgotten.agreements.flows import assess_person_in_force

    assessments = assess_person_in_force(session=session, person_id=found.person.id, space_id=found.person.space_id)
    context = {"actor": actor, "d": found, "chart": layout, "assessments": assessments, **extra}
    return render(request, "person.html", context, status_code=status)


@router.get("/persons/{person_id}", response_class=HTMLResponse, name="person_page")
def person_page(
    request: Request, person_id: RowId, session: ReadSession, actor: PageActor, done: str = "", new: int = 0
) -> HTMLResponse:
    """Show one person: its entries as each list wrote them, why each is linked, its history, and what one may do."""
    page = _person_page(request, session, actor, person_id, done=done if done in _DONE else "", new=new)
    if page.status_code == 200:
        record_access(get_database(request), actor=f"web:{actor.name}", action="access.person_viewed",
                      subject_type="persons", subject_id=person_id, details={"page": True})  # fmt: skip
    return page


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise InputError(Text("a reason is required"), hint=Text("say why, for the record"))
    return reason[:2000]


Action = Callable[[], tuple[str, dict[str, int]]]  # runs one service call; returns the ``done`` word and query


def _act(request: Request, session: Session, actor: Actor, person_id: int, action: Action) -> Response:
    """Run one action: back to the page (303) when done, or show why it was refused (a lost race included)."""

    def work() -> str:
        service.get_visible_or_raise(session=session, actor=actor, person_id=person_id)  # 404 before anything
        done, query = action()
        return page_url(request, "person_page", {"done": done, **query}, person_id=person_id)

    return run_form(request, session, work=work,
                    failed=lambda error: _person_page(request, session, actor, person_id, error=error),
                    missing=lambda: render(request, "person.html", {"actor": actor, "missing": person_id},
                                           status_code=404))  # fmt: skip


@router.post("/persons/{person_id}/transition", name="person_transition")
def person_transition(
    request: Request,
    person_id: RowId,
    session: PageSession,
    actor: PageActor,
    to: str = Form(""),
    reason: str = Form(""),
    evidence: str = Form(""),
) -> Response:
    """Move the person to another status, with a reason (the state machine decides who may, and what it needs)."""

    def action() -> tuple[str, dict[str, int]]:
        change = cases.transition(session=session, actor=actor, person_id=person_id, to_status=to,
                                  reason=_reason(reason), evidence=evidence.strip() or None)  # fmt: skip
        return ("pending" if change.state == "pending" else "transition"), {}

    return _act(request, session, actor, person_id, action)


@router.post("/persons/{person_id}/confirm", name="person_confirm")
def person_confirm(
    request: Request,
    person_id: RowId,
    session: PageSession,
    actor: PageActor,
    change_id: int = Form(0),
    reason: str = Form(""),
) -> Response:
    """Confirm a pending change of this person, as someone outside the side that asked for it."""

    def action() -> tuple[str, dict[str, int]]:
        if change_id not in {c.id for c in cases.history(session=session, actor=actor, person_id=person_id)}:
            raise InputError(Text("that change is not one of this person's"), value=str(change_id))
        cases.confirm(session=session, actor=actor, change_id=change_id, reason=_reason(reason))
        return "confirmed", {}

    return _act(request, session, actor, person_id, action)


@router.post("/persons/{person_id}/split", name="person_split")
def person_split(
    request: Request,
    person_id: RowId,
    session: PageSession,
    actor: PageActor,
    entry_id: int = Form(0),
    reason: str = Form(""),
) -> Response:
    """Split one of this person's entries off into a new person of its own."""
    from unforgotten.persons.flows import split_entry

    def action() -> tuple[str, dict[str, int]]:
        found = dossier.get(session=session, actor=actor, person_id=person_id)
        if entry_id not in {e.entry.id for e in found.entries}:
            raise InputError(Text("that entry is not one of this person's"), value=str(entry_id))
        person = split_entry(session=session, actor=actor, entry_id=entry_id, reason=_reason(reason))
        return "split", {"new": person.id}

    return _act(request, session, actor, person_id, action)
