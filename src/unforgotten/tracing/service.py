"""Use cases of tracing: requests from a tracing list, hand-over with a deadline, responses, reunion, overdue.

Who sees a child's request (issue 14, protection of minors' data): the requesting side's tracing officers and
coordinators; the mediator once the list is shared with it (the hand-over does that); and, once handed over to
it, the other side's tracing officers — without the guardians' contact details. Nobody else: the other side's
coordinators and viewers see what was handed over (the list, through the lists and persons of their space), not
the tracing request. Every query is scoped first, so an id outside the scope is the same 404 as a missing one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from unforgotten.audit.recorder import record
from unforgotten.auth import service as auth
from unforgotten.auth.models import Party, PartyKind, Role
from unforgotten.auth.service import Actor
from unforgotten.db import AnySelect
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError, Text
from unforgotten.lists import service as lists
from unforgotten.lists.models import Entry, EntryStatus, ListKind
from unforgotten.tracing.models import HandOver, Outcome, Reunification, TracingRequest, TracingResponse

__all__ = [
    "DEFAULT_DAYS",
    "EXTRA_FIELDS",
    "FINAL",
    "OverdueRow",
    "confirm_deceased",
    "get_all",
    "get_visible_or_raise",
    "handover",
    "overdue",
    "register",
    "respond",
    "reunify",
    "view",
]

DEFAULT_DAYS = 30
# The fields beyond the canonical columns, read from a tracing list's extra columns by these headers.
EXTRA_FIELDS: dict[str, tuple[str, ...]] = {
    "last_address": ("last_address", "last known address", "адреса", "адрес"),
    "removal_date": ("removal_date", "date_of_removal", "дата вивезення", "дата вывоза"),
    "removal_place": ("removal_place", "place_of_removal", "місце вивезення", "место вывоза"),
    "guardians": ("guardians", "parents", "батьки", "родители"),
    "guardian_contact": ("guardian_contact", "contact", "контакт"),
    "known_whereabouts": ("known_whereabouts", "whereabouts", "місцеперебування", "местонахождение"),
}
FINAL = frozenset({Outcome.RETURNED.value, Outcome.DECEASED.value, "reunited"})
_OPEN = frozenset({Outcome.NO_INFORMATION.value, Outcome.NOT_FOUND.value})
_PRIVATE = ("guardian_contact", "next_of_kin")  # how to reach the family stays with the requesting side


def _visible(actor: Actor) -> AnySelect | None:
    """A sub-select of the request ids the actor may see (``None``: all, for the local operator)."""
    if actor.operator:
        return None
    party = actor.party_id
    if party is None:
        return select(TracingRequest.id).where(TracingRequest.id.is_(None))
    own = TracingRequest.party_id == party
    handed = TracingRequest.list_id.in_(select(HandOver.list_id).where(HandOver.to_party_id == party))
    if actor.role in (Role.PARTY_COORDINATOR,):
        condition: Any = own
    elif actor.role == Role.TRACING_OFFICER:
        condition = or_(own, handed)
    elif actor.role == Role.MEDIATOR:
        condition = TracingRequest.list_id.in_(lists.lists_in_space([party]))
    else:
        condition = TracingRequest.id.is_(None)
    return select(TracingRequest.id).where(condition)


def _scoped(query: AnySelect, actor: Actor) -> AnySelect:
    visible = _visible(actor)
    return query if visible is None else query.where(TracingRequest.id.in_(visible))


def get_visible_or_raise(*, session: Session, actor: Actor, request_id: int) -> TracingRequest:
    """Return the request if the actor may see it; otherwise the same 404 as for a missing id."""
    found: TracingRequest | None = session.scalars(
        _scoped(select(TracingRequest).where(TracingRequest.id == request_id), actor)
    ).first()
    if found is None:
        raise NotFoundError(
            Text("no tracing request with id {request_id}", request_id=request_id),
            hint=Text("`unforgotten tracing list`"),
        )
    return found


def get_all(*, session: Session, actor: Actor, list_id: int | None = None) -> Sequence[TracingRequest]:
    """Return the requests the actor may see (of one list, when given), by id."""
    query = select(TracingRequest).order_by(TracingRequest.id)
    if list_id is not None:
        query = query.where(TracingRequest.list_id == list_id)
    return session.scalars(_scoped(query, actor)).all()


def _extra(raw: dict[str, Any], field: str) -> str:
    lowered = {str(k).strip().lower(): v for k, v in raw.items()}
    for header in EXTRA_FIELDS[field]:
        value = lowered.get(header)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _require_requesting(actor: Actor, party_id: int, purpose: str, *, roles: frozenset[Role]) -> None:
    if actor.operator:
        return
    if actor.party_id != party_id or actor.role not in roles:
        raise PermissionDeniedError(
            Text("{actor} may not {purpose}", actor=actor.label, purpose=purpose),
            hint=Text("only the requesting side's {roles}", roles=" or ".join(sorted(roles))),
        )


def register(*, session: Session, actor: Actor, list_id: int) -> int:
    """Make a tracing request of every accepted row of a tracing list that has none yet; return how many."""
    found = lists.get_visible_or_raise(session=session, actor=actor, list_id=list_id)
    _require_requesting(
        actor,
        found.party_id,
        Text("register tracing requests"),
        roles=frozenset({Role.PARTY_COORDINATOR, Role.TRACING_OFFICER}),
    )
    if found.kind != ListKind.TRACING:
        raise InputError(
            Text("list {list_id} is a {kind} list", list_id=list_id, kind=found.kind),
            hint=Text("tracing requests come from a tracing list"),
        )
    done = select(TracingRequest.id).where(TracingRequest.entry_id == Entry.id).exists()  # NOT EXISTS, not NOT IN
    entries = session.scalars(
        select(Entry).where(Entry.list_id == list_id, Entry.status == EntryStatus.ACCEPTED, ~done).order_by(Entry.id)
    ).all()
    for entry in entries:
        extras = {field: _extra(entry.raw, field) for field in EXTRA_FIELDS}
        session.add(
            TracingRequest(
                entry_id=entry.id,
                list_id=list_id,
                party_id=found.party_id,
                record_id=entry.record_id or f"row {entry.row_number}",
                **extras,
            )
        )
    session.flush()
    return len(entries)


def handover(
    *,
    session: Session,
    actor: Actor,
    list_id: int,
    to_party: str,
    on: dt.date,
    deadline: dt.date | None = None,
    days: int = DEFAULT_DAYS,
) -> HandOver:
    """Hand a tracing list over to the other side through the mediator (shared with both, linked into their spaces)
    on a date; the deadline is ``deadline`` or ``days`` after it."""
    from unforgotten.persons.flows import share_list

    found = lists.get_visible_or_raise(session=session, actor=actor, list_id=list_id)
    owner = session.get(Party, found.party_id)
    assert owner is not None
    lists.require_may_submit(actor=actor, party=owner)
    if found.kind != ListKind.TRACING:
        raise InputError(
            Text("list {list_id} is a {kind} list", list_id=list_id, kind=found.kind),
            hint=Text("hand over a tracing list"),
        )
    target = auth.get_by_code_or_raise(session=session, code=to_party)
    if target.kind == PartyKind.MEDIATOR or target.id == found.party_id:
        raise InputError(Text("a tracing list is handed over to the other side"), column="to", value=to_party)
    due = deadline if deadline is not None else on + dt.timedelta(days=days)
    if due < on:
        raise InputError(
            Text("the deadline is before the hand-over date"),
            column="deadline",
            value=str(due),
            hint=Text("handed over on {on}", on=on),
        )
    exists = session.scalars(
        select(HandOver).where(HandOver.list_id == list_id, HandOver.to_party_id == target.id)
    ).first()
    if exists is not None:
        raise ConflictError(
            Text(
                "list {list_id} was already handed over to {target} on {handed_over_on}",
                list_id=list_id,
                target=target.code,
                handed_over_on=exists.handed_over_on,
            )
        )
    register(session=session, actor=actor, list_id=list_id)
    mediator = auth.get_mediator(session=session)
    for party in ([mediator.code] if mediator is not None else []) + [target.code]:
        share_list(session=session, actor=actor, list_id=list_id, party_code=party)
    made = HandOver(list_id=list_id, to_party_id=target.id, handed_over_on=on, deadline=due, handed_over_by=actor.name)
    session.add(made)
    session.flush()
    record(
        session,
        action="tracing.handed_over",
        subject_type="lists",
        subject_id=list_id,
        after={"to": target.code, "on": on.isoformat(), "deadline": due.isoformat()},
    )
    return made


def _handover_to(session: Session, request: TracingRequest, party_id: int | None) -> HandOver | None:
    query = select(HandOver).where(HandOver.list_id == request.list_id)
    if party_id is not None:
        query = query.where(HandOver.to_party_id == party_id)
    return session.scalars(query.order_by(HandOver.id)).first()


def respond(
    *,
    session: Session,
    actor: Actor,
    request_id: int,
    outcome: str,
    responded_on: dt.date,
    place: str = "",
    institution: str = "",
    with_whom: str = "",
    name_now_used: str = "",
    evidence: str = "",
    notes: str = "",
    entry_id: int | None = None,
) -> TracingResponse:
    """Record the other side's answer about one child (its tracing officers, or the local operator)."""
    request = get_visible_or_raise(session=session, actor=actor, request_id=request_id)
    if not actor.operator and (actor.role != Role.TRACING_OFFICER or actor.party_id == request.party_id):
        raise PermissionDeniedError(
            Text("{actor} may not answer a tracing request", actor=actor.label),
            hint=Text("the tracing officers of the side it was handed over to answer"),
        )
    handed = _handover_to(session, request, None if actor.operator else actor.party_id)
    if handed is None:
        raise ConflictError(
            Text("tracing request {request_id} has not been handed over", request_id=request_id),
            hint=Text("hand the list over first"),
        )
    try:
        value = Outcome(outcome)
    except ValueError as error:
        raise InputError(
            Text("unknown outcome"), column="outcome", value=outcome, hint=", ".join(o.value for o in Outcome)
        ) from error
    if value == Outcome.DECEASED and not evidence.strip():
        raise InputError(Text("a deceased answer needs evidence"), column="evidence", hint=Text("name the document"))
    if value == Outcome.LOCATED and not (place.strip() or institution.strip() or with_whom.strip()):
        raise InputError(Text("a located answer says where or with whom"), column="place")
    if responded_on < handed.handed_over_on:
        raise InputError(
            Text("the answer is dated before the hand-over"), column="responded_on", value=str(responded_on)
        )
    latest = session.scalars(
        select(TracingResponse).where(TracingResponse.request_id == request.id).order_by(TracingResponse.id.desc())
    ).first()
    if latest is not None and latest.outcome == value.value:
        raise ConflictError(
            Text(
                "duplicate response: record {record_id} was already answered {outcome} on {responded_on} (response "
                "{latest_id})",
                record_id=request.record_id,
                outcome=value.value,
                responded_on=latest.responded_on,
                latest_id=latest.id,
            )
        )
    if request.status in FINAL or request.status == "deceased_unconfirmed":
        raise ConflictError(
            Text(
                "record {record_id} is already {status}; no further answer is taken",
                record_id=request.record_id,
                status=request.status,
            )
        )
    response = TracingResponse(
        request_id=request.id,
        party_id=handed.to_party_id,
        outcome=value.value,
        responded_on=responded_on,
        place=place,
        institution=institution,
        with_whom=with_whom,
        name_now_used=name_now_used,
        evidence=evidence,
        notes=notes,
        entry_id=entry_id,
        recorded_by=actor.name,
    )
    session.add(response)
    request.status = "deceased_unconfirmed" if value == Outcome.DECEASED else value.value
    if value == Outcome.LOCATED:
        request.located_on = responded_on
    session.flush()
    return response


