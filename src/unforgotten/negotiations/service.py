"""Use cases of the negotiation tracker. Every read is scoped to the negotiations whose parties include the actor's
(both sides and the mediator read everything of their negotiation); an id outside that scope is the same 404 as a
missing one, before any role check. Each side records its own documents and its answers; the mediator records
rounds, meetings and action items."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from unforgotten.audit.recorder import record
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind, Role
from unforgotten.auth.service import Actor
from unforgotten.db import AnySelect
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError, Text
from unforgotten.negotiations import storage
from unforgotten.negotiations.models import (
    ActionItem,
    ActionStatus,
    Document,
    DocumentStatus,
    Meeting,
    MeetingStatus,
    Negotiation,
    Round,
)

__all__ = [
    "REVIEW_DAYS",
    "answer_document",
    "create",
    "create_action",
    "create_document",
    "create_meeting",
    "create_round",
    "document_status",
    "get_all",
    "get_child_or_raise",
    "get_children",
    "get_visible_or_raise",
    "parse_date",
    "update_action",
    "update_meeting",
]

REVIEW_DAYS = 7  # "our teams will have a week to review the documents" (June 2025)
_T = TypeVar("_T", Document, Meeting, ActionItem, Round)


def _scope(query: AnySelect, actor: Actor) -> AnySelect:
    if actor.operator:
        return query
    if actor.party_id is None:
        return query.where(Negotiation.id.is_(None))  # admins and auditors read no negotiation
    party = actor.party_id
    return query.where(
        or_(Negotiation.party_a_id == party, Negotiation.party_b_id == party, Negotiation.mediator_id == party)
    )


def get_all(*, session: Session, actor: Actor) -> Sequence[Negotiation]:
    """Return the negotiations the actor takes part in."""
    return session.scalars(_scope(select(Negotiation), actor).order_by(Negotiation.id)).all()


def get_visible_or_raise(*, session: Session, actor: Actor, negotiation_id: int) -> Negotiation:
    """Return the negotiation if the actor takes part in it; otherwise the same 404 as for a missing id."""
    query = _scope(select(Negotiation).where(Negotiation.id == negotiation_id), actor)
    found: Negotiation | None = session.scalars(query).first()
    if found is None:
        raise NotFoundError(
            Text("no negotiation with id {negotiation_id}", negotiation_id=negotiation_id),
            hint=Text("`unforgotten negotiation list`"),
        )
    return found


def get_child_or_raise(
    *, session: Session, actor: Actor, model: type[_T], child_id: int, noun: str
) -> tuple[_T, Negotiation]:
    """Return a round, document, meeting or action item of a negotiation the actor takes part in (else 404)."""
    query = _scope(
        select(model, Negotiation)
        .join(Negotiation, Negotiation.id == model.negotiation_id)
        .where(model.id == child_id),
        actor,
    )
    row = session.execute(query).first()
    if row is None:
        raise NotFoundError(
            Text("no {noun} with id {child_id}", noun=noun, child_id=child_id),
            hint=Text("`unforgotten negotiation show ID` lists them"),
        )
    found: _T = row[0]
    negotiation: Negotiation = row[1]
    return found, negotiation


def get_children(*, session: Session, negotiation: Negotiation) -> dict[str, list[Any]]:
    """Rounds, documents, meetings and action items of a negotiation, each in date order."""
    nid = negotiation.id
    return {
        "rounds": list(session.scalars(select(Round).where(Round.negotiation_id == nid).order_by(Round.held_on))),
        "documents": list(
            session.scalars(select(Document).where(Document.negotiation_id == nid).order_by(Document.received_on))
        ),
        "meetings": list(
            session.scalars(select(Meeting).where(Meeting.negotiation_id == nid).order_by(Meeting.window_start))
        ),
        "actions": list(
            session.scalars(select(ActionItem).where(ActionItem.negotiation_id == nid).order_by(ActionItem.due_on))
        ),
    }


def _require_mediator_of(actor: Actor, negotiation: Negotiation, purpose: str) -> None:
    if actor.operator:
        return
    if actor.role != Role.MEDIATOR or actor.party_id != negotiation.mediator_id:
        raise PermissionDeniedError(
            Text("{actor} may not {purpose}", actor=actor.label, purpose=purpose),
            hint=Text("the negotiation's mediator records it"),
        )


def _side_of(actor: Actor, negotiation: Negotiation, party_code: str | None, session: Session, purpose: str) -> int:
    """The side the actor records for: its own (a coordinator), or the named one (the local operator)."""
    sides = (negotiation.party_a_id, negotiation.party_b_id)
    if actor.operator:
        if party_code is None:
            raise InputError(Text("say which side this is from"), column="party", hint=Text("pass --party UA"))
        party = auth.get_by_code_or_raise(session=session, code=party_code)
        if party.id not in sides:
            raise InputError(Text("that party is not a side of this negotiation"), column="party", value=party_code)
        return party.id
    if actor.role != Role.PARTY_COORDINATOR or actor.party_id not in sides:
        raise PermissionDeniedError(
            Text("{actor} may not {purpose}", actor=actor.label, purpose=purpose),
            hint=Text("a coordinator of either side may"),
        )
    assert actor.party_id is not None
    return actor.party_id


def create(
    *, session: Session, actor: Actor, title: str, side_a: str, side_b: str, opened_on: dt.date | None = None
) -> Negotiation:
    """Open a negotiation between two sides, with the actor's mediator party (or the mediator, for the operator)."""
    if not (actor.operator or actor.role == Role.MEDIATOR):
        raise PermissionDeniedError(
            Text("{actor} may not open a negotiation", actor=actor.label), hint=Text("the mediator opens it")
        )
    if not title.strip():
        raise InputError(Text("a negotiation needs a title"), column="title")
    a = auth.get_by_code_or_raise(session=session, code=side_a)
    b = auth.get_by_code_or_raise(session=session, code=side_b)
    if a.id == b.id or PartyKind.MEDIATOR in (a.kind, b.kind):
        raise InputError(Text("a negotiation is between two different sides"), column="side_b", value=side_b)
    mediator = actor.party_id if not actor.operator else getattr(auth.get_mediator(session=session), "id", None)
    negotiation = Negotiation(
        title=title.strip(), party_a_id=a.id, party_b_id=b.id, mediator_id=mediator, opened_on=opened_on
    )
    session.add(negotiation)
    session.flush()
    return negotiation


