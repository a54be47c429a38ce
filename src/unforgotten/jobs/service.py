"""Use cases for background jobs: queue an uploaded list, see a job, claim it, and end it done or failed.

A job is claimed by one conditional ``UPDATE`` (``WHERE state = 'queued'``), so of two runners — threads or
processes — exactly one gets it. Who may see a job follows the lists' rule: its party's space (the side that
uploaded it), the mediator only when the upload shares the list with the mediator, and the local operator; for
anyone else it does not exist (404, as every route).
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from unforgotten.audit.recorder import record
from unforgotten.auth import service as auth
from unforgotten.auth.models import Party, PartyKind, Role
from unforgotten.auth.service import Actor, readable_spaces
from unforgotten.errors import InputError, IntegrityError, NotFoundError, Text
from unforgotten.jobs.models import Job, JobKind, JobState
from unforgotten.lists import service as lists

__all__ = [
    "JobStatus",
    "actor_of",
    "claim",
    "create_import",
    "fail",
    "file_of",
    "finish",
    "get_by_state",
    "get_visible_or_raise",
    "may_upload",
    "next_queued",
    "requeue",
    "status_of",
    "uploadable_parties",
    "write_progress",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class JobStatus:
    """What a page or a script polls: where the job is, how far it got, and how it ended."""

    id: int
    state: str
    phase: str
    done: int
    total: int | None
    list_id: int | None
    error: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "phase": self.phase,
            "progress": {"done": self.done, "total": self.total},
            "list_id": self.list_id,
            "error": self.error,
        }


def may_upload(actor: Actor) -> bool:
    """Whether the actor may submit lists at all (the rule of ``lists.require_may_submit``, without a party)."""
    return actor.operator or (actor.role == Role.PARTY_COORDINATOR and actor.party_id is not None)


def uploadable_parties(*, session: Session, actor: Actor) -> list[Party]:
    """The sides the actor may submit a list for: its own party for a coordinator, every side for the operator."""
    if not may_upload(actor):
        return []
    sides = [p for p in auth.get_all(session=session) if p.kind == PartyKind.SIDE]
    return [p for p in sides if actor.operator or p.id == actor.party_id]


def create_import(
    *,
    session: Session,
    actor: Actor,
    path: Path,
    file_name: str,
    party_code: str,
    kind: str,
    name: str | None = None,
    share_with_mediator: bool = True,
) -> Job:
    """Queue the import of an uploaded file: the file is stored (once per content) and a job names it by hash.

    The checks the import would make first are made here too, so a coordinator hears at once, not from a job,
    that the party or the kind is wrong.
    """
    from unforgotten.lists.models import ListKind
    from unforgotten.lists.originals import store_original

    party = auth.get_by_code_or_raise(session=session, code=party_code)
    lists.require_may_submit(actor=actor, party=party)
    if kind not in {k.value for k in ListKind} - {ListKind.RESPONSE}:
        raise InputError(Text("unknown list kind"), value=kind, hint=Text("use custody, request, tracing or remains"))
    share_with: list[str] = []
    if share_with_mediator:
        mediator = auth.get_mediator(session=session)
        if mediator is None:
            raise InputError(
                Text("there is no mediator to share the list with"), hint=Text("untick the share, or add one")
            )
        share_with.append(mediator.code)
    file_hash = lists.file_sha256(path)
    store_original(session=session, path=path, sha256=file_hash)
    job = Job(
        kind=JobKind.IMPORT,
        state=JobState.QUEUED,
        submitted_by=actor.name,
        operator=actor.operator,
        party_id=party.id,
        options={"party": party.code, "kind": kind, "name": name or Path(file_name).stem, "share_with": share_with},
        file_name=Path(file_name).name[:500] or "upload",
        file_hash=file_hash,
        phase="queued",
    )
    session.add(job)
    session.flush()
    return job


def get_visible_or_raise(*, session: Session, actor: Actor, job_id: int) -> Job:
    """Return the job if the actor may see it; otherwise the same NotFoundError as for an id that does not exist."""
    job = session.get(Job, job_id)
    spaces = readable_spaces(actor)
    visible = job is not None and (
        spaces is None
        or job.party_id in spaces
        or (actor.is_mediator and actor.party_code in job.options.get("share_with", []))
    )
    if job is None or not visible:
        raise NotFoundError(
            Text("no job with id {job_id}", job_id=job_id),
            hint=Text("the page that queued the upload links to its job"),
        )
    return job


def status_of(job: Job, live: tuple[int, int | None, str] | None = None) -> JobStatus:
    """The job's status; ``live`` (done, total, phase) is the runner's in-memory progress, newer than the row's."""
    running_here = live is not None and job.state == JobState.RUNNING
    done, total, phase = live if live is not None and running_here else (job.done, job.total, job.phase)
    return JobStatus(id=job.id, state=job.state, phase=phase, done=done, total=total, list_id=job.list_id,
                     error=job.error)  # fmt: skip