def confirm_deceased(*, session: Session, actor: Actor, response_id: int) -> TracingResponse:
    """The mediator confirms a *deceased* answer; only then is the child's request deceased."""
    response = session.get(TracingResponse, response_id)
    if response is None:
        raise NotFoundError(Text("no tracing response with id {response_id}", response_id=response_id))
    request = get_visible_or_raise(session=session, actor=actor, request_id=response.request_id)
    if not (actor.operator or actor.role == Role.MEDIATOR):
        raise PermissionDeniedError(
            Text("{actor} may not confirm a death", actor=actor.label), hint=Text("the mediator confirms")
        )
    if response.outcome != Outcome.DECEASED or request.status != "deceased_unconfirmed":
        raise ConflictError(Text("response {response_id} is no unconfirmed deceased answer", response_id=response_id))
    response.confirmed_by = actor.name
    request.status = Outcome.DECEASED.value
    session.flush()
    return response


def reunify(
    *, session: Session, actor: Actor, request_id: int, on: dt.date, place: str, with_whom: str
) -> Reunification:
    """Record a located child's reunion, observed by the mediator (who records it)."""
    request = get_visible_or_raise(session=session, actor=actor, request_id=request_id)
    if not (actor.operator or actor.role == Role.MEDIATOR):
        raise PermissionDeniedError(
            Text("{actor} may not record a reunion", actor=actor.label), hint=Text("the mediator observes it")
        )
    if request.status != Outcome.LOCATED:
        raise ConflictError(
            Text("record {record_id} is {status}, not located", record_id=request.record_id, status=request.status),
            hint=Text("sought → located → reunited"),
        )
    if not place.strip() or not with_whom.strip():
        raise InputError(
            Text("a reunion records where and with whom"), column="place" if not place.strip() else "with_whom"
        )
    if request.located_on is not None and on < request.located_on:
        raise InputError(Text("the reunion is dated before the child was located"), column="reunited_on", value=str(on))
    made = Reunification(
        request_id=request.id, reunited_on=on, place=place, with_whom=with_whom, observed_by=actor.name
    )
    session.add(made)
    request.status = "reunited"
    session.flush()
    return made


