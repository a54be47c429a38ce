"""``/api/v1/negotiations`` — thin: every id is scoped by the service first (404 outside), then the body is read.

``feed_router`` is the one route a calendar program calls: it carries no bearer token, so it is authenticated by
the feed secret in its query and serves only that user's calendar.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import Response

from unforgotten.db import RowId
from unforgotten.deps import CurrentActor, DbSession, ReadSession
from unforgotten.errors import Text
from unforgotten.negotiations import feeds, service, storage, timeline
from unforgotten.negotiations.calendar import to_ics
from unforgotten.negotiations.models import Document, Meeting
from unforgotten.negotiations.schemas import (
    ActionCreate,
    ActionRead,
    AnswerCreate,
    DocumentRead,
    MeetingCreate,
    MeetingRead,
    NegotiationCreate,
    NegotiationDetail,
    NegotiationRead,
    RoundCreate,
    RoundRead,
    StatusUpdate,
)

__all__ = ["feed_router", "router"]

router = APIRouter(prefix="/negotiations", tags=["negotiations"])
feed_router = APIRouter(tags=["negotiations"])
_ICS = "text/calendar; charset=utf-8"


def _store(request: Request) -> Path:
    return storage.data_dir(request.app.state.settings.database_url)


def _document(document: Document) -> DocumentRead:
    read = DocumentRead.model_validate(document)
    read.status = service.document_status(document, dt.date.today())
    return read


@router.get("", response_model=list[NegotiationRead])
def list_negotiations(session: ReadSession, actor: CurrentActor) -> list[NegotiationRead]:
    """List the negotiations the caller's party takes part in."""
    return [NegotiationRead.model_validate(n) for n in service.get_all(session=session, actor=actor)]


@router.post("", response_model=NegotiationRead, status_code=201)
def create_negotiation(body: NegotiationCreate, session: DbSession, actor: CurrentActor) -> NegotiationRead:
    """Open a negotiation between two sides (the mediator)."""
    opened = service.parse_date(body.opened_on, field="opened_on") if body.opened_on else None
    negotiation = service.create(
        session=session, actor=actor, title=body.title, side_a=body.side_a, side_b=body.side_b, opened_on=opened
    )
    return NegotiationRead.model_validate(negotiation)


@router.get("/due")
def due(session: ReadSession, actor: CurrentActor, days: int = 7) -> list[dict[str, Any]]:
    """What falls due within ``days`` (overdue included): review deadlines, action items, meeting windows."""
    return [i.as_dict() for i in timeline.due(session=session, actor=actor, as_of=dt.date.today(), days=days)]