def create_round(
    *,
    session: Session,
    actor: Actor,
    negotiation_id: int,
    held_on: dt.date,
    place: str = "",
    delegations: str = "",
    duration_minutes: int | None = None,
    agreement_id: int | None = None,
    notes: str = "",
) -> Round:
    """Record a round of talks (the mediator), optionally naming the agreement made there."""
    negotiation = get_visible_or_raise(session=session, actor=actor, negotiation_id=negotiation_id)
    _require_mediator_of(actor, negotiation, Text("record a round"))
    if duration_minutes is not None and duration_minutes <= 0:
        raise InputError(
            Text("a duration is a positive number of minutes"), column="duration_minutes", value=duration_minutes
        )
    if agreement_id is not None:
        from unforgotten.agreements import service as agreements

        agreements.get_or_raise(session=session, agreement_id=agreement_id)
    item = Round(
        negotiation_id=negotiation.id,
        held_on=held_on,
        place=place,
        delegations=delegations,
        duration_minutes=duration_minutes,
        agreement_id=agreement_id,
        notes=notes,
        recorded_by=actor.name,
    )
    session.add(item)
    session.flush()
    return item


def create_document(
    *,
    session: Session,
    actor: Actor,
    negotiation_id: int,
    title: str,
    path: Path,
    store: Path,
    received_on: dt.date,
    review_days: int = REVIEW_DAYS,
    party_code: str | None = None,
    series: str | None = None,
) -> Document:
    """Record a document a side sent (or a new version of one): its file stored by SHA-256, the hash chained."""
    negotiation = get_visible_or_raise(session=session, actor=actor, negotiation_id=negotiation_id)
    from_party = _side_of(actor, negotiation, party_code, session, Text("record a document"))
    if not title.strip():
        raise InputError(Text("a document needs a title"), column="title")
    if review_days < 0:
        raise InputError(Text("the review period cannot be negative"), column="review_days", value=review_days)
    version = 1
    if series is not None:
        previous = session.scalars(
            select(Document)
            .where(Document.series == series, Document.negotiation_id == negotiation.id)
            .order_by(Document.version.desc())
        ).first()
        if previous is None:
            raise NotFoundError(
                Text(
                    "no document series {series!r} in negotiation {negotiation_id}",
                    series=series,
                    negotiation_id=negotiation.id,
                )
            )
        version = previous.version + 1
    sha, size = storage.store(store, path)
    document = Document(
        negotiation_id=negotiation.id,
        series=series or uuid.uuid4().hex,
        version=version,
        title=title.strip(),
        from_party_id=from_party,
        received_on=received_on,
        review_deadline=received_on + dt.timedelta(days=review_days),
        file_name=path.name,
        sha256=sha,
        size=size,
        recorded_by=actor.name,
    )
    session.add(document)
    session.flush()
    record(
        session,
        action="negotiation.document_stored",
        subject_type="negotiation_documents",
        subject_id=document.id,
        after={"sha256": sha, "size": size, "file_name": path.name},
    )
    return document


def document_status(document: Document, as_of: dt.date) -> str:
    """under_review, answered, or overdue (under review past its deadline)."""
    if document.status == DocumentStatus.UNDER_REVIEW and document.review_deadline < as_of:
        return DocumentStatus.OVERDUE.value
    return document.status


