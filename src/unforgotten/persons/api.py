"""``/api/v1/persons`` and ``/api/v1/review`` — thin: parse, call the service, shape the answer."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from unforgotten.auth.permissions import ReviewerPermission
from unforgotten.deps import CurrentActor, DbSession, ReadSession
from unforgotten.errors import NotFoundError
from unforgotten.lists import service as lists
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


@router.get("/persons", response_model=PersonPage)
def list_persons(session: ReadSession, actor: CurrentActor, limit: int = 100, offset: int = 0) -> PersonPage:
    """List the persons with an entry on a list the caller may see, with their current status."""
    visible = lists.visible_entry_ids(session=session, actor=actor)
    persons = service.get_all(session=session, limit=limit, offset=offset, entry_ids=visible)
    return PersonPage(
        items=[PersonRead.model_validate(p) for p in persons], total=service.count(session=session, entry_ids=visible)
    )


@router.get(
    "/pfif/persons",
    response_class=FileResponse,
    responses={200: {"content": {"application/xml": {}}, "description": "A PFIF 1.4 document."}},
)
def export_persons_pfif(session: ReadSession, actor: CurrentActor, domain: str = "unforgotten.local") -> FileResponse:
    """Every person the caller may see as PFIF 1.4, each with a note per visible entry and per applied change.

    Written to a temporary file first (streamed, so memory stays flat) and sent from there: the database session
    ends with the request, before a streamed body would be read.
    """
    from unforgotten.persons.export import export_pfif

    handle = tempfile.NamedTemporaryFile(prefix="unforgotten-pfif-", suffix=".xml", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    try:
        export_pfif(
            session=session, path=path, domain=domain, entry_ids=lists.visible_entry_ids(session=session, actor=actor)
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return FileResponse(
        path, media_type="application/xml", filename="persons.pfif.xml", background=BackgroundTask(path.unlink)
    )


@router.get("/persons/{person_id}", response_model=PersonRead)
def get_person(person_id: int, session: ReadSession, actor: CurrentActor) -> PersonRead:
    """Return one person the caller may see (404 otherwise, so existence does not leak)."""
    visible = lists.visible_entry_ids(session=session, actor=actor)
    found = service.get_all(session=session, limit=1, entry_ids=visible, person_id=person_id)
    if not found:
        raise NotFoundError(f"no person with id {person_id} visible to {actor.label}")
    return PersonRead.model_validate(found[0])


@router.get("/review", response_model=list[MatchRead], dependencies=[Depends(ReviewerPermission())])
def pending(session: ReadSession, actor: CurrentActor, limit: int = 100) -> list[MatchRead]:
    """The review queue: pending suggestions on entries the caller may see, most probable first."""
    visible = lists.visible_entry_ids(session=session, actor=actor)
    return [MatchRead.model_validate(m) for m in review.get_pending(session=session, limit=limit, entry_ids=visible)]


@router.post("/review/{match_id}/accept", response_model=MatchRead)
def accept(match_id: int, body: Decision, session: DbSession, actor: CurrentActor) -> MatchRead:
    """Accept a suggestion: the entry joins the suggested person."""
    return MatchRead.model_validate(review.accept(session=session, actor=actor, match_id=match_id, reason=body.reason))


@router.post("/review/{match_id}/reject", response_model=MatchRead)
def reject(match_id: int, body: Decision, session: DbSession, actor: CurrentActor) -> MatchRead:
    """Reject a suggestion: the entry stays with its person."""
    return MatchRead.model_validate(review.reject(session=session, actor=actor, match_id=match_id, reason=body.reason))


@router.post("/persons/merge", response_model=PersonRead)
def merge(body: MergeCreate, session: DbSession, actor: CurrentActor) -> PersonRead:
    """Merge two persons found to be one individual."""
    person = review.merge(
        session=session, actor=actor, keep_id=body.keep_id, merge_id=body.merge_id, reason=body.reason
    )
    return PersonRead.model_validate(person)


@router.post("/entries/{entry_id}/split", response_model=PersonRead)
def split(entry_id: int, body: Decision, session: DbSession, actor: CurrentActor) -> PersonRead:
    """Split an entry off its person into a new person."""
    from unforgotten.persons.flows import split_entry

    return PersonRead.model_validate(split_entry(session=session, actor=actor, entry_id=entry_id, reason=body.reason))


@router.post("/persons/{person_id}/transitions", response_model=StatusChangeRead)
def transition(person_id: int, body: TransitionCreate, session: DbSession, actor: CurrentActor) -> StatusChangeRead:
    """Move a person through the case state machine (role-guarded; some moves wait for a second confirmation)."""
    change = cases.transition(
        session=session, actor=actor, person_id=person_id, to_status=body.to, reason=body.reason, evidence=body.evidence
    )
    return StatusChangeRead.model_validate(change)


@router.post("/status-changes/{change_id}/confirm", response_model=StatusChangeRead)
def confirm(change_id: int, body: Decision, session: DbSession, actor: CurrentActor) -> StatusChangeRead:
    """Confirm a pending change as a second, different user."""
    return StatusChangeRead.model_validate(
        cases.confirm(session=session, actor=actor, change_id=change_id, reason=body.reason)
    )


@router.get("/persons/{person_id}/history", response_model=list[StatusChangeRead])
def history(person_id: int, session: ReadSession, actor: CurrentActor) -> list[StatusChangeRead]:
    """Every status change of a person the caller may see."""
    get_person(person_id, session, actor)
    return [StatusChangeRead.model_validate(c) for c in cases.history(session=session, person_id=person_id)]