def view(*, session: Session, actor: Actor, request: TracingRequest) -> dict[str, Any]:
    """A child's record as the actor may see it: names and birth from the list, the extra fields, hand-overs,
    answers and reunion; the family's contact details only for the requesting side and the mediator."""
    entry = session.get(Entry, request.entry_id)
    assert entry is not None
    out: dict[str, Any] = {
        "id": request.id,
        "list_id": request.list_id,
        "record_id": request.record_id,
        "status": request.status,
        "located_on": request.located_on,
    }
    for column in (
        "family_name",
        "given_name",
        "patronymic",
        "full_name",
        "alternate_names",
        "sex",
        "date_of_birth",
        "place_of_birth",
        "father_name",
        "mother_maiden_name",
        "next_of_kin",
        "notes",
    ):
        out[column] = getattr(entry, column)
    for field in EXTRA_FIELDS:
        out[field] = getattr(request, field)
    if not (actor.operator or actor.party_id == request.party_id or actor.role == Role.MEDIATOR):
        for field in _PRIVATE:
            out[field] = None
    handovers = session.scalars(select(HandOver).where(HandOver.list_id == request.list_id)).all()
    out["handovers"] = [
        {"to_party_id": h.to_party_id, "handed_over_on": h.handed_over_on, "deadline": h.deadline} for h in handovers
    ]
    responses = session.scalars(
        select(TracingResponse).where(TracingResponse.request_id == request.id).order_by(TracingResponse.id)
    ).all()
    out["responses"] = [
        {
            c: getattr(r, c)
            for c in (
                "id",
                "outcome",
                "responded_on",
                "place",
                "institution",
                "with_whom",
                "name_now_used",
                "evidence",
                "notes",
                "confirmed_by",
            )
        }
        for r in responses
    ]
    reunion = session.scalars(select(Reunification).where(Reunification.request_id == request.id)).first()
    out["reunification"] = (
        None
        if reunion is None
        else {
            "reunited_on": reunion.reunited_on,
            "place": reunion.place,
            "with_whom": reunion.with_whom,
            "observed_by": reunion.observed_by,
        }
    )
    return out


