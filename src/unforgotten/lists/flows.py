"""Reconciliation: one side's request list against the other side's custody list, through the persons of one space.

It runs in a space that sees both lists — the mediator's, as a rule, or a side's own when the other side shared
its custody list with it — and reads only that space's persons. Both lists' entries are linked to persons there
first (linkage, then review). A request entry is *acknowledged* when its
person also stands on the custody list, *conflicting* when it does but a key attribute disagrees (date of birth,
sex), *pending review* while a suggestion between them waits for a reviewer, and *not acknowledged* otherwise.
Custody entries whose person nobody requested are reported too. Counts always add up to the list sizes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.service import Actor
from unforgotten.errors import ConflictError, InputError, Text
from unforgotten.lists.models import Entry, EntryStatus, List, ListKind
from unforgotten.lists.service import lists_in_space
from unforgotten.persons.models import Match, MatchState

__all__ = [
    "ReconciliationRow",
    "ReconciliationResult",
    "ReconciliationStatus",
    "dates_conflict",
    "reconcile",
    "reconciliation_space",
]


class ReconciliationStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    CONFLICTING = "conflicting"
    PENDING_REVIEW = "pending_review"
    NOT_ACKNOWLEDGED = "not_acknowledged"


@dataclass(frozen=True)
class ReconciliationRow:
    request_entry_id: int
    request_record_id: str | None
    custody_entry_id: int | None
    custody_record_id: str | None
    person_id: int
    status: ReconciliationStatus
    probability: float | None
    reason: str = ""


@dataclass
class ReconciliationResult:
    request_list_id: int
    custody_list_id: int
    rows: list[ReconciliationRow] = field(default_factory=list)
    not_requested: list[tuple[int, str | None, int]] = field(default_factory=list)  # (entry id, record id, person)
    request_entries: int = 0
    custody_entries: int = 0

    def counts(self) -> dict[str, int]:
        counts = Counter(row.status.value for row in self.rows)
        return {
            **{status.value: counts.get(status.value, 0) for status in ReconciliationStatus},
            "not_requested": len(self.not_requested),
            "request_entries": self.request_entries,
            "custody_entries": self.custody_entries,
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "request_list_id": self.request_list_id,
            "custody_list_id": self.custody_list_id,
            "counts": self.counts(),
            "rows": [{**asdict(row), "status": row.status.value} for row in self.rows],
        }


def _parts(value: str | None) -> tuple[int, ...]:
    if not value:
        return ()
    try:
        return tuple(int(p) for p in value.split("-"))
    except ValueError:
        return ()


def dates_conflict(left: str | None, right: str | None) -> bool:
    """True when two (possibly partial) ISO dates cannot be the same date, allowing a day/month swap."""
    a, b = _parts(left), _parts(right)
    if not a or not b:
        return False
    common = min(len(a), len(b))
    if a[:common] == b[:common]:
        return False
    if len(a) == len(b) == 3 and a[0] == b[0] and (a[1], a[2]) == (b[2], b[1]):
        return False  # day and month swapped: the same date written two ways, not a conflict
    return True


def _accepted_entries(session: Session, list_id: int, space_id: int) -> list[tuple[Entry, Match]]:
    query = (
        select(Entry, Match)
        .join(
            Match,
            (Match.entry_id == Entry.id) & (Match.state == MatchState.ACCEPTED) & (Match.space_id == space_id),
        )
        .where(Entry.list_id == list_id, Entry.status == EntryStatus.ACCEPTED)
        .order_by(Entry.row_number)
    )
    return [(entry, match) for entry, match in session.execute(query)]


def _check_kinds(request: List, custody: List) -> None:
    if request.kind != ListKind.REQUEST or custody.kind not in (ListKind.CUSTODY, ListKind.REMAINS):
        raise InputError(
            Text(
                "reconcile takes a request list and a custody (or remains) list; got {kind} and {custody_kind}",
                kind=request.kind,
                custody_kind=custody.kind,
            ),
            hint=Text("pass the request list id first, the custody list id second"),
        )
    if request.party_id == custody.party_id:
        raise InputError(
            Text(
                "lists {request_id} and {custody_id} were both submitted by the same side",
                request_id=request.id,
                custody_id=custody.id,
            ),
            hint=Text("reconcile one side's request list against the other side's custody list"),
        )


def reconciliation_space(*, session: Session, actor: Actor, request: List, custody: List) -> int:
    """The space to reconcile in: the actor's own; for the local operator, the mediator's, which must see both."""
    if actor.space_id is not None:
        return actor.space_id
    mediator = auth.get_mediator(session=session)
    if mediator is not None:
        visible = set(session.scalars(lists_in_space([mediator.id])))
        if request.id in visible and custody.id in visible:
            return mediator.id
    raise InputError(
        Text(
            "lists {request_id} and {custody_id} are not both shared with the mediator",
            request_id=request.id,
            custody_id=custody.id,
        ),
        hint=Text("reconciliation runs in the mediator's space: `unforgotten list share ID --with <MEDIATOR>` first"),
    )


def reconcile(*, session: Session, request: List, custody: List, space_id: int) -> ReconciliationResult:
    """Reconcile a request list against a custody list in one space; every accepted entry of each appears once."""
    _check_kinds(request, custody)
    for lst in (request, custody):
        if lst.withdrawn_at is not None:  # its entries belong to no person: every request would read "not held"
            raise ConflictError(
                Text(
                    "list {list_id} was withdrawn by {withdrawn_by}: {withdrawn_reason}",
                    list_id=lst.id,
                    withdrawn_by=lst.withdrawn_by,
                    withdrawn_reason=lst.withdrawn_reason,
                ),
                hint=Text("reconcile the list that replaced it (unforgotten lists shows the versions)"),
            )
    result = ReconciliationResult(request_list_id=request.id, custody_list_id=custody.id)
    requested = _accepted_entries(session, request.id, space_id)
    held = _accepted_entries(session, custody.id, space_id)
    result.request_entries, result.custody_entries = len(requested), len(held)
    held_by_person: dict[int, list[tuple[Entry, Match]]] = defaultdict(list)
    for entry, match in held:
        held_by_person[match.person_id].append((entry, match))
    pending = _pending_between(session, space_id, (request.id, custody.id), requested, held)
    requested_persons: set[int] = set()
    for entry, match in requested:
        requested_persons.add(match.person_id)
        result.rows.append(_row(entry, match, held_by_person.get(match.person_id, []), pending.get(entry.id)))
    for entry, match in held:
        if match.person_id not in requested_persons:
            result.not_requested.append((entry.id, entry.record_id, match.person_id))
    return result


def _pending_between(
    session: Session,
    space_id: int,
    list_ids: tuple[int, int],
    requested: list[tuple[Entry, Match]],
    held: list[tuple[Entry, Match]],
) -> dict[int, float]:
    """Request entries with a suggestion waiting between them and a custody entry, with its probability.

    A suggestion points either way: a request entry suggested for a holding person, or — what linking leaves when
    the custody list comes after the request list, the usual order — a custody entry suggested for a requested
    person. Either way the request is not answered until a reviewer decides: read as "not acknowledged", a release
    would tell the asking side its person is not held while the match waits in the queue.
    """
    if not requested or not held:
        return {}
    request_ids = {entry.id for entry, _ in requested}
    custody_ids = {entry.id for entry, _ in held}
    custody_persons = {match.person_id for _, match in held}
    request_entries_of: dict[int, list[int]] = defaultdict(list)
    for entry, match in requested:
        request_entries_of[match.person_id].append(entry.id)
    # By the two lists, not by their entry ids: a list of 200,000 ids is no query parameter.
    query = (
        select(Match.entry_id, Match.person_id, Match.probability)
        .join(Entry, Entry.id == Match.entry_id)
        .where(Match.state == MatchState.PENDING, Match.space_id == space_id, Entry.list_id.in_(list_ids))
    )
    found: dict[int, float] = {}
    for entry_id, person_id, probability in session.execute(query):
        if entry_id in request_ids and person_id in custody_persons:
            answered = [int(entry_id)]
        elif entry_id in custody_ids:
            answered = request_entries_of.get(int(person_id), [])
        else:
            continue
        for request_entry_id in answered:
            found[request_entry_id] = max(found.get(request_entry_id, 0.0), float(probability or 0.0))
    return found


def _row(
    entry: Entry, match: Match, candidates: list[tuple[Entry, Match]], pending_probability: float | None
) -> ReconciliationRow:
    def make(
        status: ReconciliationStatus, held: Entry | None, probability: float | None, reason: str = ""
    ) -> ReconciliationRow:
        return ReconciliationRow(
            request_entry_id=entry.id,
            request_record_id=entry.record_id,
            custody_entry_id=held.id if held else None,
            custody_record_id=held.record_id if held else None,
            person_id=match.person_id,
            status=status,
            probability=probability,
            reason=reason,
        )

    if not candidates:
        if pending_probability is not None:
            return make(
                ReconciliationStatus.PENDING_REVIEW, None, pending_probability, "a possible match awaits review"
            )
        return make(ReconciliationStatus.NOT_ACKNOWLEDGED, None, None)
    held, held_match = candidates[0]
    probability = held_match.probability if held_match.probability is not None else match.probability
    problems = []
    if dates_conflict(entry.date_of_birth, held.date_of_birth):
        problems.append(f"date of birth {entry.date_of_birth} vs {held.date_of_birth}")
    if entry.sex and held.sex and entry.sex.upper()[:1] != held.sex.upper()[:1]:
        problems.append(f"sex {entry.sex} vs {held.sex}")
    if problems:
        return make(ReconciliationStatus.CONFLICTING, held, probability, "; ".join(problems))
    return make(ReconciliationStatus.ACKNOWLEDGED, held, probability)
