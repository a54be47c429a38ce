"""FastAPI app factory: API under ``/api/v1``, HTML pages, static files. Nothing happens at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from unforgotten import __version__
from unforgotten.db import Database
from unforgotten.errors import AuthenticationError, UnforgottenError
from unforgotten.settings import Settings, get_settings
from unforgotten.web.i18n import N_, problem_text, problem_title

__all__ = ["create_app"]

API_PREFIX = "/api/v1"


class Problem(BaseModel):
    """An error, as RFC 9457 problem details: what kind, what happened, where, and (when known) what to do."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    hint: str | None = None


# What any API route may answer besides its success, all as problem+json (the handlers below). Documented once for
# every route, so clients and the schema fuzzer see the error statuses and their body, not FastAPI's 422 shape.
_PROBLEMS = {
    400: "the body is not readable as its content type says (e.g. malformed JSON)",
    401: "no token, or a bad, expired or revoked one",
    403: "the role does not allow this",
    404: "no such object, or one outside the caller's space",
    409: "the action contradicts the current state",
    413: "the request body is over the limit",
    422: "the input cannot be used as given",
    429: "too many failed sign-ins from this address",
    503: "the database is busy or away; retry after the Retry-After seconds",
}
PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"description": text, "content": {"application/problem+json": {"schema": Problem.model_json_schema()}}}
    for status, text in _PROBLEMS.items()
}


def _problem_body(kind: str, title: str, status: int, detail: str, request: Request) -> dict[str, object]:
    # Title, detail and hint are said in the language of Accept-Language (English when it asks for none): the title
    # is a fixed phrase per kind, a domain error's detail and hint are Text templates whose values (data) stay as is.
    return {
        "type": f"https://unforgotten.invalid/problems/{kind}",
        "title": problem_title(title, request.headers.get("accept-language")),
        "status": status,
        "detail": detail,
        "instance": str(request.url.path),
    }


def _problem(error: UnforgottenError, request: Request) -> JSONResponse:
    detail, hint = problem_text(error, request.headers.get("accept-language"))
    body = _problem_body(type(error).__name__, error.title, error.http_status, detail, request)
    if hint:
        body["hint"] = hint
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, AuthenticationError) else None
    return JSONResponse(body, status_code=error.http_status, media_type="application/problem+json", headers=headers)


# A browser that opens a page's address gets a page back, not JSON, whatever went wrong: (title, advice) per status.
_NOT_VALID = (N_("This address is not valid"), N_("Part of the address is not what this page expects. Open the page "
              "again from its link instead of editing the address."))  # fmt: skip
_NOT_FOUND = (N_("Page not found"), N_("There is no such page, or it is not one you may see. Open pages from their "
              "links."))  # fmt: skip
_PAGE_PROBLEMS = {
    400: _NOT_VALID,
    403: (N_("Not allowed"), N_("Your role does not allow this. Ask your coordinator or the mediator if you need it.")),
    404: _NOT_FOUND,
    405: _NOT_FOUND,
    409: (
        N_("This cannot be done now"),
        N_("The record has changed since the page was shown. Open it again and retry."),
    ),
    422: _NOT_VALID,
    503: (
        N_("The database is busy or away"),
        N_("Nothing was changed. Wait a few seconds, then reload the page or send the form again."),
    ),
}
_RETRY_AFTER = "5"  # seconds: how soon a page or a script may try again when the database is busy or away


def _wants_page(request: Request) -> bool:
    """A browser asking for a page (not the API, and HTML accepted): it should see a page, not problem+json."""
    return not request.url.path.startswith(API_PREFIX) and "text/html" in request.headers.get("accept", "")


def _problem_page(request: Request, status: int, details: list[str]) -> Response:
    """The page for a refused address; ``details`` are shown through the ``refusal`` filter (a Text translated)."""
    from unforgotten.web.templating import render

    title, advice = _PAGE_PROBLEMS.get(status, _PAGE_PROBLEMS[400])
    context = {"actor": None, "title": title, "advice": advice, "details": details}
    return render(request, "problem.html", context, status_code=400 if status == 422 else status)


