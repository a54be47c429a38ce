"""Writing a linked list's persons and matches: in bulk, each row with the audit event the ORM would have written.

Why apart from linking: a 200,000-row list makes some 130,000 persons and 200,000 matches, so they are written
through the database's bulk path (:func:`unforgotten.db.insert_rows`) rather than the ORM's unit of work, and their
events chained in batches (:func:`unforgotten.audit.recorder.record_inserts`) — what replay and the accounting
proof read is the same either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from unforgotten.audit.recorder import record_inserts
from unforgotten.db import in_chunks, insert_rows
from unforgotten.persons.models import Match, MatchMethod, MatchState, Person
from unforgotten.persons.states import initial_status

if TYPE_CHECKING:
    from unforgotten.linkage import Assignment

__all__ = ["insert_logged", "write_assignments"]


def write_assignments(
    session: Session,
    space_id: int,
    names: dict[int, str],
    kind: str,
    assignments: Sequence[Assignment],
    decided_by: str,
) -> None:
    """Write one list's persons and matches in bulk, each row with the audit event the ORM would have written."""
    now = dt.datetime.now(dt.UTC)
    status = initial_status(kind).value
    first: dict[str, str] = {}  # new cluster -> the record its person is made for (the first in list order)
    for assignment in assignments:
        if assignment.person_id is None:
            first.setdefault(assignment.cluster, assignment.record_id)
    persons = [
        {"space_id": space_id, "status": status, "display_name": names[int(record)][:500], "merged_into_id": None,
         "retired_reason": None, "created_at": now, "version": 1}
        for record in first.values()
    ]  # fmt: skip
    person_of = dict(zip(first, insert_logged(session, Person, "persons", persons), strict=True))
    del persons

    # Plain strings, as the event stores them: an enum member's value is a property lookup per row (200,000 rows)
    automatic, new_person = MatchMethod.AUTOMATIC.value, MatchMethod.NEW_PERSON.value

    def match(
        entry_id: int, person_id: int, p: float | None, why: dict[str, Any], method: str, state: str
    ) -> dict[str, Any]:
        return {"entry_id": entry_id, "person_id": person_id, "space_id": space_id, "probability": p,
                "explanation": why, "method": method, "state": state,
                "decided_by": decided_by if state == MatchState.ACCEPTED else "linkage", "decided_at": now,
                "reason": None, "version": 1}  # fmt: skip

    def matches(assignment: Assignment) -> Iterator[dict[str, Any]]:
        entry_id = int(assignment.record_id)
        if assignment.person_id is not None:
            why = dict(assignment.explanation)
            yield match(entry_id, assignment.person_id, assignment.probability, why, automatic, "accepted")
        elif first[assignment.cluster] == assignment.record_id:
            yield match(entry_id, person_of[assignment.cluster], None, {}, new_person, "accepted")
        else:
            why = {"cluster": assignment.cluster}
            yield match(entry_id, person_of[assignment.cluster], None, why, automatic, "accepted")
        for suggested, probability, explanation in assignment.suggestions:
            yield match(entry_id, suggested, probability, dict(explanation), automatic, "pending")

    for chunk in in_chunks(assignments, 10_000):
        insert_logged(session, Match, "matches", [row for assignment in chunk for row in matches(assignment)])


def insert_logged(session: Session, model: Any, table: str, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in bulk, in order; chain their audit events; return their ids in the same order."""
    ids: list[int] = []
    for chunk in in_chunks(rows, 10_000):
        chunk_ids = insert_rows(session, model.__table__, chunk)
        ids += chunk_ids
        record_inserts(session, table, [{"id": i, **row} for i, row in zip(chunk_ids, chunk, strict=True)])
    return ids
