"""Linking entries to persons, and the review queue: accept, reject, merge, split — each within one space.

The invariant every function here keeps: an accepted entry belongs to exactly one person in each space that sees
it. Decisions are scoped like reads: a match or person outside the actor's space is "not found" before any role
check, so a side can neither see nor change the other side's linking. A match in
the review band is therefore a *pending* suggestion beside the entry's current (accepted) person; accepting it
moves the entry, and a person left without entries is marked merged, never deleted. Every decision is an audited
change with who decided and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.auth.service import REVIEWER_ROLES, Actor, readable_spaces, require_role
from unforgotten.db import AnySelect
from unforgotten.errors import ConflictError, InputError, NotFoundError, Text
from unforgotten.lists.models import Entry
from unforgotten.persons.linking import display_name
from unforgotten.persons.models import Match, MatchMethod, MatchState, Person
from unforgotten.persons.service import get_visible_or_raise

__all__ = [
    "accept",
    "attach",
    "current_match",
    "get_pending",
    "get_visible_match_or_raise",
    "merge",
    "names_of",
    "new_person",
    "propose",
    "reject",
    "retire_entries",
    "split",
    "split_space",
    "why",
]


def new_person(
    *,
    session: Session,
    space_id: int,
    entry_id: int,
    status: str,
    display_name: str,
    decided_by: str,
    probability: float | None = None,
    explanation: dict[str, Any] | None = None,
) -> Person:
    """Create a person for an entry that matches nobody yet, and link the entry to it."""
    person = Person(space_id=space_id, status=status, display_name=display_name)
    session.add(person)
    session.flush()
    session.add(
        Match(
            entry_id=entry_id,
            person_id=person.id,
            space_id=space_id,
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
    space_id: int,
    entry_id: int,
    person_id: int,
    probability: float | None,
    explanation: dict[str, Any],
    decided_by: str,
    method: MatchMethod = MatchMethod.AUTOMATIC,
) -> Match:
    """Link an entry that has no person yet in this space to an existing person of the space."""
    match = Match(
        entry_id=entry_id,
        person_id=person_id,
        space_id=space_id,
        probability=probability,
        explanation=explanation,
        method=method,
        state=MatchState.ACCEPTED,
        decided_by=decided_by,
    )
    session.add(match)
    return match


def propose(
    *, session: Session, space_id: int, entry_id: int, person_id: int, probability: float, explanation: dict[str, Any]
) -> Match:
    """Queue a suggestion (review band) that the entry is this person; a reviewer of the space decides."""
    match = Match(
        entry_id=entry_id,
        person_id=person_id,
        space_id=space_id,
        probability=probability,
        explanation=explanation,
        method=MatchMethod.AUTOMATIC,
        state=MatchState.PENDING,
        decided_by="linkage",
    )
    session.add(match)
    return match


def current_match(*, session: Session, entry_id: int, space_id: int) -> Match:
    """The entry's accepted match in a space (exactly one for an accepted entry the space sees)."""
    match = session.scalars(
        select(Match).where(Match.entry_id == entry_id, Match.space_id == space_id, Match.state == MatchState.ACCEPTED)
    ).first()
    if match is None:
        raise NotFoundError(Text("entry {entry_id} is not linked to any person you may see", entry_id=entry_id))
    return match


def get_pending(*, session: Session, actor: Actor, limit: int = 100) -> Sequence[Match]:
    """Pending suggestions in the spaces the actor reads, most probable first."""
    query = select(Match).where(Match.state == MatchState.PENDING).order_by(Match.probability.desc(), Match.id)
    spaces = readable_spaces(actor)
    if spaces is not None:
        query = query.where(Match.space_id.in_(spaces))
    return session.scalars(query.limit(limit)).all()


