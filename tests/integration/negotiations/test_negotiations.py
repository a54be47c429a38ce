"""The negotiation tracker: who records what, review deadlines, meeting windows, what falls due, the calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.integration.tracing.world import setup

from unforgotten.audit.models import Event
from unforgotten.errors import InputError, NotFoundError, PermissionDeniedError
from unforgotten.negotiations import service, storage, timeline
from unforgotten.negotiations.calendar import to_ics


def test_negotiation_history_due_and_calendar(session: Session, tmp_path: Path) -> None:
    actors, _, _ = setup(session, tmp_path)
    mediator, ua, ru = actors["mediator"], actors["ua_coord"], actors["ru_coord"]
    with pytest.raises(PermissionDeniedError):
        service.create(session=session, actor=ua, title="talks", side_a="UA", side_b="RU")
    talks = service.create(session=session, actor=mediator, title="Istanbul talks", side_a="UA", side_b="RU")
    assert service.get_all(session=session, actor=actors["auditor"]) == []
    with pytest.raises(NotFoundError):
        service.get_visible_or_raise(session=session, actor=actors["auditor"], negotiation_id=talks.id)
    for day in (dt.date(2025, 5, 16), dt.date(2025, 6, 2)):
        service.create_round(
            session=session,
            actor=mediator,
            negotiation_id=talks.id,
            held_on=day,
            place="Istanbul",
            delegations="UA; RU; mediator",
            duration_minutes=90,
        )
    with pytest.raises(PermissionDeniedError):
        service.create_round(session=session, actor=ua, negotiation_id=talks.id, held_on=dt.date(2025, 6, 3))
    memo = tmp_path / "memo.txt"
    memo.write_text("memorandum, draft 1", encoding="utf-8")
    store = storage.data_dir(f"sqlite:///{tmp_path / 'x.db'}")
    document = service.create_document(
        session=session,
        actor=ru,
        negotiation_id=talks.id,
        title="Memorandum",
        path=memo,
        store=store,
        received_on=dt.date(2025, 6, 2),
    )
    assert document.review_deadline == dt.date(2025, 6, 9)
    assert storage.read(store, document.sha256) == memo.read_bytes()
    chained = session.scalars(select(Event).where(Event.action == "negotiation.document_stored")).one()
    assert chained.after["sha256"] == document.sha256
    with pytest.raises(PermissionDeniedError):
        service.answer_document(session=session, actor=ru, document_id=document.id, answered_on=dt.date(2025, 6, 8))
    assert service.document_status(document, dt.date(2025, 6, 10)) == "overdue"
    with pytest.raises(InputError) as bad:
        service.create_meeting(
            session=session,
            actor=mediator,
            negotiation_id=talks.id,
            title="Leaders",
            window_start=dt.date(2025, 6, 30),
            window_end=dt.date(2025, 6, 20),
        )
    assert bad.value.column == "window_end"
    service.create_meeting(
        session=session,
        actor=mediator,
        negotiation_id=talks.id,
        title="Leader-level meeting",
        window_start=dt.date(2025, 6, 20),
        window_end=dt.date(2025, 6, 30),
    )
    service.create_action(
        session=session,
        actor=mediator,
        negotiation_id=talks.id,
        title="Respond to the children list",
        owner="RU",
        due_on=dt.date(2025, 6, 16),
    )

    due = timeline.due(session=session, actor=ua, as_of=dt.date(2025, 6, 5), days=7)
    assert [(i.kind, i.due_on) for i in due] == [("document", dt.date(2025, 6, 9))]
    due = timeline.due(session=session, actor=ua, as_of=dt.date(2025, 6, 12), days=10)
    assert [(i.kind, i.status) for i in due] == [("document", "overdue"), ("action", "open"), ("meeting", "proposed")]

    calendar = Calendar.from_ical(to_ics(timeline.calendar_items(session=session, actor=ua)))
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    review = events[f"document-{document.id}@unforgotten"]
    assert review.decoded("DTSTART") == dt.date(2025, 6, 9)
    window = next(e for e in events.values() if "Leader-level" in str(e["SUMMARY"]))
    assert (window.decoded("DTSTART"), window.decoded("DTEND")) == (dt.date(2025, 6, 20), dt.date(2025, 7, 1))
    assert len(events) == 5  # 2 rounds, a review deadline, a meeting window, an action item
