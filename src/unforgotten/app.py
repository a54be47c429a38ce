"""FastAPI app factory: API under ``/api/v1``, HTML pages, static files. Nothing happens at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from unforgotten import __version__
from unforgotten.db import Database
from unforgotten.errors import PermissionDeniedError, UnforgottenError
from unforgotten.settings import Settings, get_settings

__all__ = ["create_app"]

API_PREFIX = "/api/v1"


def _problem(error: UnforgottenError, request: Request) -> JSONResponse:
    body = {
        "type": f"https://unforgotten.invalid/problems/{type(error).__name__}",
        "title": error.title,
        "status": error.http_status,
        "detail": error.message,
        "instance": str(request.url.path),
    }
    if error.hint:
        body["hint"] = error.hint
    return JSONResponse(body, status_code=error.http_status, media_type="application/problem+json")


def _api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)

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
    from unforgotten.lists.api import router as lists_router
    from unforgotten.persons.api import router as persons_router

    router.include_router(lists_router)
    router.include_router(persons_router)
    router.include_router(audit_router)
    router.include_router(agreements_router)
    return router


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    """Build the application; the database is migrated and opened when the app starts, not at import."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if database is None:
            from unforgotten.bootstrap import bootstrap

            app.state.database = bootstrap(settings)
        else:
            app.state.database = database
        yield
        if database is None:
            app.state.database.engine.dispose()

    app = FastAPI(
        title="Unforgotten",
        version=__version__,
        summary="Exchanges of persons between two parties with a neutral mediator — no one lost or forgotten.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )

    app.state.settings = settings

    @app.exception_handler(UnforgottenError)
    async def _handle_domain_error(request: Request, error: UnforgottenError) -> Response:
        if not request.url.path.startswith(API_PREFIX) and isinstance(error, PermissionDeniedError):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        return _problem(error, request)

    app.include_router(_api_router())
    from unforgotten.lists.pages import router as list_pages
    from unforgotten.persons.pages import router as person_pages
    from unforgotten.web.pages import router as pages_router

    app.include_router(pages_router)
    app.include_router(list_pages)
    app.include_router(person_pages)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).resolve().parent / "web" / "static")), name="static")
    return app
