"""``/api/v1/persons`` and ``/api/v1/review`` — thin: parse, call the service, shape the answer.

Every service called here scopes by the caller's space first, so an id of another space answers 404 exactly as a
missing id does, before any role check. Reads of persons and exports are recorded as access events.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from unforgotten.audit.service import record_access
from unforgotten.auth.service import Actor
from unforgotten.db import RowCount, RowId
from unforgotten.deps import CurrentActor, DbSession, ReadSession, get_database
from unforgotten.persons import cases, review, service
from unforgotten.persons.schemas import (
    Decision,
    MatchRead,
    MergeCreate,
    PersonPage,
    PersonRead,
    StatusChangeRead,
    TransitionCreate,
)

__all__ = ["router"]

router = APIRouter(tags=["persons"])


def _accessed(request: Request, actor: Actor, action: str, subject_id: RowId | None, **details: object) -> None:
    record_access(
        get_database(request), actor=f"api:{actor.name}", action=action, subject_type="persons",
        subject_id=subject_id, details=dict(details),
    )  # fmt: skip


@router.get("/persons", response_model=PersonPage)
def list_persons(
    session: ReadSession, actor: CurrentActor, limit: RowCount = 100, offset: RowCount = 0, q: str | None = None
) -> PersonPage:
    """List the persons of the caller's space, with their current status; with ``q``, those it finds, best first."""
    if q is not None and q.strip():
        found, total = service.search(session=session, actor=actor, query=q, limit=limit)
        return PersonPage(items=[PersonRead.model_validate(p) for p in found], total=total)
    persons = service.get_all(session=session, actor=actor, limit=limit, offset=offset)
    return PersonPage(
        items=[PersonRead.model_validate(p) for p in persons], total=service.count(session=session, actor=actor)
    )


@router.get(
    "/pfif/persons",
    response_class=FileResponse,
    responses={200: {"content": {"application/xml": {}}, "description": "A PFIF 1.4 document."}},
)
def export_persons_pfif(
    request: Request, session: ReadSession, actor: CurrentActor, domain: str = "unforgotten.local"
) -> FileResponse:
    """Every person of the caller's space as PFIF 1.4, each with a note per entry and per applied change.

    Written to a temporary file first (streamed, so memory stays flat) and sent from there: the database session
    ends with the request, before a streamed body would be read.
    """
    from unforgotten.persons.export import export_pfif

    handle = tempfile.NamedTemporaryFile(prefix="unforgotten-pfif-", suffix=".xml", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    try:
        count = export_pfif(session=session, actor=actor, path=path, domain=domain)
        _accessed(request, actor, "access.persons_exported", None, persons=count, format="pfif")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path, media_type="application/xml", filename="persons.pfif.xml", background=BackgroundTask(path.unlink)
    )


@router.get("/persons/{person_id}", response_model=PersonRead)
def get_person(person_id: RowId, request: Request, session: ReadSession, actor: CurrentActor) -> PersonRead:
    """Return one person of the caller's space (404 otherwise, so existence does not leak)."""
    person = service.get_visible_or_raise(session=session, actor=actor, person_id=person_id)
    _accessed(request, actor, "access.person_viewed", person_id)
    return PersonRead.model_validate(person)


@router.get("/review", response_model=list[MatchRead])
def pending(session: ReadSession, actor: CurrentActor, limit: RowCount = 100) -> list[MatchRead]:
    """The review queue: pending suggestions in the caller's space, most probable first."""
    return [MatchRead.model_validate(m) for m in review.get_pending(session=session, actor=actor, limit=limit)]


@router.post("/review/{match_id}/accept", response_model=MatchRead)
def accept(match_id: RowId, body: Decision, session: DbSession, actor: CurrentActor) -> MatchRead:
    """Accept a suggestion: the entry joins the suggested person."""
    return MatchRead.model_validate(review.accept(session=session, actor=actor, match_id=match_id, reason=body.reason))


@router.post("/review/{match_id}/reject", response_model=MatchRead)
def reject(match_id: RowId, body: Decision, session: DbSession, actor: CurrentActor) -> MatchRead:
    """Reject a suggestion: the entry stays with its person."""
    return MatchRead.model_validate(review.reject(session=session, actor=actor, match_id=match_id, reason=body.reason))


@router.post("/persons/merge", response_model=PersonRead)
def merge(body: MergeCreate, session: DbSession, actor: CurrentActor) -> PersonRead:
    """Merge two persons of the caller's space found to be one individual."""
    person = review.merge(
        session=session, actor=actor, keep_id=body.keep_id, merge_id=body.merge_id, reason=body.reason
    )
    return PersonRead.model_validate(person)


@router.post("/entries/{entry_id}/split", response_model=PersonRead)
def split(entry_id: RowId, body: Decision, session: DbSession, actor: CurrentActor) -> PersonRead:
    """Split an entry off its person (in the caller's space) into a new person."""
    from unforgotten.persons.flows import split_entry

    return PersonRead.model_validate(split_entry(session=session, actor=actor, entry_id=entry_id, reason=body.reason))


@router.post("/persons/{person_id}/transitions", response_model=StatusChangeRead)
def transition(person_id: RowId, body: TransitionCreate, session: DbSession, actor: CurrentActor) -> StatusChangeRead:
    """Move a person through the case state machine (role-guarded; some moves wait for a second confirmation)."""
    change = cases.transition(
        session=session, actor=actor, person_id=person_id, to_status=body.to, reason=body.reason, evidence=body.evidence
    )
    return StatusChangeRead.model_validate(change)


@router.post("/persons/{person_id}/erasure")
def erase(person_id: RowId, body: Decision, session: DbSession, actor: CurrentActor) -> dict[str, object]:
    """Erase a person's personal data: blank it, destroy its key (the log still verifies); 409 if already erased.

    No route-level role check: the service answers 404 for a person outside the caller's space before it checks
    the role (403), as every route does, so the answer never tells a side which ids exist elsewhere.
    """
    from unforgotten.audit.erasure import erase_person

    done = erase_person(session=session, actor=actor, person_id=person_id, reason=body.reason)
    return {"person_id": person_id, "erased": True, "blanked": done.blanked}


@router.get("/status-changes/pending", response_model=list[StatusChangeRead])
def pending_confirmations(session: ReadSession, actor: CurrentActor) -> list[StatusChangeRead]:
    """Changes waiting for the caller's confirmation (the mediator also sees those the sides asked it to confirm)."""
    return [StatusChangeRead.model_validate(c) for c in cases.pending_confirmations(session=session, actor=actor)]


@router.post("/status-changes/{change_id}/confirm", response_model=StatusChangeRead)
def confirm(change_id: RowId, body: Decision, session: DbSession, actor: CurrentActor) -> StatusChangeRead:
    """Confirm a pending change as someone outside the asking side."""
    return StatusChangeRead.model_validate(
        cases.confirm(session=session, actor=actor, change_id=change_id, reason=body.reason)
    )


@router.get("/persons/{person_id}/history", response_model=list[StatusChangeRead])
def history(person_id: RowId, request: Request, session: ReadSession, actor: CurrentActor) -> list[StatusChangeRead]:
    """Every status change of a person of the caller's space."""
    changes = cases.history(session=session, actor=actor, person_id=person_id)
    _accessed(request, actor, "access.person_history_viewed", person_id)
    return [StatusChangeRead.model_validate(c) for c in changes]