def names_of(*, session: Session, matches: Sequence[Match]) -> dict[int, tuple[str, str]]:
    """Per match: the entry's name as its list wrote it, and the suggested person's display name.

    Only for matches the caller already got from :func:`get_pending` (scoped to its spaces): the entry and the person
    of a match in a space are both in that space, so naming them shows nothing the caller may not see.
    """
    if not matches:
        return {}
    entries = {e.id: e for e in session.scalars(select(Entry).where(Entry.id.in_({m.entry_id for m in matches})))}
    persons = {
        p.id: p.display_name
        for p in session.scalars(select(Person).where(Person.id.in_({m.person_id for m in matches})))
    }
    return {
        m.id: (display_name(entries[m.entry_id]) if m.entry_id in entries else "", persons.get(m.person_id) or "")
        for m in matches
    }


def why(explanation: Mapping[str, Any] | None, most: int = 4) -> str:
    """The fields that moved the match weight most, strongest first: ``surname: exact (+8.1)``."""
    fields = [
        (name, value) for name, value in (explanation or {}).items() if isinstance(value, Mapping) and "weight" in value
    ]
    fields.sort(key=lambda item: -abs(float(item[1]["weight"] or 0)))
    return ", ".join(
        f"{name}: {value.get('level')} ({float(value['weight'] or 0):+.1f})" for name, value in fields[:most]
    )


def get_visible_match_or_raise(*, session: Session, actor: Actor, match_id: int, called: str = "match") -> Match:
    """Return a match of the reader's spaces, in any state (NotFoundError otherwise, as for a missing id); the
    message names it as the caller's user knows it (a "suggestion" on the review page)."""
    query = select(Match).where(Match.id == match_id)
    spaces = readable_spaces(actor)
    if spaces is not None:
        query = query.where(Match.space_id.in_(spaces))
    match = session.scalars(query).first()
    if match is None:
        raise NotFoundError(Text("no {called} with id {match_id}", called=called, match_id=match_id))
    return match


def _pending_or_raise(session: Session, actor: Actor, match_id: int) -> Match:
    match = get_visible_match_or_raise(session=session, actor=actor, match_id=match_id)
    require_role(actor, REVIEWER_ROLES, Text("decide matches"))
    if match.state != MatchState.PENDING:
        raise ConflictError(
            Text("match {match_id} was already decided ({state})", match_id=match_id, state=match.state)
        )
    return match


