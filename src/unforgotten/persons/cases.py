"""Case-status transitions: role-guarded by the state machine, applied with their evidence, audited.

Every interface (CLI, API, bulk category actions) goes through :func:`transition`, so the same rules hold
everywhere, in this order: the person must be in a space the actor reads (else "not found", before any role or
state check); the statuses of the exchange itself live only in the mediator's space; then the state machine's
role and evidence rules. A transition that needs a second confirmation (``deceased``) is stored as pending until
it is confirmed by someone outside the asking side — the mediator, for a side's person; another mediator user
for the mediator's — never by two users of the side that asked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from unforgotten.auth.models import Party, PartyKind, Role
from unforgotten.auth.service import Actor, readable_spaces, require_role
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError, Text
from unforgotten.persons import states
from unforgotten.persons.models import MedicalFinding, Person, StatusChange
from unforgotten.persons.service import get_visible_or_raise

__all__ = [
    "COMMISSION_OUTCOMES",
    "EXCHANGE_STATUSES",
    "BulkOutcome",
    "confirm",
    "history",
    "pending_confirmations",
    "record_finding",
    "transition",
    "transition_many",
]


S = states.Status
# The statuses of the exchange itself: recorded in the mediator's space, never by one side alone.
EXCHANGE_STATUSES = frozenset(
    {S.IDENTITY_CONFIRMED, S.ELIGIBLE, S.NOT_ELIGIBLE, S.CONSENT_CONFIRMED, S.DECLINED, S.SCHEDULED, S.EXCHANGED,
     S.NOT_DELIVERED, S.REMAINS_TRANSFERRED, S.REUNITED}
)  # fmt: skip


def _space_is_mediator(session: Session, space_id: int) -> bool:
    party = session.get(Party, space_id)
    return party is not None and party.kind == PartyKind.MEDIATOR


def _machine_role(actor: Actor) -> str:
    return Role.ADMIN.value if actor.operator else actor.role.value


def transition(
    *, session: Session, actor: Actor, person_id: int, to_status: str, reason: str, evidence: str | None = None
) -> StatusChange:
    """Move a person to ``to_status`` if the state machine allows it for this actor; return the change."""
    person = get_visible_or_raise(session=session, actor=actor, person_id=person_id, current=True)
    if to_status in EXCHANGE_STATUSES and not _space_is_mediator(session, person.space_id):
        raise ConflictError(
            Text(
                "{to_status} is a status of the exchange itself: the mediator records it in its own space",
                to_status=to_status,
            ),
            hint=Text("the mediator's decision reaches the sides as a release"),
        )
    rule = states.check_transition(
        person.status, to_status, role=_machine_role(actor), evidence=evidence, confirmed_by=None, actor=actor.name
    )
    pending = rule.second_confirmation
    change = StatusChange(
        person_id=person.id,
        from_status=person.status,
        to_status=str(rule.to_status),
        state="pending" if pending else "applied",
        requested_by=actor.name,
        evidence=evidence,
        reason=reason,
    )
    session.add(change)
    if not pending:
        person.status = str(rule.to_status)
    session.flush()
    return change


def _visible_change(session: Session, actor: Actor, change_id: int) -> tuple[StatusChange, Person]:
    change = session.get(StatusChange, change_id)
    person = session.get(Person, change.person_id) if change is not None else None
    spaces, mediator = readable_spaces(actor), actor.is_mediator  # the mediator also sees what sides ask it
    visible = (
        change is not None
        and person is not None
        and (
            spaces is None
            or person.space_id in spaces
            or (mediator and change.state == "pending" and not _space_is_mediator(session, person.space_id))
        )
    )
    if not visible:
        raise NotFoundError(Text("no status change with id {change_id}", change_id=change_id))
    assert change is not None and person is not None
    return change, person


def confirm(*, session: Session, actor: Actor, change_id: int, reason: str) -> StatusChange:
    """Confirm a pending change as someone outside the asking side; the person's status changes now."""
    change, person = _visible_change(session, actor, change_id)
    if change.state != "pending":
        raise ConflictError(
            Text("status change {change_id} is {state}, not pending", change_id=change_id, state=change.state)
        )
    if change.requested_by == actor.name:
        raise PermissionDeniedError(
            Text("{actor} requested this change and cannot also confirm it", actor=actor.label),
            hint=Text("a second, different user must confirm"),
        )
    if not actor.operator and not actor.is_mediator:
        raise PermissionDeniedError(
            Text("{actor} may not confirm this change", actor=actor.label),
            hint=Text("a change asked for by a side is confirmed by the mediator, never by a second user of that side"),
        )
    if person.merged_into_id is not None or person.retired_reason is not None:
        raise NotFoundError(Text("no current person with id {person_id}", person_id=person.id))
    if person.status != change.from_status:
        raise ConflictError(
            Text(
                "person {person_id} is now {status}, no longer {from_status}; request the change again",
                person_id=person.id,
                status=person.status,
                from_status=change.from_status,
            )
        )
    states.check_transition(
        change.from_status,
        change.to_status,
        role=_machine_role(actor),
        evidence=change.evidence,
        confirmed_by=actor.name,
        actor=change.requested_by,
    )
    change.state = "applied"
    change.confirmed_by = actor.name
    change.confirmed_at = dt.datetime.now(dt.UTC)
    change.reason = f"{change.reason or ''} | confirmed: {reason}".strip(" |")
    person.status = change.to_status
    session.flush()
    return change


