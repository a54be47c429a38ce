"""Linking entries to persons, and the review queue: accept, reject, merge, split.

The invariant every function here keeps: an accepted entry belongs to exactly one person at all times. A match in
the review band is therefore a *pending* suggestion beside the entry's current (accepted) person; accepting it
moves the entry, and a person left without entries is marked merged, never deleted. Every decision is an audited
change with who decided and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.auth.service import REVIEWER_ROLES, Actor, require_role
from unforgotten.db import AnySelect
from unforgotten.errors import ConflictError, NotFoundError
from unforgotten.persons.models import Match, MatchMethod, MatchState, Person

__all__ = [
    "accept",
    "attach",
    "current_match",
    "get_pending",
    "merge",
    "new_person",
    "propose",
    "reject",
    "split",
]


def new_person(
    *,
    session: Session,
    entry_id: int,
    status: str,
    display_name: str,
    decided_by: str,
    probability: float | None = None,
    explanation: dict[str, Any] | None = None,
) -> Person:
    """Create a person for an entry that matches nobody yet, and link the entry to it."""
    person = Person(status=status, display_name=display_name)
    session.add(person)
    session.flush()
    session.add(
        Match(
            entry_id=entry_id,
            person_id=person.id,
            probability=probability,
            explanation=explanation or {},
            method=MatchMethod.NEW_PERSON,
            state=MatchState.ACCEPTED,
            decided_by=decided_by,
        )
    )
    return person


def attach(
    *,
    session: Session,
    entry_id: int,
    person_id: int,
    probability: float | None,
    explanation: dict[str, Any],
    decided_by: str,
    method: MatchMethod = MatchMethod.AUTOMATIC,
) -> Match:
    """Link an entry that has no person yet to an existing person."""
    match = Match(
        entry_id=entry_id,
        person_id=person_id,
        probability=probability,
        explanation=explanation,
        method=method,
        state=MatchState.ACCEPTED,
        decided_by=decided_by,
    )
    session.add(match)
    return match


def propose(
    *, session: Session, entry_id: int, person_id: int, probability: float, explanation: dict[str, Any]
) -> Match:
    """Queue a suggestion (review band) that the entry is this person; a reviewer decides."""
    match = Match(
        entry_id=entry_id,
        person_id=person_id,
        probability=probability,
        explanation=explanation,
        method=MatchMethod.AUTOMATIC,
        state=MatchState.PENDING,
        decided_by="linkage",
    )
    session.add(match)
    return match


def current_match(*, session: Session, entry_id: int) -> Match:
    """The entry's accepted match (there is always exactly one for an accepted entry)."""
    match = session.scalars(select(Match).where(Match.entry_id == entry_id, Match.state == MatchState.ACCEPTED)).first()
    if match is None:
        raise NotFoundError(f"entry {entry_id} is not linked to any person")
    return match


def get_pending(*, session: Session, limit: int = 100, entry_ids: AnySelect | None = None) -> Sequence[Match]:
    """Pending suggestions (on entries in ``entry_ids``, when given), most probable first."""
    query = select(Match).where(Match.state == MatchState.PENDING).order_by(Match.probability.desc(), Match.id)
    if entry_ids is not None:
        query = query.where(Match.entry_id.in_(entry_ids))
    return session.scalars(query.limit(limit)).all()


def _pending_or_raise(session: Session, match_id: int) -> Match:
    match = session.get(Match, match_id)
    if match is None:
        raise NotFoundError(f"no match with id {match_id}")
    if match.state != MatchState.PENDING:
        raise ConflictError(f"match {match_id} was already decided ({match.state})")
    return match