def _offline_docs(app: FastAPI) -> None:
    """Swagger UI from files vendored from the npm package swagger-ui-dist (web/static/swagger-ui/SOURCE.md), not
    a CDN: machines with no network get working API docs."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse

    swagger_ui_path = Path(__file__).resolve().parent / "web" / "static" / "swagger-ui"

    assets = f"{API_PREFIX}/docs-assets"

    @app.get(f"{API_PREFIX}/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{API_PREFIX}/openapi.json",
            title="Unforgotten API",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon-32x32.png",
        )

    app.mount(assets, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"


def _api_router() -> APIRouter:
    from unforgotten.deps import current_actor

    router = APIRouter(prefix=API_PREFIX, responses=PROBLEM_RESPONSES)

    @router.get("/health", tags=["system"], summary="Liveness and database reachability")
    def health(request: Request) -> dict[str, str]:
        """Report that the service runs and its database answers."""
        from sqlalchemy import text

        database: Database = request.app.state.database
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__, "database": database.engine.dialect.name}

    from unforgotten.agreements.api import router as agreements_router
    from unforgotten.audit.api import router as audit_router
    from unforgotten.auth.api import router as auth_router
    from unforgotten.exchanges.api import router as exchanges_router
    from unforgotten.jobs.api import router as jobs_router
    from unforgotten.lists.api import router as lists_router
    from unforgotten.negotiations.api import feed_router
    from unforgotten.negotiations.api import router as negotiations_router
    from unforgotten.persons.api import router as persons_router
    from unforgotten.releases.api import router as releases_router
    from unforgotten.tracing.api import router as tracing_router

    # Every route below needs a valid token: a new route cannot be public by accident.
    protected = APIRouter(dependencies=[Depends(current_actor)])
    for domain_router in (
        auth_router, lists_router, persons_router, releases_router, audit_router, agreements_router,
        negotiations_router, tracing_router, exchanges_router, jobs_router,
    ):  # fmt: skip
        protected.include_router(domain_router)
    router.include_router(protected)
    # A calendar program cannot send a bearer token: the feed is authenticated by the secret in its URL instead.
    router.include_router(feed_router)
    return router


def create_app(
    settings: Settings | None = None, *, database: Database | None = None, run_jobs: bool = False
) -> FastAPI:
    """Build the application; the database is migrated and opened when the app starts, not at import. The job
    runner starts with it when ``settings.run_jobs`` says so, or (unset) when ``run_jobs`` does (``serve``)."""
    settings = settings or get_settings()
    runs_jobs = run_jobs if settings.run_jobs is None else settings.run_jobs

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if database is None:
            from unforgotten.bootstrap import bootstrap

            app.state.database = bootstrap(settings)
        else:
            app.state.database = database
        if runs_jobs:
            from unforgotten.jobs.runner import JobRunner

            app.state.job_runner = JobRunner(app.state.database)
            app.state.job_runner.start()
        yield
        if app.state.job_runner is not None:
            app.state.job_runner.stop()
        if database is None:
            app.state.database.engine.dispose()

    app = FastAPI(
        title="Unforgotten",
        version=__version__,
        summary="Exchanges of persons between two parties with a neutral mediator — no one lost or forgotten.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served below from a package's files: the docs must open with no network
        redoc_url=None,
        lifespan=lifespan,
    )

    from unforgotten.auth.limits import SignInLimiter
    from unforgotten.body_limits import BodyLimit

    app.add_middleware(BodyLimit, upload_bytes=settings.max_upload_mb << 20, body_bytes=settings.max_body_kb << 10)
    app.state.settings = settings
    app.state.job_runner = None
    app.state.sign_in_limiter = SignInLimiter()
    app.state.operator_name = _os_user()

    @app.exception_handler(UnforgottenError)
    async def _handle_domain_error(request: Request, error: UnforgottenError) -> Response:
        if not request.url.path.startswith(API_PREFIX) and isinstance(error, AuthenticationError):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        if _wants_page(request) and error.http_status in _PAGE_PROBLEMS:
            response = _problem_page(request, error.http_status, [error.message])
        else:
            response = _problem(error, request)
        if error.http_status == 503:
            response.headers["Retry-After"] = _RETRY_AFTER
        return response

    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.orm.exc import StaleDataError

    from unforgotten.db import domain_error

    async def _handle_database_error(request: Request, error: Exception) -> Response:
        translated = domain_error(error)
        if translated is None:
            raise error
        # A browser gets the page that says what happened (the database away, a lost race), not a JSON body.
        return await _handle_domain_error(request, translated)

    app.add_exception_handler(StaleDataError, _handle_database_error)
    app.add_exception_handler(DBAPIError, _handle_database_error)

    @app.exception_handler(StarletteHTTPException)
    async def _handle_http_error(request: Request, error: StarletteHTTPException) -> Response:
        # The framework's own 404/405 are problem+json too, with no hint that a route or record exists.
        if _wants_page(request) and error.status_code in _PAGE_PROBLEMS:
            return _problem_page(request, error.status_code, [])
        body = _problem_body("HTTPError", str(error.detail), error.status_code, str(error.detail), request)
        return JSONResponse(
            body, status_code=error.status_code, media_type="application/problem+json", headers=error.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _handle_validation_error(request: Request, error: RequestValidationError) -> Response:
        lines = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in error.errors()]
        if _wants_page(request):  # an edited link (?page=abc) or a form a browser sent: a page saying what and where
            return _problem_page(request, 422, lines)
        fields = "; ".join(lines)
        body = _problem_body("InputError", "Invalid input", 422, fields or "the request is malformed", request)
        return JSONResponse(body, status_code=422, media_type="application/problem+json")

    app.include_router(_api_router())
    from unforgotten.agreements.pages import router as agreement_pages
    from unforgotten.auth.pages import router as account_pages
    from unforgotten.deps import page_actor
    from unforgotten.exchanges.crossing import router as crossing_pages
    from unforgotten.exchanges.pages import router as exchange_pages
    from unforgotten.jobs.pages import router as job_pages
    from unforgotten.lists.pages import router as list_pages
    from unforgotten.lists.version_pages import router as list_version_pages
    from unforgotten.negotiations.pages import router as negotiation_pages
    from unforgotten.persons.pages import router as person_pages
    from unforgotten.tracing.pages import router as tracing_pages
    from unforgotten.web.pages import router as pages_router

    app.include_router(pages_router)  # sign-in and sign-out are open; its other pages ask for PageActor themselves
    app.include_router(list_pages, dependencies=[Depends(page_actor)])
    app.include_router(list_version_pages, dependencies=[Depends(page_actor)])
    app.include_router(person_pages, dependencies=[Depends(page_actor)])
    app.include_router(agreement_pages, dependencies=[Depends(page_actor)])
    app.include_router(exchange_pages, dependencies=[Depends(page_actor)])
    app.include_router(job_pages, dependencies=[Depends(page_actor)])
    app.include_router(crossing_pages, dependencies=[Depends(page_actor)])
    app.include_router(tracing_pages, dependencies=[Depends(page_actor)])
    app.include_router(negotiation_pages, dependencies=[Depends(page_actor)])
    app.include_router(account_pages, dependencies=[Depends(page_actor)])
    _offline_docs(app)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).resolve().parent / "web" / "static")), name="static")
    return app
