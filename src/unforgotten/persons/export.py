"""Persons as PFIF 1.4, for tracing agencies and people finders: one person record each, with notes.

Each person carries a note per list entry that names them (which party listed them, on which list, as what) and a
note per applied status change. Only applied changes are exported: a *deceased* still awaiting its second
confirmation is not news to pass on — "believed dead" notes that override a person's real status without
verification are what DESIGN.md says existing tools get wrong.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth.models import Party
from unforgotten.auth.service import Actor, readable_spaces
from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.ingest.pfif import PfifNote, write_pfif_persons
from unforgotten.lists.models import Entry, List
from unforgotten.persons.models import Match, MatchState, Person, StatusChange, current_persons
from unforgotten.persons.states import Status

__all__ = ["PFIF_STATUS", "export_pfif"]

# PFIF's five note statuses against the case statuses; a status with no honest equivalent gets none.
PFIF_STATUS: Mapping[str, str] = {
    Status.REQUESTED: "information_sought",
    Status.SOUGHT: "information_sought",
    Status.NOT_ACKNOWLEDGED: "believed_missing",
    Status.ACKNOWLEDGED: "believed_alive",
    Status.HELD: "believed_alive",
    Status.IDENTITY_CONFIRMED: "believed_alive",
    Status.ELIGIBLE: "believed_alive",
    Status.NOT_ELIGIBLE: "believed_alive",
    Status.CONSENT_CONFIRMED: "believed_alive",
    Status.DECLINED: "believed_alive",
    Status.SCHEDULED: "believed_alive",
    Status.EXCHANGED: "believed_alive",
    Status.LOCATED: "believed_alive",
    Status.REUNITED: "believed_alive",
    Status.DECEASED: "believed_dead",
    Status.REMAINS_HELD: "believed_dead",
    Status.REMAINS_TRANSFERRED: "believed_dead",
}
_PAGE = 1_000


def _pages(session: Session, spaces: frozenset[int] | None) -> Iterator[Sequence[Person]]:
    """Current persons in id order, a page at a time (keyset paging: memory stays flat whatever the count)."""
    last = 0
    while True:
        query = select(Person).where(current_persons(), Person.id > last)
        if spaces is not None:
            query = query.where(Person.space_id.in_(spaces))
        page = session.scalars(query.order_by(Person.id).limit(_PAGE)).all()
        if not page:
            return
        yield page
        last = page[-1].id


def _records(
    session: Session, spaces: frozenset[int] | None
) -> Iterator[tuple[str, Mapping[str, str | None], Sequence[PfifNote]]]:
    for page in _pages(session, spaces):
        ids = [p.id for p in page]
        entries: dict[int, list[tuple[Entry, List, str]]] = {i: [] for i in ids}
        query = (
            select(Match.person_id, Entry, List, Party.code)
            .join(Entry, Entry.id == Match.entry_id)
            .join(List, List.id == Entry.list_id)
            .join(Party, Party.id == List.party_id)
            .where(Match.state == MatchState.ACCEPTED, Match.person_id.in_(ids))
            .order_by(Match.person_id, Entry.id)
        )
        for person_id, entry, lst, party in session.execute(query):
            entries[person_id].append((entry, lst, party))
        changes: dict[int, list[StatusChange]] = {i: [] for i in ids}
        for change in session.scalars(
            select(StatusChange)
            .where(StatusChange.person_id.in_(ids), StatusChange.state == "applied")
            .order_by(StatusChange.person_id, StatusChange.id)
        ):
            changes[change.person_id].append(change)
        for person in page:
            own = entries[person.id]
            fields: dict[str, str | None] = {c: None for c in CANONICAL_COLUMNS}
            for entry, _, _ in own:  # the first entry that has a value gives it
                for column in CANONICAL_COLUMNS:
                    fields[column] = fields[column] or getattr(entry, column)
            fields["full_name"] = person.display_name or fields["full_name"]
            notes = [
                PfifNote(
                    note_record_id=f"entry-{entry.id}",
                    author_name=party,
                    source_date=lst.submitted_at,
                    text=f"Listed by {party} on {lst.kind} list '{lst.name}' (version {lst.version}), "
                    f"row {entry.row_number}{f' of sheet {entry.sheet}' if entry.sheet else ''}: "
                    + ", ".join(f"{c} {getattr(entry, c)}" for c in _SHOWN if getattr(entry, c)),
                )
                for entry, lst, party in own
            ]
            notes += [
                PfifNote(
                    note_record_id=f"status-{change.id}",
                    author_name=change.confirmed_by or change.requested_by,
                    source_date=change.confirmed_at or change.requested_at,
                    text=f"Status {change.from_status} → {change.to_status}"
                    + (f": {change.reason}" if change.reason else ""),
                    status=PFIF_STATUS.get(change.to_status),
                )
                for change in changes[person.id]
            ]
            yield str(person.id), fields, notes


_SHOWN = ("family_name", "given_name", "patronymic", "date_of_birth", "place_of_birth", "rank", "military_unit")


def export_pfif(*, session: Session, actor: Actor, path: Path, domain: str) -> int:
    """Write every current person the actor may see as PFIF 1.4; return how many.

    A person's entries are those linked to it in its own space, which sees them all, so scoping the persons
    scopes the notes too.

    Args:
        session: An open session (read-only use).
        actor: Who exports: only the persons of the spaces it reads are written.
        path: The XML file to write.
        domain: The record-id domain, e.g. ``unforgotten.example.org``: ids are ``domain/person-id``.
    """
    return write_pfif_persons(_records(session, readable_spaces(actor)), path, domain=domain)