@router.get("/calendar.ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
def calendar(session: ReadSession, actor: CurrentActor) -> Response:
    """The caller's negotiation calendar as iCalendar."""
    return Response(to_ics(timeline.calendar_items(session=session, actor=actor)), media_type=_ICS)


@router.post("/calendar-feed", status_code=201)
def create_feed(request: Request, session: DbSession, actor: CurrentActor) -> dict[str, str]:
    """Issue a calendar subscription URL for the caller (shown once; a new one ends the old)."""
    token = feeds.create(session=session, actor=actor)
    return {"url": str(request.url_for("calendar_feed").include_query_params(token=token))}


@feed_router.get(
    "/calendar/feed.ics",
    name="calendar_feed",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def calendar_feed(session: ReadSession, token: str = "") -> Response:
    """A calendar program's subscription: the feed secret's owner's calendar (401 for an unknown secret)."""
    actor = feeds.feed_actor(session=session, token=token)
    return Response(to_ics(timeline.calendar_items(session=session, actor=actor)), media_type=_ICS)


@router.get("/{negotiation_id}", response_model=NegotiationDetail)
def get_negotiation(negotiation_id: RowId, session: ReadSession, actor: CurrentActor) -> NegotiationDetail:
    """A negotiation with its rounds, documents, meetings and action items."""
    negotiation = service.get_visible_or_raise(session=session, actor=actor, negotiation_id=negotiation_id)
    children = service.get_children(session=session, negotiation=negotiation)
    return NegotiationDetail(
        **NegotiationRead.model_validate(negotiation).model_dump(),
        rounds=[RoundRead.model_validate(r) for r in children["rounds"]],
        documents=[_document(d) for d in children["documents"]],
        meetings=[MeetingRead.model_validate(m) for m in children["meetings"]],
        actions=[ActionRead.model_validate(a) for a in children["actions"]],
    )


@router.post("/{negotiation_id}/rounds", response_model=RoundRead, status_code=201)
def create_round(negotiation_id: RowId, body: RoundCreate, session: DbSession, actor: CurrentActor) -> RoundRead:
    """Record a round of talks (the mediator)."""
    service.get_visible_or_raise(session=session, actor=actor, negotiation_id=negotiation_id)
    created = service.create_round(
        session=session,
        actor=actor,
        negotiation_id=negotiation_id,
        held_on=service.parse_date(body.held_on, field="held_on"),
        place=body.place,
        delegations=body.delegations,
        duration_minutes=body.duration_minutes,
        notes=body.notes,
    )
    return RoundRead.model_validate(created)


@router.post("/{negotiation_id}/documents", response_model=DocumentRead, status_code=201)
def create_document(
    negotiation_id: RowId,
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    file: UploadFile,
    title: str = Form(""),
    received_on: str = Form(""),
    review_days: int = Form(service.REVIEW_DAYS),
    series: str | None = Form(None),
) -> DocumentRead:
    """Record a document the caller's side sent (multipart ``file``); its SHA-256 goes into the audit chain."""
    service.get_visible_or_raise(session=session, actor=actor, negotiation_id=negotiation_id)
    received = service.parse_date(received_on, field="received_on")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(file.filename or "document").name
        with path.open("wb") as handle:
            while chunk := file.file.read(1 << 20):
                handle.write(chunk)
        document = service.create_document(
            session=session,
            actor=actor,
            negotiation_id=negotiation_id,
            title=title,
            path=path,
            store=_store(request),
            received_on=received,
            review_days=review_days,
            series=series,
        )
    return _document(document)


@router.get("/documents/{document_id}/file", response_class=Response)
def document_file(document_id: RowId, request: Request, session: ReadSession, actor: CurrentActor) -> Response:
    """The stored file of a document, checked against its hash."""
    document = service.get_child_or_raise(
        session=session, actor=actor, model=Document, child_id=document_id, noun=Text("document")
    )[0]
    data = storage.read(_store(request), document.sha256)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="document-{document.id}"'},
    )


@router.post("/documents/{document_id}/answer", response_model=DocumentRead)
def answer_document(document_id: RowId, body: AnswerCreate, session: DbSession, actor: CurrentActor) -> DocumentRead:
    """Record that the caller's side answered the other side's document."""
    service.get_child_or_raise(
        session=session, actor=actor, model=Document, child_id=document_id, noun=Text("document")
    )
    document = service.answer_document(
        session=session,
        actor=actor,
        document_id=document_id,
        answered_on=service.parse_date(body.answered_on, field="answered_on"),
        answer=body.answer,
    )
    return _document(document)


@router.post("/{negotiation_id}/meetings", response_model=MeetingRead, status_code=201)
def create_meeting(negotiation_id: RowId, body: MeetingCreate, session: DbSession, actor: CurrentActor) -> MeetingRead:
    """Propose a meeting for a window of dates (the mediator)."""
    service.get_visible_or_raise(session=session, actor=actor, negotiation_id=negotiation_id)
    meeting = service.create_meeting(
        session=session,
        actor=actor,
        negotiation_id=negotiation_id,
        title=body.title,
        place=body.place,
        window_start=service.parse_date(body.window_start, field="window_start"),
        window_end=service.parse_date(body.window_end, field="window_end"),
    )
    return MeetingRead.model_validate(meeting)


@router.post("/meetings/{meeting_id}/status", response_model=MeetingRead)
def update_meeting(meeting_id: RowId, body: StatusUpdate, session: DbSession, actor: CurrentActor) -> MeetingRead:
    """Mark a meeting accepted, declined or held (the mediator)."""
    service.get_child_or_raise(session=session, actor=actor, model=Meeting, child_id=meeting_id, noun=Text("meeting"))
    held = service.parse_date(body.held_on, field="held_on") if body.held_on else None
    meeting = service.update_meeting(
        session=session, actor=actor, meeting_id=meeting_id, status=body.status, held_on=held
    )
    return MeetingRead.model_validate(meeting)


@router.post("/{negotiation_id}/actions", response_model=ActionRead, status_code=201)
def create_action(negotiation_id: RowId, body: ActionCreate, session: DbSession, actor: CurrentActor) -> ActionRead:
    """Record an action item a side owes by a date (the mediator)."""
    service.get_visible_or_raise(session=session, actor=actor, negotiation_id=negotiation_id)
    item = service.create_action(
        session=session,
        actor=actor,
        negotiation_id=negotiation_id,
        title=body.title,
        owner=body.owner,
        due_on=service.parse_date(body.due_on, field="due_on"),
    )
    return ActionRead.model_validate(item)


@router.post("/actions/{action_id}/status", response_model=ActionRead)
def update_action(action_id: RowId, body: StatusUpdate, session: DbSession, actor: CurrentActor) -> ActionRead:
    """Mark an action item done or dropped (its owner side, or the mediator)."""
    item = service.update_action(session=session, actor=actor, action_id=action_id, status=body.status)
    return ActionRead.model_validate(item)
