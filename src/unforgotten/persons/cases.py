"""Case-status transitions: role-guarded by the state machine, applied with their evidence, audited.

Every interface (CLI, API, bulk category actions) goes through :func:`transition`, so the same rules hold
everywhere. A transition that needs a second confirmation (``deceased``) is stored as pending until a *different*
user confirms it; only then does the person's status change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor, require_role
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from unforgotten.persons import states
from unforgotten.persons.models import MedicalFinding, Person, StatusChange

__all__ = [
    "COMMISSION_OUTCOMES",
    "BulkOutcome",
    "confirm",
    "history",
    "pending_confirmations",
    "record_finding",
    "transition",
    "transition_many",
]


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.merged_into_id is not None:
        raise NotFoundError(f"no current person with id {person_id}")
    return person


def transition(
    *, session: Session, actor: Actor, person_id: int, to_status: str, reason: str, evidence: str | None = None
) -> StatusChange:
    """Move a person to ``to_status`` if the state machine allows it for this actor; return the change."""
    person = _person(session, person_id)
    rule = states.check_transition(
        person.status, to_status, role=actor.role.value, evidence=evidence, confirmed_by=None, actor=actor.name
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


def confirm(*, session: Session, actor: Actor, change_id: int, reason: str) -> StatusChange:
    """Confirm a pending change as a second, different user; the person's status changes now."""
    change = session.get(StatusChange, change_id)
    if change is None:
        raise NotFoundError(f"no status change with id {change_id}")
    if change.state != "pending":
        raise ConflictError(f"status change {change_id} is {change.state}, not pending")
    if change.requested_by == actor.name:
        raise PermissionDeniedError(
            f"{actor.label} requested this change and cannot also confirm it",
            hint="a second, different user must confirm",
        )
    person = _person(session, change.person_id)
    if person.status != change.from_status:
        raise ConflictError(
            f"person {person.id} is now {person.status}, no longer {change.from_status}; request the change again"
        )
    states.check_transition(
        change.from_status,
        change.to_status,
        role=actor.role.value,
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


def history(*, session: Session, person_id: int) -> Sequence[StatusChange]:
    """Every status change of a person, oldest first."""
    return session.scalars(
        select(StatusChange).where(StatusChange.person_id == person_id).order_by(StatusChange.id)
    ).all()


def pending_confirmations(*, session: Session) -> Sequence[StatusChange]:
    """Changes waiting for a second confirmation."""
    return session.scalars(select(StatusChange).where(StatusChange.state == "pending").order_by(StatusChange.id)).all()


COMMISSION_OUTCOMES = ("repatriate", "reject", "refer")


def record_finding(
    *, session: Session, actor: Actor, person_id: int, outcome: str, examined_on: dt.date, note: str | None = None
) -> MedicalFinding:
    """Record a Mixed Medical Commission decision; only the mediator (or an admin) records what the commission found."""
    require_role(actor, frozenset({Role.MEDIATOR, Role.ADMIN}), "record medical commission findings")
    if outcome not in COMMISSION_OUTCOMES:
        raise InputError(
            "unknown commission outcome", value=outcome, hint=f"use one of: {', '.join(COMMISSION_OUTCOMES)}"
        )
    _person(session, person_id)
    finding = MedicalFinding(
        person_id=person_id, outcome=outcome, examined_on=examined_on, recorded_by=actor.name, note=note
    )
    session.add(finding)
    session.flush()
    return finding
