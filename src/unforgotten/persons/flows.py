"""Cross-domain work whose outcome is persons: linking a list's entries into persons, splitting an entry off."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth.service import Actor
from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.lists import service as lists
from unforgotten.lists.models import Entry, EntryStatus
from unforgotten.persons import review
from unforgotten.persons.models import Match, MatchState, Person
from unforgotten.persons.states import initial_status

__all__ = ["display_name", "link_all", "split_entry"]


def display_name(entry: Entry) -> str:
    """How a person is shown: the names of the entry that created it, as written."""
    parts = [entry.family_name, entry.given_name, entry.patronymic]
    name = " ".join(p for p in parts if p)
    return name or entry.full_name or entry.record_id or f"entry {entry.id}"


def split_entry(*, session: Session, actor: Actor, entry_id: int, reason: str) -> Person:
    """Split an entry off its person; the new person starts in its list kind's initial status."""
    entry = session.get(Entry, entry_id)
    if entry is None:
        from unforgotten.errors import NotFoundError

        raise NotFoundError(f"no entry with id {entry_id}")
    kind = lists.get_or_raise(session=session, list_id=entry.list_id).kind
    return review.split(
        session=session,
        actor=actor,
        entry_id=entry_id,
        status=initial_status(kind).value,
        display_name=display_name(entry),
        reason=reason,
    )


def _entry_row(entry: Entry) -> dict[str, str | None]:
    row: dict[str, str | None] = {c: getattr(entry, c) for c in CANONICAL_COLUMNS}
    row["record_id"] = str(entry.id)  # entry ids are unique across lists; the file's record ids are not
    return row


def link_all(*, session: Session, decided_by: str, lower: float | None = None) -> int:
    """Link every accepted entry that has no person yet: to an existing person, to a new one, or for review.

    Lists are linked one at a time, oldest first, each into the persons the ones before made: a list's own
    duplicates are grouped more strictly than entries of different lists are linked (one clerk wrote both).
    Existing persons keep their ids (no retraining of what is already linked); entries in the review band are
    given their own person at once — every accepted entry always belongs to exactly one — with a pending
    suggestion for a reviewer. Returns how many entries were linked.
    """
    linked = select(Match.entry_id).where(Match.state == MatchState.ACCEPTED)
    new = list(
        session.scalars(
            select(Entry).where(Entry.status == EntryStatus.ACCEPTED, Entry.id.not_in(linked)).order_by(Entry.id)
        )
    )
    if not new:
        return 0
    existing_rows = []
    for entry, person_id in session.execute(
        select(Entry, Match.person_id).join(Match, (Match.entry_id == Entry.id) & (Match.state == MatchState.ACCEPTED))
    ):
        row = _entry_row(entry)
        row["person_id"] = str(person_id)
        existing_rows.append(row)
    kinds = {lst.id: lst.kind for lst in lists.get_all(session=session)}
    by_list: dict[int, list[Entry]] = {}
    for entry in new:
        by_list.setdefault(entry.list_id, []).append(entry)
    for list_id in sorted(by_list):
        existing_rows += _link_list(session, by_list[list_id], existing_rows, kinds, decided_by, lower)
    session.flush()
    return len(new)


def _link_list(
    session: Session,
    new: list[Entry],
    existing_rows: list[dict[str, str | None]],
    kinds: dict[int, str],
    decided_by: str,
    lower: float | None,
) -> list[dict[str, str | None]]:
    """Link one list's new entries; return them as rows with their persons, for the lists after it."""
    from unforgotten.linkage import DEFAULT_REVIEW_FLOOR, link_into_persons

    floor = DEFAULT_REVIEW_FLOOR if lower is None else lower
    by_id = {str(e.id): e for e in new}
    assignments = link_into_persons([_entry_row(e) for e in new], existing_rows, lower=floor)
    cluster_person: dict[str, int] = {}
    linked_rows = []
    for assignment in assignments:
        entry = by_id[assignment.record_id]
        if assignment.person_id is not None:
            person_id = assignment.person_id
            review.attach(
                session=session, entry_id=entry.id, person_id=person_id,
                probability=assignment.probability, explanation=dict(assignment.explanation), decided_by=decided_by,
            )  # fmt: skip
        elif assignment.cluster in cluster_person:
            person_id = cluster_person[assignment.cluster]
            review.attach(
                session=session, entry_id=entry.id, person_id=person_id,
                probability=None, explanation={"cluster": assignment.cluster}, decided_by=decided_by,
            )  # fmt: skip
        else:
            person = review.new_person(
                session=session, entry_id=entry.id, status=initial_status(kinds[entry.list_id]).value,
                display_name=display_name(entry), decided_by=decided_by,
            )  # fmt: skip
            person_id = cluster_person[assignment.cluster] = person.id
        for suggested, probability, explanation in assignment.suggestions:
            review.propose(
                session=session, entry_id=entry.id, person_id=suggested, probability=probability,
                explanation=dict(explanation),
            )  # fmt: skip
        linked_rows.append({**_entry_row(entry), "person_id": str(person_id)})
    return linked_rows