def _move(
    session: Session,
    *,
    entry_id: int,
    to_person: int,
    actor: Actor,
    reason: str,
    probability: float | None,
    explanation: dict[str, Any],
) -> None:
    old = current_match(session=session, entry_id=entry_id)
    if old.person_id == to_person:
        return
    old.state = MatchState.REJECTED
    old.reason = f"superseded: {reason}"
    session.flush()  # the partial unique index allows one accepted match per entry
    session.add(
        Match(
            entry_id=entry_id,
            person_id=to_person,
            probability=probability,
            explanation=explanation,
            method=MatchMethod.REVIEWED,
            state=MatchState.ACCEPTED,
            decided_by=actor.name,
            reason=reason,
        )
    )
    session.flush()
    _retire_if_empty(session, person_id=old.person_id, into=to_person)


def _retire_if_empty(session: Session, *, person_id: int, into: int) -> None:
    remaining = session.scalar(
        select(func.count()).where(Match.person_id == person_id, Match.state == MatchState.ACCEPTED)
    )
    if not remaining:
        person = session.get(Person, person_id)
        if person is not None:
            person.merged_into_id = into


def accept(*, session: Session, actor: Actor, match_id: int, reason: str) -> Match:
    """Accept a suggestion: the entry now belongs to the suggested person."""
    require_role(actor, REVIEWER_ROLES, "decide matches")
    match = _pending_or_raise(session, match_id)
    old = current_match(session=session, entry_id=match.entry_id)
    old.state = MatchState.REJECTED
    old.reason = f"superseded by match {match.id}: {reason}"
    session.flush()  # the partial unique index allows one accepted match per entry
    match.state = MatchState.ACCEPTED
    match.method = MatchMethod.REVIEWED
    match.decided_by = actor.name
    match.reason = reason
    session.flush()
    if old.person_id != match.person_id:
        _retire_if_empty(session, person_id=old.person_id, into=match.person_id)
    return match


def reject(*, session: Session, actor: Actor, match_id: int, reason: str) -> Match:
    """Reject a suggestion: the entry stays with its current person."""
    require_role(actor, REVIEWER_ROLES, "decide matches")
    match = _pending_or_raise(session, match_id)
    match.state = MatchState.REJECTED
    match.decided_by = actor.name
    match.reason = reason
    session.flush()
    return match


def merge(*, session: Session, actor: Actor, keep_id: int, merge_id: int, reason: str) -> Person:
    """Merge two persons found to be one: every entry of ``merge_id`` moves to ``keep_id``."""
    require_role(actor, REVIEWER_ROLES, "merge persons")
    if keep_id == merge_id:
        raise ConflictError("a person cannot be merged into itself")
    keep = session.get(Person, keep_id)
    gone = session.get(Person, merge_id)
    if keep is None or gone is None:
        raise NotFoundError(f"no person with id {keep_id if keep is None else merge_id}")
    if keep.merged_into_id is not None:
        raise ConflictError(f"person {keep_id} was itself merged into person {keep.merged_into_id}")
    entries = session.scalars(
        select(Match.entry_id).where(Match.person_id == merge_id, Match.state == MatchState.ACCEPTED)
    ).all()
    for entry_id in entries:
        _move(
            session,
            entry_id=entry_id,
            to_person=keep_id,
            actor=actor,
            reason=f"merge: {reason}",
            probability=None,
            explanation={},
        )
    gone.merged_into_id = keep_id
    session.flush()
    return keep


def split(*, session: Session, actor: Actor, entry_id: int, status: str, display_name: str, reason: str) -> Person:
    """Split an entry off its person into a new person of its own."""
    require_role(actor, REVIEWER_ROLES, "split persons")
    old = current_match(session=session, entry_id=entry_id)
    others = session.scalar(
        select(func.count()).where(
            Match.person_id == old.person_id, Match.state == MatchState.ACCEPTED, Match.entry_id != entry_id
        )
    )
    if not others:
        raise ConflictError(f"entry {entry_id} is the only entry of person {old.person_id}; nothing to split")
    person = Person(status=status, display_name=display_name)
    session.add(person)
    session.flush()
    _move(
        session,
        entry_id=entry_id,
        to_person=person.id,
        actor=actor,
        reason=f"split: {reason}",
        probability=None,
        explanation={},
    )
    return person