@dataclass(frozen=True)
class OverdueRow:
    request_id: int
    record_id: str
    name: str
    handed_over_on: dt.date
    deadline: dt.date
    days_overdue: int
    status: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "name": self.name,
            "handed_over_on": self.handed_over_on.isoformat(),
            "deadline": self.deadline.isoformat(),
            "days_overdue": self.days_overdue,
            "status": self.status,
            "request_id": self.request_id,
        }


def overdue(*, session: Session, actor: Actor, as_of: dt.date, located_days: int = DEFAULT_DAYS) -> list[OverdueRow]:
    """Requests past due on ``as_of``: handed over and unanswered past the deadline, or located and not reunited
    ``located_days`` after being located."""
    query = (
        select(TracingRequest, HandOver, Entry)
        .join(HandOver, HandOver.list_id == TracingRequest.list_id)
        .join(Entry, Entry.id == TracingRequest.entry_id)
        .where(
            or_(
                and_(TracingRequest.status == "sought", HandOver.deadline < as_of),
                TracingRequest.status == Outcome.LOCATED,
            )
        )
        .order_by(HandOver.deadline, TracingRequest.id)
    )
    if not actor.operator and actor.role == Role.TRACING_OFFICER:
        # the other side's officers see their own overdue answers, not the deadlines set for a third party
        query = query.where(or_(TracingRequest.party_id == actor.party_id, HandOver.to_party_id == actor.party_id))
    rows: list[OverdueRow] = []
    seen: set[int] = set()
    for request, handed, entry in session.execute(_scoped(query, actor)):
        if request.id in seen:
            continue
        deadline = handed.deadline
        if request.status == Outcome.LOCATED:
            located = request.located_on or handed.handed_over_on
            deadline = located + dt.timedelta(days=located_days)
            if deadline >= as_of:
                continue
        seen.add(request.id)
        name = " ".join(p for p in (entry.family_name, entry.given_name, entry.patronymic) if p) or entry.full_name
        rows.append(
            OverdueRow(
                request.id,
                request.record_id,
                name or request.record_id,
                handed.handed_over_on,
                deadline,
                (as_of - deadline).days,
                request.status,
            )
        )
    return rows
