"""Cross-domain HTML pages: the overview, sign-in and sign-out."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from unforgotten.agreements import service as agreements
from unforgotten.auth import service as auth
from unforgotten.auth import service as parties
from unforgotten.deps import TOKEN_COOKIE, PageActor, ReadSession
from unforgotten.errors import PermissionDeniedError
from unforgotten.lists import service as lists
from unforgotten.persons import service as persons
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_PERSONS_SHOWN = 50


@router.get("/", response_class=HTMLResponse, name="overview")
def overview(request: Request, session: ReadSession, actor: PageActor) -> HTMLResponse:
    """Show parties, agreements, the lists the viewer may see with their counts, and their persons' status."""
    visible_lists = lists.visible_list_ids(session=session, actor=actor)
    visible_entries = lists.visible_entry_ids(session=session, actor=actor)
    summaries = [s for s in lists.get_summaries(session=session) if visible_lists is None or s.id in visible_lists]
    reconciliations = [
        (request_list, custody_list)
        for request_list in summaries
        if request_list.kind == "request"
        for custody_list in summaries
        if custody_list.kind == "custody" and custody_list.party != request_list.party
    ]
    return render(
        request,
        "overview.html",
        {
            "actor": actor,
            "parties": parties.get_all(session=session),
            "agreements": agreements.get_all(session=session),
            "lists": summaries,
            "reconciliations": reconciliations,
            "person_statuses": persons.count_by_status(session=session, entry_ids=visible_entries),
            "persons": persons.get_all(session=session, limit=_PERSONS_SHOWN, entry_ids=visible_entries),
            "person_total": persons.count(session=session, entry_ids=visible_entries),
        },
    )


@router.get("/login", response_class=HTMLResponse, name="login")
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    """Ask for the API token that `unforgotten user add` printed."""
    return render(request, "login.html", {"next": next, "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, session: ReadSession, token: str = Form(...), next: str = Form("/")) -> Response:
    """Check the token and keep it in an HTTP-only cookie."""
    try:
        auth.authenticate(session=session, token=token)
    except PermissionDeniedError as error:
        return render(request, "login.html", {"next": next, "error": error.message}, status_code=401)
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    secure = request.app.state.settings.environment != "local"
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", secure=secure)
    return response


@router.post("/logout")
def logout() -> Response:
    """Forget the token cookie."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    return response