def _move(
    session: Session,
    *,
    space_id: int,
    entry_id: int,
    to_person: int,
    actor: Actor,
    reason: str,
    probability: float | None,
    explanation: dict[str, Any],
) -> None:
    old = current_match(session=session, entry_id=entry_id, space_id=space_id)
    if old.person_id == to_person:
        return
    old.state = MatchState.REJECTED
    old.reason = f"superseded: {reason}"
    session.flush()  # the partial unique index allows one accepted match per entry
    session.add(
        Match(
            entry_id=entry_id,
            person_id=to_person,
            space_id=space_id,
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
    match = _pending_or_raise(session, actor, match_id)
    old = current_match(session=session, entry_id=match.entry_id, space_id=match.space_id)
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
    match = _pending_or_raise(session, actor, match_id)
    match.state = MatchState.REJECTED
    match.decided_by = actor.name
    match.reason = reason
    session.flush()
    return match


def merge(*, session: Session, actor: Actor, keep_id: int, merge_id: int, reason: str) -> Person:
    """Merge two persons of one space found to be one: every entry of ``merge_id`` moves to ``keep_id``."""
    keep = get_visible_or_raise(session=session, actor=actor, person_id=keep_id)
    gone = get_visible_or_raise(session=session, actor=actor, person_id=merge_id)
    require_role(actor, REVIEWER_ROLES, Text("merge persons"))
    if keep_id == merge_id:
        raise ConflictError(Text("a person cannot be merged into itself"))
    if keep.space_id != gone.space_id:
        raise ConflictError(
            Text(
                "persons {keep_id} and {merge_id} are in different spaces and cannot be merged",
                keep_id=keep_id,
                merge_id=merge_id,
            )
        )
    if keep.merged_into_id is not None:
        raise ConflictError(
            Text(
                "person {keep_id} was itself merged into person {merged_into_id}",
                keep_id=keep_id,
                merged_into_id=keep.merged_into_id,
            )
        )
    entries = session.scalars(
        select(Match.entry_id).where(Match.person_id == merge_id, Match.state == MatchState.ACCEPTED)
    ).all()
    for entry_id in entries:
        _move(
            session,
            space_id=keep.space_id,
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


def split_space(*, session: Session, actor: Actor, entry_id: int) -> int:
    """The space in which the actor splits an entry: its own; for the local operator, the one space linking it."""
    spaces = readable_spaces(actor)
    query = select(Match.space_id).where(Match.entry_id == entry_id, Match.state == MatchState.ACCEPTED)
    if spaces is not None:
        query = query.where(Match.space_id.in_(spaces))
    found = sorted(set(session.scalars(query)))
    if not found:
        raise NotFoundError(Text("entry {entry_id} is not linked to any person you may see", entry_id=entry_id))
    if len(found) > 1:
        raise InputError(
            Text("entry {entry_id} is linked in {count} spaces", entry_id=entry_id, count=len(found)),
            hint=Text("act --as a user of the space to split in"),
        )
    return found[0]


def split(
    *, session: Session, actor: Actor, entry_id: int, space_id: int, status: str, display_name: str, reason: str
) -> Person:
    """Split an entry off its person (in one space) into a new person of its own."""
    require_role(actor, REVIEWER_ROLES, Text("split persons"))
    old = current_match(session=session, entry_id=entry_id, space_id=space_id)
    others = session.scalar(
        select(func.count()).where(
            Match.person_id == old.person_id, Match.state == MatchState.ACCEPTED, Match.entry_id != entry_id
        )
    )
    if not others:
        raise ConflictError(
            Text(
                "entry {entry_id} is the only entry of person {person_id}; nothing to split",
                entry_id=entry_id,
                person_id=old.person_id,
            )
        )
    person = Person(space_id=space_id, status=status, display_name=display_name)
    session.add(person)
    session.flush()
    _move(
        session,
        space_id=space_id,
        entry_id=entry_id,
        to_person=person.id,
        actor=actor,
        reason=f"split: {reason}",
        probability=None,
        explanation={},
    )
    return person


def retire_entries(*, session: Session, space_id: int, entry_ids: AnySelect, reason: str) -> int:
    """Take entries out of a space (their list was unshared from it); persons left with none are retired.

    Nothing is deleted: the matches become *withdrawn* and the persons keep their history, so what the space saw
    stays provable; they just no longer count, appear or link. Returns how many matches were withdrawn.
    """
    from unforgotten.persons.frequencies import forget

    forget(session, space_id)  # its surname counts include the entries leaving
    matches = session.scalars(
        select(Match).where(
            Match.space_id == space_id,
            Match.entry_id.in_(entry_ids),
            Match.state.in_((MatchState.ACCEPTED, MatchState.PENDING)),
        )
    ).all()
    touched = set()
    for match in matches:
        if match.state == MatchState.ACCEPTED:
            touched.add(match.person_id)
        match.state = MatchState.WITHDRAWN
        match.reason = reason
    session.flush()
    retired = []
    for person_id in sorted(touched):
        remaining = session.scalar(
            select(func.count()).where(Match.person_id == person_id, Match.state == MatchState.ACCEPTED)
        )
        person = session.get(Person, person_id)
        if not remaining and person is not None and person.merged_into_id is None:
            person.retired_reason = reason
            retired.append(person_id)
    # Suggestions pointing at a retired person would offer a reviewer someone who is gone.
    for match in session.scalars(
        select(Match).where(Match.person_id.in_(retired), Match.state == MatchState.PENDING)
    ).all():
        match.state = MatchState.WITHDRAWN
        match.reason = reason
    session.flush()
    return len(matches)
