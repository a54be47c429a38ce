"""The accounting proof: every row of every file is one entry, every accepted entry one person in each space that
sees it (and in no space that does not), every audited row (lists, shares, persons, matches, status changes) the
state its events produce, every import event its list, every exchange carried out what its acts and events say
(:mod:`.exchange_checks`), and the audit chain intact.

It reads the database as stored, so it also catches what was done behind the system's back (a row deleted with
``sqlite3``, a status edited by hand). Each violation names the object and the way to investigate.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.audit import service as audit_service
from unforgotten.audit.exchange_checks import exchange_differences
from unforgotten.audit.models import Event
from unforgotten.audit.replay import replay
from unforgotten.auth.models import Party
from unforgotten.columns import CANONICAL_COLUMNS
from unforgotten.errors import AuditChainError
from unforgotten.lists.models import Entry, EntryStatus, List
from unforgotten.lists.service import entries_digest_update, linkable_lists_in_space, lists_in_space
from unforgotten.persons.models import Match, MatchState, Person

__all__ = ["AccountingReport", "Violation", "account"]


@dataclass(frozen=True)
class Violation:
    check: str
    subject: str
    message: str


@dataclass
class AccountingReport:
    lists: int = 0
    rows: int = 0
    entries: int = 0
    accepted: int = 0
    quarantined: int = 0
    blank: int = 0
    persons: int = 0
    events: int = 0
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def account(*, session: Session) -> AccountingReport:
    """Check every invariant of the accounting over the whole database; collect every violation."""
    report = AccountingReport()
    _check_lists(session, report)
    _check_persons(session, report)
    for difference in replay(session=session):
        report.violations.append(Violation(difference.check, difference.subject, difference.message))
    for difference in exchange_differences(session=session):
        report.violations.append(Violation(difference.check, difference.subject, difference.message))
    try:
        report.events = audit_service.verify(session=session)
    except AuditChainError as error:
        report.violations.append(Violation("audit chain", f"event {error.event_id}", error.message))
    return report


def _import_digests(session: Session) -> dict[str, Any]:
    rows = session.execute(select(Event.subject_id, Event.after).where(Event.action == "list.imported"))
    return {str(subject_id): after for subject_id, after in rows}


def _check_lists(session: Session, report: AccountingReport) -> None:
    imported = _import_digests(session)
    codes = {party_id: code for party_id, code in session.execute(select(Party.id, Party.code))}
    columns = [Entry.sheet, Entry.row_number, Entry.status, Entry.raw, *(getattr(Entry, c) for c in CANONICAL_COLUMNS)]
    names = ["sheet", "row_number", "status", "raw", *CANONICAL_COLUMNS]
    for list_id in sorted(set(imported) - {str(i) for i in session.scalars(select(List.id))}, key=int):
        report.violations.append(
            Violation("import recorded", f"list {list_id}", "its list.imported event exists but the list does not")
        )
    for lst in session.scalars(select(List).order_by(List.id)):
        report.lists += 1
        report.rows += lst.row_count
        counts: dict[str, int] = defaultdict(int)
        digest = hashlib.sha256()
        query = select(*columns).where(Entry.list_id == lst.id).order_by(Entry.id).execution_options(yield_per=5000)
        for values in session.execute(query):
            row = dict(zip(names, values, strict=True))
            counts[row["status"]] += 1
            entries_digest_update(digest, row)
        total = sum(counts.values())
        report.entries += total
        report.accepted += counts[EntryStatus.ACCEPTED]
        report.quarantined += counts[EntryStatus.QUARANTINED]
        report.blank += counts[EntryStatus.BLANK]
        subject = f"list {lst.id} ({lst.name} v{lst.version})"
        if total != lst.row_count:
            report.violations.append(
                Violation("rows = entries", subject, f"the file had {lst.row_count} rows but {total} entries exist")
            )
        event = imported.get(str(lst.id))
        if event is None:
            report.violations.append(Violation("import recorded", subject, "no list.imported event for this list"))
        elif event.get("rows") != lst.row_count or event.get("entries_digest") != lst.entries_digest:
            report.violations.append(
                Violation("import recorded", subject, "the list's counts or digest differ from its import event")
            )
        else:
            stored = {"party": codes.get(lst.party_id), "kind": lst.kind, "name": lst.name}
            for key, value in stored.items():  # events written before these keys existed do not carry them
                if key in event and event[key] != value:
                    report.violations.append(
                        Violation(
                            "import recorded", subject, f"its {key} is {value!r}, its import event says {event[key]!r}"
                        )
                    )
        if digest.hexdigest() != lst.entries_digest:
            report.violations.append(
                Violation(
                    "entries unchanged",
                    subject,
                    "the entries differ from what was imported (a row was deleted, added or edited in the database)",
                )
            )


def _check_persons(session: Session, report: AccountingReport) -> None:
    report.persons = int(session.scalar(select(func.count()).select_from(Person)) or 0)
    for space_id, code in session.execute(select(Party.id, Party.code).order_by(Party.id)):
        accepted = (
            select(Entry.id, Entry.list_id, Entry.row_number, func.count(Match.id))
            .outerjoin(
                Match,
                (Match.entry_id == Entry.id) & (Match.state == MatchState.ACCEPTED) & (Match.space_id == space_id),
            )
            .where(Entry.status == EntryStatus.ACCEPTED, Entry.list_id.in_(linkable_lists_in_space([space_id])))
            .group_by(Entry.id, Entry.list_id, Entry.row_number)
            .having(func.count(Match.id) != 1)
        )
        for entry_id, list_id, row_number, n in session.execute(accepted):
            report.violations.append(
                Violation(
                    "entry → one person",
                    f"entry {entry_id} (list {list_id}, row {row_number}) in {code}'s space",
                    f"linked to {n} persons there instead of exactly one (run `unforgotten review link`)",
                )
            )
        outside = (
            select(Match.id, Match.entry_id)
            .join(Entry, Entry.id == Match.entry_id)
            .where(
                Match.space_id == space_id,
                Match.state.in_((MatchState.ACCEPTED, MatchState.PENDING)),
                Entry.list_id.not_in(lists_in_space([space_id])),
            )
        )
        for match_id, entry_id in session.execute(outside):
            report.violations.append(
                Violation(
                    "space sees its entries only",
                    f"match {match_id} in {code}'s space",
                    f"links entry {entry_id}, whose list is not visible in {code}'s space",
                )
            )
    crossed = (
        select(Match.id, Match.space_id, Person.space_id)
        .join(Person, Person.id == Match.person_id)
        .where(Match.space_id != Person.space_id)
    )
    for match_id, match_space, person_space in session.execute(crossed):
        report.violations.append(
            Violation(
                "match → person", f"match {match_id}", f"in space {match_space} but its person is in {person_space}"
            )
        )
    orphans = (
        select(Match.id, Match.person_id).outerjoin(Person, Person.id == Match.person_id).where(Person.id.is_(None))
    )
    for match_id, person_id in session.execute(orphans):
        report.violations.append(Violation("match → person", f"match {match_id}", f"person {person_id} does not exist"))