def next_queued(*, session: Session) -> int | None:
    """The oldest queued job's id, if any."""
    query = select(Job.id).where(Job.state == JobState.QUEUED).order_by(Job.id).limit(1)
    return session.scalars(query).first()


def get_by_state(*, session: Session, state: JobState) -> Sequence[Job]:
    """The jobs in a state, oldest first."""
    return session.scalars(select(Job).where(Job.state == state).order_by(Job.id)).all()


def claim(*, session: Session, job_id: int) -> bool:
    """Take a queued job for this runner; False when another runner took it first (or it is not queued).

    One conditional UPDATE: the database lets exactly one of two concurrent claims change the row.
    """
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.QUEUED)
        .values(state=JobState.RUNNING, phase="starting", started_at=_now(), done=0, error=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    # A Core UPDATE is invisible to the recorder's flush hook: the claim is chained as a domain event instead.
    record(session, action="job.started", subject_type="jobs", subject_id=job_id, after={"state": JobState.RUNNING})
    return True


def requeue(*, session: Session, job_ids: Sequence[int], reason: str) -> list[int]:
    """Put running jobs whose runner is gone back in the queue (audited); return the ids requeued."""
    requeued = []
    for job in session.scalars(select(Job).where(Job.id.in_(job_ids), Job.state == JobState.RUNNING)):
        job.state = JobState.QUEUED
        job.phase = "queued"
        job.done = 0
        job.error = None
        requeued.append(job.id)
    session.flush()
    for job_id in requeued:
        record(session, action="job.requeued", subject_type="jobs", subject_id=job_id, reason=reason)
    return requeued


def actor_of(*, session: Session, job: Job) -> Actor:
    """The actor the job acts as: its submitter, as of now (a user deactivated since cannot run it)."""
    if job.operator:
        return auth.operator(job.submitted_by)
    return auth.actor_for(session=session, user=auth.get_user_by_name_or_raise(session=session, name=job.submitted_by))


def file_of(*, session: Session, job: Job, directory: Path) -> Path:
    """Write the job's file back out under its own name (readers go by the suffix), checked against its hash."""
    import hashlib

    from unforgotten.lists.models import StoredFile

    stored = session.get(StoredFile, job.file_hash)
    if stored is None:
        raise NotFoundError(
            Text("the file of job {job_id} is not stored", job_id=job.id), hint=Text("upload the file again")
        )
    content = zlib.decompress(stored.content)
    if hashlib.sha256(content).hexdigest() != job.file_hash:
        raise IntegrityError(
            Text("the stored file of job {job_id} does not match its hash", job_id=job.id), hint=Text("upload it again")
        )
    path = directory / (Path(job.file_name).name or "upload")
    path.write_bytes(content)
    return path


def finish(*, session: Session, job: Job, list_id: int, rows: int) -> None:
    """Mark the job done with the list it made; in the import's own transaction, so both commit or neither."""
    job.state = JobState.DONE
    job.phase = "done"
    job.done = rows
    job.total = rows
    job.list_id = list_id
    job.finished_at = _now()
    session.flush()


def fail(*, session: Session, job_id: int, message: str) -> None:
    """Mark the job failed with what went wrong (the import itself was rolled back)."""
    job = session.get(Job, job_id)
    if job is None:
        return
    job.state = JobState.FAILED
    job.phase = "failed"
    job.error = message[:4000]
    job.finished_at = _now()
    session.flush()


def write_progress(connection: Connection, *, job_id: int, done: int, total: int | None, phase: str) -> None:
    """Write a running job's progress outside its import's transaction, for workers other than the runner's.

    Progress counters are not audited: they change every few thousand rows and say nothing a later reader needs;
    the job's start, end and outcome are.
    """
    connection.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.RUNNING).values(done=done, total=total, phase=phase)
    )
