"""Use cases for releases: the mediator (or the holding side) answers a request list, one answer per entry.

What a side learns of the other side's data comes only this way (GC III Art. 122–123: the holding power's
information reaches the power of origin through the intermediary): an explicit, audited record, carrying only the
fields the agreement says are transmitted. A release also moves the requesting side's own persons to
``acknowledged`` or ``not_acknowledged``; a later release of the same request list supersedes the earlier one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import orjson
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from unforgotten.agreements import service as agreements
from unforgotten.audit.recorder import record
from unforgotten.auth.models import Party, Role
from unforgotten.auth.service import Actor, require_role
from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.errors import InputError, NotFoundError, Text
from unforgotten.lists import service as lists
from unforgotten.lists.flows import ReconciliationStatus, reconcile, reconciliation_space
from unforgotten.lists.models import Entry, List
from unforgotten.persons import states
from unforgotten.persons.models import Match, MatchState, Person, StatusChange
from unforgotten.releases.models import Answer, AnswerStatus, Release

__all__ = ["DEFAULT_TRANSMIT", "answers", "create", "get_all", "get_visible_or_raise"]

# What a release transmits when the agreement does not say: enough for the asking side to recognise its person.
DEFAULT_TRANSMIT = ("family_name", "given_name", "patronymic", "date_of_birth")
_RELEASED = {
    ReconciliationStatus.ACKNOWLEDGED: AnswerStatus.ACKNOWLEDGED,
    ReconciliationStatus.NOT_ACKNOWLEDGED: AnswerStatus.NOT_ACKNOWLEDGED,
    ReconciliationStatus.CONFLICTING: AnswerStatus.CONFLICTING,
}
# Where a release moves the requesting side's person, from the statuses a release may still change.
_MOVES = {
    (states.Status.REQUESTED, AnswerStatus.ACKNOWLEDGED): states.Status.ACKNOWLEDGED,
    (states.Status.REQUESTED, AnswerStatus.NOT_ACKNOWLEDGED): states.Status.NOT_ACKNOWLEDGED,
    (states.Status.NOT_ACKNOWLEDGED, AnswerStatus.ACKNOWLEDGED): states.Status.ACKNOWLEDGED,
}


def transmit_fields(fields: Sequence[str] | None) -> list[str]:
    """Validate an agreement's ``transmit:`` list against the canonical columns (default: names and birth date)."""
    chosen = list(fields or DEFAULT_TRANSMIT)
    unknown = [f for f in chosen if f not in CANONICAL_COLUMNS]
    if unknown:
        raise InputError(
            Text("transmit names unknown columns"), value=", ".join(unknown), hint=Text("use canonical columns")
        )
    return chosen


def _digest(rows: Sequence[Answer]) -> str:
    digest = hashlib.sha256()
    for a in rows:
        digest.update(
            orjson.dumps([a.request_entry_id, a.status, a.transmitted, a.reason], option=orjson.OPT_SORT_KEYS)
        )
        digest.update(b"\n")
    return digest.hexdigest()


