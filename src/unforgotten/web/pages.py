"""Cross-domain HTML pages: the overview, sign-in and sign-out (on a server-side session store)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from unforgotten.agreements import service as agreements
from unforgotten.auth import service as auth
from unforgotten.deps import SESSION_COOKIE, PageActor, ReadSession, client_address, get_database
from unforgotten.errors import AuthenticationError, RateLimitedError, SecondFactorMissingError
from unforgotten.lists import service as lists
from unforgotten.persons import service as persons
from unforgotten.releases import service as releases
from unforgotten.web import charts, dashboard
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_PERSONS_SHOWN = 50


@router.get("/", response_class=HTMLResponse, name="overview")
def overview(request: Request, session: ReadSession, actor: PageActor) -> HTMLResponse:
    """Show the viewer's dashboard, then parties, agreements, the lists it may see, the releases to it, and its
    space's persons."""
    summaries = lists.get_summaries(session=session, actor=actor)
    board = dashboard.build(session=session, actor=actor, summaries=summaries)
    by_agreement: dict[int, list[dashboard.CategoryState]] = {}
    for state in board.categories:
        by_agreement.setdefault(state.agreement_id, []).append(state)
    # The table leaves out a stage no person of the agreement's categories is at, so the others fit on a screen.
    stage_columns = {
        agreement_id: [stage for stage in dashboard.STAGES if any(s.stages[stage] for s in states)]
        for agreement_id, states in by_agreement.items()
    }
    status_charts = {
        agreement_id: charts.stacked_bars([(s.category, s.stages) for s in states], keys=dashboard.STAGES)
        for agreement_id, states in by_agreement.items()
    }
    reconcilable = actor.operator or actor.is_mediator or actor.space_id is not None
    reconciliations = [
        (request_list, custody_list)
        for request_list in summaries
        if request_list.kind == "request"
        for custody_list in summaries
        if custody_list.kind == "custody" and custody_list.party != request_list.party and reconcilable
    ]
    released = [
        (r, releases.party_code(session, r.to_party_id)) for r in releases.get_all(session=session, actor=actor)
    ]
    return render(
        request,
        "overview.html",
        {
            "actor": actor,
            "dashboard": board,
            "categories_by_agreement": by_agreement,
            "status_charts": status_charts,
            "stage_columns": stage_columns,
            "space_chart": charts.stacked_bars([(board.space or "", board.space_stages)], keys=dashboard.STAGES)
            if board.space_stages
            else None,
            "ack_chart": charts.day_bars(board.acknowledged_by_day),
            "parties": auth.get_all(session=session),
            "agreements": agreements.get_all(session=session),
            "lists": summaries,
            "reconciliations": reconciliations,
            "releases": released,
            "list_names": {s.id: f"{s.party} {s.name}" for s in summaries},
            "person_statuses": persons.count_by_status(session=session, actor=actor),
            "persons": persons.get_all(session=session, actor=actor, limit=_PERSONS_SHOWN),
            "person_total": persons.count(session=session, actor=actor),
        },
    )


@router.get("/login", response_class=HTMLResponse, name="login")
def login_form(request: Request, next: str = "/", done: str = "") -> HTMLResponse:
    """Ask for user name, password and one-time code (or, in a smaller form, an API token)."""
    page = {"next": next, "error": None, "problem": None, "name": "", "done": done if done == "password" else ""}
    return render(request, "login.html", page)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    name: str = Form(""),
    password: str = Form(""),
    code: str = Form(""),
    token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    """Check the password and code (or the API token) and open a server-side session; the cookie holds its id.

    Both forms count their failures in the same per-client limiter as the API's bearer tokens: switching between
    them does not buy a guesser more tries.
    """
    database = get_database(request)
    limiter = request.app.state.sign_in_limiter
    client = client_address(request)
    settings = request.app.state.settings
    page = {"next": next, "error": None, "problem": None, "name": name}
    try:
        limiter.check(client)
        with database.unit_of_work(actor="web:sign-in") as uow:
            if token:
                actor, session_id = auth.create_web_session(
                    session=uow.session, token=token, ttl_hours=settings.session_ttl_hours
                )
            else:
                actor, session_id = auth.sign_in(
                    session=uow.session, name=name.strip(), password=password, code=code or None,
                    ttl_hours=settings.session_ttl_hours,
                )  # fmt: skip
            uow.commit()
    except RateLimitedError as error:
        return render(request, "login.html", {**page, "error": error}, status_code=429)
    except SecondFactorMissingError:
        # The password was right: not a guess, so not counted; the page says how to enrol.
        return render(request, "login.html", {**page, "problem": "enrol"}, status_code=401)
    except AuthenticationError as error:
        limiter.failed(client, database, where="web" if token else "web-password")
        failure = {"error": error.message} if token else {"problem": "failed"}
        return render(request, "login.html", {**page, **failure}, status_code=401)
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    secure = settings.environment != "local"
    response.set_cookie(
        SESSION_COOKIE, session_id, httponly=True, samesite="strict", secure=secure,
        max_age=settings.session_ttl_hours * 3600,
    )  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session on the server (a copied cookie dies with it) and forget the cookie."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        with get_database(request).unit_of_work(actor="web:sign-out") as uow:
            auth.end_web_session(session=uow.session, session_id=session_id)
            uow.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