@dataclass
class BulkOutcome:
    changed: list[int]
    pending: list[int]
    refused: dict[int, str]


def transition_many(
    *,
    session: Session,
    actor: Actor,
    person_ids: Iterable[int],
    to_status: str,
    reason: str,
    evidence: str | None = None,
) -> BulkOutcome:
    """Apply one transition to many persons (a whole category); each refusal is kept with its reason."""
    outcome = BulkOutcome(changed=[], pending=[], refused={})
    for person_id in person_ids:
        try:
            with session.begin_nested():
                change = transition(
                    session=session, actor=actor, person_id=person_id, to_status=to_status, reason=reason,
                    evidence=evidence,
                )  # fmt: skip
        except (ConflictError, PermissionDeniedError, NotFoundError) as error:
            outcome.refused[person_id] = error.message
            continue
        (outcome.pending if change.state == "pending" else outcome.changed).append(person_id)
    return outcome


def history(*, session: Session, actor: Actor, person_id: int) -> Sequence[StatusChange]:
    """Every status change of a person the actor may see, oldest first."""
    get_visible_or_raise(session=session, actor=actor, person_id=person_id)
    return session.scalars(
        select(StatusChange).where(StatusChange.person_id == person_id).order_by(StatusChange.id)
    ).all()


def pending_confirmations(*, session: Session, actor: Actor) -> Sequence[StatusChange]:
    """Changes waiting for a second confirmation that the actor may see: its space's, and for the mediator also
    those the sides asked it to confirm."""
    query = (
        select(StatusChange).join(Person, Person.id == StatusChange.person_id).where(StatusChange.state == "pending")
    )
    spaces, mediator = readable_spaces(actor), actor.is_mediator  # the mediator also sees what sides ask it
    if spaces is not None:
        condition: ColumnElement[bool] = Person.space_id.in_(spaces)
        if mediator:
            sides = select(Party.id).where(Party.kind == PartyKind.SIDE)
            condition = condition | Person.space_id.in_(sides)
        query = query.where(condition)
    return session.scalars(query.order_by(StatusChange.id)).all()


COMMISSION_OUTCOMES = ("repatriate", "reject", "refer")


def record_finding(
    *, session: Session, actor: Actor, person_id: int, outcome: str, examined_on: dt.date, note: str | None = None
) -> MedicalFinding:
    """Record a Mixed Medical Commission decision, in the mediator's space only; the sides learn only the outcome."""
    person = get_visible_or_raise(session=session, actor=actor, person_id=person_id, current=True)
    require_role(actor, frozenset({Role.MEDIATOR}), Text("record medical commission findings"))
    if not _space_is_mediator(session, person.space_id):
        raise ConflictError(Text("medical commission findings are recorded on the mediator's persons only"))
    if outcome not in COMMISSION_OUTCOMES:
        raise InputError(
            Text("unknown commission outcome"),
            value=outcome,
            hint=Text("use one of: {outcomes}", outcomes=", ".join(COMMISSION_OUTCOMES)),
        )
    finding = MedicalFinding(
        person_id=person_id, outcome=outcome, examined_on=examined_on, recorded_by=actor.name, note=note
    )
    session.add(finding)
    session.flush()
    return finding
