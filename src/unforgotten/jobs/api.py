"""``/api/v1/jobs`` — a background job's state, for scripts (thin: visibility is the service's business)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from unforgotten.db import RowId
from unforgotten.deps import CurrentActor, ReadSession
from unforgotten.jobs import service
from unforgotten.jobs.models import Job
from unforgotten.jobs.schemas import JobRead

__all__ = ["job_read", "router"]

router = APIRouter(prefix="/jobs", tags=["jobs"])


def job_read(request: Request, job: Job) -> JobRead:
    """The job as the routes answer it, with this process's live progress when it runs here."""
    runner = getattr(request.app.state, "job_runner", None)
    live = runner.live(job.id) if runner is not None else None
    return JobRead.model_validate(service.status_of(job, live).as_dict())


@router.get("/{job_id}", response_model=JobRead)
def get_job(job_id: RowId, request: Request, session: ReadSession, actor: CurrentActor) -> JobRead:
    """Return a job's state and progress, and the list it made once done; 404 outside the caller's space."""
    return job_read(request, service.get_visible_or_raise(session=session, actor=actor, job_id=job_id))
