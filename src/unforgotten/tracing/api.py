"""``/api/v1/tracing`` — thin. Every id is scoped by the service first (404 outside the caller's scope), and every
view of a child's record is an access event."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, UploadFile

from unforgotten.audit.service import record_access
from unforgotten.auth.service import Actor
from unforgotten.db import RowId
from unforgotten.deps import CurrentActor, DbSession, ReadSession, get_database
from unforgotten.errors import Text
from unforgotten.lists import service as lists
from unforgotten.negotiations.service import parse_date
from unforgotten.tracing import flows, matching, service
from unforgotten.tracing.schemas import HandOverCreate, ResponseCreate, ReunificationCreate

__all__ = ["router"]

router = APIRouter(prefix="/tracing", tags=["tracing"])


def _accessed(request: Request, actor: Actor, action: str, subject_id: int | None, **details: object) -> None:
    record_access(
        get_database(request),
        actor=f"api:{actor.name}",
        action=action,
        subject_type="tracing_requests",
        subject_id=subject_id,
        details=dict(details),
    )


@router.get("/requests")
def list_requests(request: Request, session: ReadSession, actor: CurrentActor) -> list[dict[str, Any]]:
    """The tracing requests the caller may see, with their status (one access event for the listing)."""
    found = service.get_all(session=session, actor=actor)
    _accessed(request, actor, "access.tracing_requests_listed", None, requests=[r.id for r in found])
    return [{"id": r.id, "list_id": r.list_id, "record_id": r.record_id, "status": r.status} for r in found]


@router.get("/requests/{request_id}")
def get_request(request_id: RowId, request: Request, session: ReadSession, actor: CurrentActor) -> dict[str, Any]:
    """A child's record (names, birth, removal, hand-overs, answers, reunion); an access event."""
    found = service.get_visible_or_raise(session=session, actor=actor, request_id=request_id)
    _accessed(request, actor, "access.child_viewed", request_id)
    return service.view(session=session, actor=actor, request=found)


@router.post("/requests/{request_id}/responses", status_code=201)
def respond(request_id: RowId, body: ResponseCreate, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Answer about one child (the tracing officers of the side the list was handed over to)."""
    service.get_visible_or_raise(session=session, actor=actor, request_id=request_id)
    response = service.respond(
        session=session,
        actor=actor,
        request_id=request_id,
        outcome=body.outcome,
        responded_on=parse_date(body.responded_on, field="responded_on"),
        place=body.place,
        institution=body.institution,
        with_whom=body.with_whom,
        name_now_used=body.name_now_used,
        evidence=body.evidence,
        notes=body.notes,
    )
    return {"id": response.id, "request_id": request_id, "outcome": response.outcome}


@router.post("/requests/{request_id}/reunification", status_code=201)
def reunify(request_id: RowId, body: ReunificationCreate, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Record a located child's reunion (the mediator, who observes it)."""
    service.get_visible_or_raise(session=session, actor=actor, request_id=request_id)
    made = service.reunify(
        session=session,
        actor=actor,
        request_id=request_id,
        on=parse_date(body.reunited_on, field="reunited_on"),
        place=body.place,
        with_whom=body.with_whom,
    )
    return {"id": made.id, "request_id": request_id, "reunited_on": made.reunited_on.isoformat()}


@router.post("/lists/{list_id}/handover", status_code=201)
def handover(list_id: RowId, body: HandOverCreate, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Hand a tracing list over to the other side through the mediator; its deadline starts (the requesting
    side's coordinator)."""
    lists.get_visible_or_raise(session=session, actor=actor, list_id=list_id)
    made = service.handover(
        session=session,
        actor=actor,
        list_id=list_id,
        to_party=body.to,
        on=parse_date(body.on, field="on"),
        deadline=parse_date(body.deadline, field="deadline") if body.deadline else None,
        days=body.days,
    )
    return {
        "list_id": list_id,
        "handed_over_on": made.handed_over_on.isoformat(),
        "deadline": made.deadline.isoformat(),
    }


@router.post("/lists/{list_id}/responses")
def apply_responses(list_id: RowId, session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Apply a response list (kind ``response``) of the caller's side to the handed-over requests by record id."""
    return flows.apply_responses(session=session, actor=actor, list_id=list_id).as_dict()


@router.post("/responses", status_code=201)
def submit_responses(session: DbSession, actor: CurrentActor, file: UploadFile) -> dict[str, Any]:
    """Import a response file for the caller's side (multipart ``file``) and apply it."""
    from unforgotten.errors import PermissionDeniedError

    if actor.party_code is None:
        raise PermissionDeniedError(Text("{actor} has no side to answer for", actor=actor.label))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(file.filename or "responses.csv").name
        path.write_bytes(file.file.read())
        return flows.submit_responses(session=session, actor=actor, path=path, party_code=actor.party_code).as_dict()


@router.get("/overdue")
def overdue(session: ReadSession, actor: CurrentActor, as_of: str | None = None) -> list[dict[str, Any]]:
    """Children past due: unanswered after the deadline, or located and not reunited after 30 days."""
    day = parse_date(as_of, field="as_of") if as_of else dt.date.today()
    return [row.as_dict() for row in service.overdue(session=session, actor=actor, as_of=day)]


@router.post("/match")
def match(session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    """Propose matches for the handed-over requests among the other side's records (the mediator); the proposals
    wait in its review queue."""
    return matching.match(session=session, actor=actor).as_dict()