def create(
    *, session: Session, actor: Actor, request_list_id: int, custody_list_id: int, agreement_id: int | None = None
) -> Release:
    """Reconcile a request list against a custody list and release the answers to the requesting side."""
    request = lists.get_visible_or_raise(session=session, actor=actor, list_id=request_list_id)
    custody = lists.get_visible_or_raise(session=session, actor=actor, list_id=custody_list_id)
    if not actor.operator and not (
        actor.role == Role.MEDIATOR or (actor.role == Role.PARTY_COORDINATOR and actor.party_id == custody.party_id)
    ):
        require_role(actor, frozenset({Role.MEDIATOR}), Text("release reconciliation answers"))
    space_id = reconciliation_space(session=session, actor=actor, request=request, custody=custody)
    result = reconcile(session=session, request=request, custody=custody, space_id=space_id)
    agreement = None if agreement_id is None else agreements.get_or_raise(session=session, agreement_id=agreement_id)
    if agreement is None:
        agreement = agreements.get_in_force(session=session)
    fields = transmit_fields(agreement.transmit if agreement is not None else None)
    custody_entries = {
        e.id: e for e in session.scalars(select(Entry).where(Entry.id.in_([r.custody_entry_id for r in result.rows
                                                                            if r.custody_entry_id])))
    }  # fmt: skip
    numbered = select(Entry.id, Entry.row_number).where(Entry.list_id == request.id)
    row_numbers = {int(i): int(n) for i, n in session.execute(numbered)}
    release = Release(
        request_list_id=request.id,
        custody_list_id=custody.id,
        space_id=space_id,
        to_party_id=request.party_id,
        agreement_id=agreement.id if agreement is not None else None,
        fields=fields,
        answers_digest="",
        released_by=actor.name,
    )
    session.add(release)
    session.flush()
    rows: list[Answer] = []
    withheld = 0
    for row in result.rows:
        status = _RELEASED.get(row.status)
        if status is None:  # pending review: no answer until a person has decided
            withheld += 1
            continue
        held = custody_entries.get(row.custody_entry_id) if row.custody_entry_id else None
        transmitted = {f: getattr(held, f) for f in fields} if held is not None else {}
        rows.append(
            Answer(
                release_id=release.id,
                request_entry_id=row.request_entry_id,
                request_record_id=row.request_record_id,
                row_number=row_numbers.get(row.request_entry_id, 0),
                status=status.value,
                transmitted=transmitted,
                reason=row.reason or None,
            )
        )
    session.add_all(rows)
    release.answers_digest = _digest(rows)
    release.counts = {s.value: sum(1 for a in rows if a.status == s) for s in AnswerStatus} | {"withheld": withheld}
    previous = session.scalars(
        select(Release).where(
            Release.request_list_id == request.id, Release.superseded_by_id.is_(None), Release.id != release.id
        )
    ).all()
    for old in previous:
        old.superseded_by_id = release.id
    session.flush()
    # The asking side's persons learn the answer; so do the persons of the space that reconciled (the mediator's),
    # where the exchange goes on from it.
    moved = _move_persons(session, release, rows, release.to_party_id)
    if release.space_id != release.to_party_id:
        moved += _move_persons(session, release, rows, release.space_id)
    record(
        session,
        action="release.created",
        subject_type="releases",
        subject_id=release.id,
        after={"counts": release.counts, "answers_digest": release.answers_digest, "fields": fields, "moved": moved,
               "supersedes": [old.id for old in previous]},
    )  # fmt: skip
    return release


def _move_persons(session: Session, release: Release, rows: Sequence[Answer], space_id: int) -> int:
    """Move each answered request entry's person in one space; return how many moved."""
    by_entry = {a.request_entry_id: a.status for a in rows}
    query = (
        select(Match.entry_id, Person)
        .join(Person, Person.id == Match.person_id)
        .where(
            Match.space_id == space_id,
            Match.state == MatchState.ACCEPTED,
            Match.entry_id.in_(list(by_entry)),
        )
    )
    moved = 0
    seen: set[int] = set()
    for entry_id, person in session.execute(query):
        target = _MOVES.get((states.Status(person.status), AnswerStatus(by_entry[entry_id])))
        if target is None or person.id in seen:
            continue
        seen.add(person.id)
        session.add(
            StatusChange(
                person_id=person.id,
                from_status=person.status,
                to_status=target.value,
                state="applied",
                requested_by=release.released_by,
                reason=f"release {release.id} of request list {release.request_list_id}",
            )
        )
        person.status = target.value
        moved += 1
    session.flush()
    return moved


def _scoped(actor: Actor) -> Select[Release] | None:
    """Releases an actor sees: to its side or drawn from its custody lists; the mediator and operator see all."""
    query = select(Release)
    if actor.operator or actor.is_mediator:
        return query
    if actor.space_id is None:
        return None
    holding = select(List.id).where(List.party_id == actor.party_id)
    return query.where(or_(Release.to_party_id == actor.party_id, Release.custody_list_id.in_(holding)))


def get_all(*, session: Session, actor: Actor) -> Sequence[Release]:
    """The releases the actor may see, newest first."""
    query = _scoped(actor)
    return [] if query is None else session.scalars(query.order_by(Release.id.desc())).all()


def get_visible_or_raise(*, session: Session, actor: Actor, release_id: int) -> Release:
    """Return the release if the actor may see it, else the same 404 as for one that does not exist."""
    query = _scoped(actor)
    found = None if query is None else session.scalars(query.where(Release.id == release_id)).first()
    if found is None:
        raise NotFoundError(Text("no release with id {release_id}", release_id=release_id))
    return found


def answers(*, session: Session, actor: Actor, release_id: int) -> Sequence[Answer]:
    """The answers of a release, for the requesting side, the mediator and the space it was made in.

    The holding side sees that a release was made and its counts, not which of its entries a request named —
    unless the request list was shared with it.
    """
    release = get_visible_or_raise(session=session, actor=actor, release_id=release_id)
    lists.get_visible_or_raise(session=session, actor=actor, list_id=release.request_list_id)
    return session.scalars(select(Answer).where(Answer.release_id == release.id).order_by(Answer.row_number)).all()


def party_code(session: Session, party_id: int) -> str:
    """The code of a party, for display."""
    party = session.get(Party, party_id)
    return party.code if party is not None else str(party_id)
