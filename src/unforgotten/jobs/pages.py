"""HTML pages for uploading a list from the browser: ``/lists`` (the lists one may see, and the upload form) and
``/jobs/{id}`` (the upload's progress, polled by ``static/job.js``; refreshed by the page itself without JS).

The upload is stored and queued in the request; the import and linking run in the job runner, so a 200,000-row
file does not hold a request open for minutes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from unforgotten.auth.service import Actor
from unforgotten.db import RowId
from unforgotten.deps import PageActor, PageSession, ReadSession
from unforgotten.errors import NotFoundError, PermissionDeniedError, Text, UnforgottenError
from unforgotten.jobs import service
from unforgotten.jobs.api import job_read
from unforgotten.lists import service as lists
from unforgotten.lists.models import ListKind
from unforgotten.web.templating import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

KINDS = [ListKind.CUSTODY, ListKind.REQUEST, ListKind.TRACING, ListKind.REMAINS]


def _same_origin(request: Request) -> None:
    """Refuse a form posted from another site (as the person page's actions do: in local mode no cookie guards the
    pages, so the Origin must). A client that sends no ``Origin`` (a script) is not a browser tricked by a site."""
    origin = request.headers.get("origin")
    if origin is not None and (origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")):
        raise PermissionDeniedError(
            Text("a form from another site cannot act here"), hint=Text("use the lists page itself")
        )


def _lists_page(
    request: Request, session: Session, actor: Actor, *, error: UnforgottenError | None = None
) -> HTMLResponse:
    context = {
        "actor": actor,
        "summaries": lists.get_summaries(session=session, actor=actor),
        "parties": service.uploadable_parties(session=session, actor=actor),
        "kinds": KINDS,
        "error": error,
    }
    return render(request, "lists.html", context, status_code=error.http_status if error else 200)


@router.get("/lists", response_class=HTMLResponse, name="lists_page")
def lists_page(request: Request, session: ReadSession, actor: PageActor) -> HTMLResponse:
    """Show the lists the viewer may see, and the upload form to those who may submit lists."""
    return _lists_page(request, session, actor)


@router.post("/lists", name="lists_upload")
def lists_upload(
    request: Request,
    session: PageSession,
    actor: PageActor,
    file: UploadFile = File(...),
    party: str = Form(""),
    kind: str = Form(""),
    name: str = Form(""),
    share: bool = Form(False),
) -> Response:
    """Store the uploaded file, queue its import as a job, and go to the job's progress page (303)."""
    try:
        _same_origin(request)
        with tempfile.TemporaryDirectory() as tmp, session.begin_nested():
            path = Path(tmp) / "upload"
            with path.open("wb") as handle:
                while chunk := file.file.read(1 << 20):
                    handle.write(chunk)
            job = service.create_import(session=session, actor=actor, path=path, file_name=file.filename or "upload",
                                        party_code=party, kind=kind, name=name.strip()[:200] or None,
                                        share_with_mediator=share)  # fmt: skip
    except UnforgottenError as error:
        return _lists_page(request, session, actor, error=error)
    if request.app.state.job_runner is not None:
        # The row commits as this handler returns (PageSession); a runner woken a moment early finds the job at
        # its next poll, two seconds later at most.
        request.app.state.job_runner.wake()
    return RedirectResponse(request.app.url_path_for("job_page", job_id=str(job.id)), status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse, name="job_page")
def job_page(request: Request, job_id: RowId, session: ReadSession, actor: PageActor) -> HTMLResponse:
    """Show a job's progress (a bar the page's script updates every second) and, once done, a link to its list."""
    try:
        job = service.get_visible_or_raise(session=session, actor=actor, job_id=job_id)
    except NotFoundError:
        return render(request, "job.html", {"actor": actor, "missing": job_id}, status_code=404)
    status = job_read(request, job)
    return render(request, "job.html", {"actor": actor, "job": job, "status": status})


@router.get("/jobs/{job_id}/status", name="job_status")
def job_status(request: Request, job_id: RowId, session: ReadSession, actor: PageActor) -> JSONResponse:
    """The job's state as ``GET /api/v1/jobs/{id}`` answers it, for the page's script (signed in by the page's
    session, which the API's bearer tokens are not)."""
    job = service.get_visible_or_raise(session=session, actor=actor, job_id=job_id)
    return JSONResponse(job_read(request, job).model_dump(), headers={"Cache-Control": "no-store"})