def answer_document(
    *,
    session: Session,
    actor: Actor,
    document_id: int,
    answered_on: dt.date,
    answer: str = "",
    party_code: str | None = None,
) -> Document:
    """Record that the receiving side answered a document (a coordinator of the side that did not send it)."""
    document, negotiation = get_child_or_raise(
        session=session, actor=actor, model=Document, child_id=document_id, noun=Text("document")
    )
    side = _side_of(actor, negotiation, party_code, session, Text("answer a document"))
    if side == document.from_party_id:
        raise PermissionDeniedError(Text("a side answers the other side's documents, not its own"))
    if document.status == DocumentStatus.ANSWERED:
        raise ConflictError(
            Text(
                "document {document_id} was already answered on {answered_on}",
                document_id=document_id,
                answered_on=document.answered_on,
            )
        )
    if answered_on < document.received_on:
        raise InputError(
            Text("an answer cannot precede the document's receipt"), column="answered_on", value=str(answered_on)
        )
    document.status = DocumentStatus.ANSWERED
    document.answered_on, document.answered_by_party_id, document.answer = answered_on, side, answer
    session.flush()
    return document


def _check_window(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise InputError(
            Text("a meeting window cannot end before it starts"),
            column="window_end",
            value=str(end),
            hint=Text("window_start is {start}", start=start),
        )


def create_meeting(
    *,
    session: Session,
    actor: Actor,
    negotiation_id: int,
    title: str,
    window_start: dt.date,
    window_end: dt.date,
    place: str = "",
) -> Meeting:
    """Propose a meeting for a window of dates (the mediator)."""
    negotiation = get_visible_or_raise(session=session, actor=actor, negotiation_id=negotiation_id)
    _require_mediator_of(actor, negotiation, Text("propose a meeting"))
    _check_window(window_start, window_end)
    if not title.strip():
        raise InputError(Text("a meeting needs a title"), column="title")
    meeting = Meeting(
        negotiation_id=negotiation.id,
        title=title.strip(),
        window_start=window_start,
        window_end=window_end,
        place=place,
        recorded_by=actor.name,
    )
    session.add(meeting)
    session.flush()
    return meeting


def update_meeting(
    *, session: Session, actor: Actor, meeting_id: int, status: str, held_on: dt.date | None = None
) -> Meeting:
    """Mark a meeting accepted, declined or held (the mediator); a held meeting needs its date."""
    meeting, negotiation = get_child_or_raise(
        session=session, actor=actor, model=Meeting, child_id=meeting_id, noun=Text("meeting")
    )
    _require_mediator_of(actor, negotiation, Text("change a meeting"))
    try:
        new = MeetingStatus(status)
    except ValueError as error:
        raise InputError(
            Text("unknown meeting status"),
            column="status",
            value=status,
            hint=", ".join(s.value for s in MeetingStatus),
        ) from error
    if new == MeetingStatus.HELD and held_on is None:
        raise InputError(Text("a held meeting needs the date it was held"), column="held_on")
    meeting.status, meeting.held_on = new.value, held_on if new == MeetingStatus.HELD else meeting.held_on
    session.flush()
    return meeting


def create_action(
    *, session: Session, actor: Actor, negotiation_id: int, title: str, owner: str, due_on: dt.date
) -> ActionItem:
    """Record an action item a side owes by a date (the mediator)."""
    negotiation = get_visible_or_raise(session=session, actor=actor, negotiation_id=negotiation_id)
    _require_mediator_of(actor, negotiation, Text("record an action item"))
    party = auth.get_by_code_or_raise(session=session, code=owner)
    if party.id not in (negotiation.party_a_id, negotiation.party_b_id, negotiation.mediator_id):
        raise InputError(Text("the owner takes no part in this negotiation"), column="owner", value=owner)
    if not title.strip():
        raise InputError(Text("an action item needs a title"), column="title")
    item = ActionItem(
        negotiation_id=negotiation.id,
        title=title.strip(),
        owner_party_id=party.id,
        due_on=due_on,
        recorded_by=actor.name,
    )
    session.add(item)
    session.flush()
    return item


def update_action(*, session: Session, actor: Actor, action_id: int, status: str) -> ActionItem:
    """Mark an action item done or dropped (its owner side's coordinator, or the mediator)."""
    item, negotiation = get_child_or_raise(
        session=session, actor=actor, model=ActionItem, child_id=action_id, noun=Text("action item")
    )
    owner_coordinator = actor.role == Role.PARTY_COORDINATOR and actor.party_id == item.owner_party_id
    if not owner_coordinator:
        _require_mediator_of(actor, negotiation, Text("change an action item"))
    try:
        item.status = ActionStatus(status).value
    except ValueError as error:
        raise InputError(
            Text("unknown action status"), column="status", value=status, hint=", ".join(s.value for s in ActionStatus)
        ) from error
    session.flush()
    return item


def parse_date(value: str | None, *, field: str) -> dt.date:
    """Read an ISO date, or raise an InputError naming the field."""
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError as error:
        raise InputError(Text("not a date"), column=field, value=value, hint=Text("write YYYY-MM-DD")) from error
