"""Reconciliation through persons: statuses, conflicts, unrequested custody entries, and counts that add up."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.errors import InputError
from unforgotten.lists.flows import ReconciliationStatus, dates_conflict, reconcile
from unforgotten.lists.models import Entry, List
from unforgotten.persons import review


def make_list(
    session: Session, party_id: int, kind: str, rows: list[tuple[str, str | None, str | None]]
) -> tuple[List, list[int]]:
    lst = List(
        party_id=party_id,
        kind=kind,
        name=kind,
        file_name=f"{kind}.csv",
        file_hash=kind.ljust(64, "0"),
        file_format="csv",
        submitted_by="t",
    )
    session.add(lst)
    session.flush()
    ids = []
    for number, (record_id, dob, sex) in enumerate(rows, start=1):
        entry = Entry(
            list_id=lst.id,
            row_number=number,
            status="accepted",
            raw={},
            findings=[],
            record_id=record_id,
            date_of_birth=dob,
            sex=sex,
        )
        session.add(entry)
        session.flush()
        ids.append(entry.id)
    return lst, ids


def test_statuses_and_counts(session: Session) -> None:
    ua = auth.create(session=session, code="UA", name="Ukraine")
    ru = auth.create(session=session, code="RU", name="Russia")
    request, r = make_list(
        session,
        ua.id,
        "request",
        [("r1", "1999-03-12", "M"), ("r2", "1990-01-01", "M"), ("r3", "2001-05-05", "M"), ("r4", None, "M")],
    )
    custody, c = make_list(
        session,
        ru.id,
        "custody",
        [("c1", "1999-12-03", "M"), ("c2", "1985-01-01", "M"), ("c3", "1970", "M"), ("c4", "2000", "M")],
    )
    space = auth.create(session=session, code="ICRC", name="ICRC", kind=PartyKind.MEDIATOR).id
    p1 = review.new_person(
        session=session, space_id=space, entry_id=r[0], status="requested", display_name="", decided_by="t"
    )
    review.attach(
        session=session,
        space_id=space,
        entry_id=c[0],
        person_id=p1.id,
        probability=0.99,
        explanation={},
        decided_by="t",
    )
    p2 = review.new_person(
        session=session, space_id=space, entry_id=r[1], status="requested", display_name="", decided_by="t"
    )
    review.attach(
        session=session,
        space_id=space,
        entry_id=c[1],
        person_id=p2.id,
        probability=0.97,
        explanation={},
        decided_by="t",
    )
    review.new_person(
        session=session, space_id=space, entry_id=r[2], status="requested", display_name="", decided_by="t"
    )
    p4 = review.new_person(
        session=session, space_id=space, entry_id=r[3], status="requested", display_name="", decided_by="t"
    )
    p_c3 = review.new_person(
        session=session, space_id=space, entry_id=c[2], status="held", display_name="", decided_by="t"
    )
    review.new_person(session=session, space_id=space, entry_id=c[3], status="held", display_name="", decided_by="t")
    review.propose(session=session, space_id=space, entry_id=r[3], person_id=p_c3.id, probability=0.7, explanation={})
    session.flush()
    assert p4.id

    result = reconcile(session=session, request=request, custody=custody, space_id=space)
    by_record = {row.request_record_id: row for row in result.rows}
    assert by_record["r1"].status == ReconciliationStatus.ACKNOWLEDGED  # day/month swapped is the same date
    assert by_record["r1"].custody_record_id == "c1" and by_record["r1"].probability == 0.99
    assert by_record["r2"].status == ReconciliationStatus.CONFLICTING and "date of birth" in by_record["r2"].reason
    assert by_record["r3"].status == ReconciliationStatus.NOT_ACKNOWLEDGED
    assert by_record["r4"].status == ReconciliationStatus.PENDING_REVIEW
    counts = result.counts()
    assert sum(counts[s.value] for s in ReconciliationStatus) == counts["request_entries"] == 4
    assert counts["not_requested"] == 2  # c3 (only a pending suggestion) and c4


def test_kinds_are_checked(session: Session) -> None:
    ua = auth.create(session=session, code="UA", name="Ukraine")
    request, _ = make_list(session, ua.id, "request", [])
    with pytest.raises(InputError, match="request list"):
        reconcile(session=session, request=request, custody=request, space_id=ua.id)
    other, _ = make_list(session, ua.id, "custody", [])
    with pytest.raises(InputError, match="same side"):
        reconcile(session=session, request=request, custody=other, space_id=ua.id)


@pytest.mark.parametrize(
    ("left", "right", "conflict"),
    [
        ("1999-03-12", "1999-12-03", False),
        ("1999-03-12", "1999-03", False),
        ("1999", "1999-07-01", False),
        ("1999-03-12", "1998-03-12", True),
        ("1999-03", "1999-04", True),
        (None, "1999", False),
        ("1999-03-12", "bad", False),
    ],
)
def test_dates_conflict(left: str | None, right: str | None, conflict: bool) -> None:
    assert dates_conflict(left, right) is conflict


def test_a_custody_entry_suggested_for_a_requested_person_waits_for_review(session: Session) -> None:
    """Linking the custody list after the request list (the usual order) leaves the suggestion on the custody
    entry: the request it may answer waits for the reviewer, it is not "not acknowledged"."""
    ua = auth.create(session=session, code="UA", name="Ukraine")
    ru = auth.create(session=session, code="RU", name="Russia")
    request, r = make_list(session, ua.id, "request", [("r1", "1993-06-05", "M"), ("r2", "1985-02-17", "M")])
    custody, c = make_list(session, ru.id, "custody", [("c1", "1994-05-06", "M")])
    space = auth.create(session=session, code="ICRC", name="ICRC", kind=PartyKind.MEDIATOR).id
    requested = review.new_person(
        session=session, space_id=space, entry_id=r[0], status="requested", display_name="", decided_by="t"
    )
    for entry_id, status in ((r[1], "requested"), (c[0], "held")):
        review.new_person(session=session, space_id=space, entry_id=entry_id, status=status, display_name="",
                          decided_by="t")  # fmt: skip
    review.propose(session=session, space_id=space, entry_id=c[0], person_id=requested.id, probability=0.44,
                   explanation={})  # fmt: skip
    session.flush()

    result = reconcile(session=session, request=request, custody=custody, space_id=space)
    by_record = {row.request_record_id: row for row in result.rows}
    assert by_record["r1"].status == ReconciliationStatus.PENDING_REVIEW and by_record["r1"].probability == 0.44
    assert by_record["r2"].status == ReconciliationStatus.NOT_ACKNOWLEDGED
    counts = result.counts()
    assert counts["pending_review"] == 1 and counts["not_acknowledged"] == 1 and counts["not_requested"] == 1
