"""The negotiation pages (issue 14, item 7): the negotiations a reader takes part in with what falls due in the next
seven days at the top, one negotiation's timeline, and the iCalendar export — shaped like May–June 2025, with a
memorandum whose one-week review ends in four days and one left unanswered past its deadline."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar
from tests.e2e.browser import browser_page, chromium_available, live_server
from tests.e2e.worlds import World, build_world, sign_in, signed_in

from unforgotten.auth import service as auth
from unforgotten.negotiations import service, timeline

USERS = {
    "ua_coord": ("party_coordinator", "UA"),
    "ru_coord": ("party_coordinator", "RU"),
    "mediator": ("mediator", "ICRC"),
    "md_coord": ("party_coordinator", "MD"),  # a side of no negotiation here
    "auditor": ("auditor", None),
}
TODAY = dt.date.today()
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _world(tmp: Path) -> tuple[World, int, int]:
    """The world, the talks' id and a second negotiation's (UA–MD) id."""
    world = build_world(tmp, users={k: v for k, v in USERS.items() if v[1] != "MD"})  # MD is added below
    op = auth.operator("cli:setup")
    with world.database.unit_of_work(actor="cli:setup") as uow:
        s = uow.session
        auth.create(session=s, code="MD", name="Third side")
        world.tokens["md_coord"] = auth.create_user(
            session=s, name="md_coord", role="party_coordinator", party_code="MD"
        )[1]
        talks = service.create(
            session=s,
            actor=op,
            title="Istanbul talks (synthetic)",
            side_a="UA",
            side_b="RU",
            opened_on=dt.date(2025, 5, 16),
        )
        other = service.create(session=s, actor=op, title="Other talks (synthetic)", side_a="UA", side_b="MD")
        for day in (dt.date(2025, 5, 16), dt.date(2025, 6, 2)):
            service.create_round(
                session=s,
                actor=op,
                negotiation_id=talks.id,
                held_on=day,
                place="Istanbul",
                delegations="UA, RU; ICRC",
                duration_minutes=90,
            )
        memo = tmp / "memo.txt"
        memo.write_text("synthetic memorandum", encoding="utf-8")
        store = tmp / "store"
        old = service.create_document(
            session=s,
            actor=op,
            negotiation_id=talks.id,
            title="Memorandum on stage 1",
            path=memo,
            store=store,
            received_on=dt.date(2025, 6, 2),
            party_code="RU",
        )
        answered = service.create_document(
            session=s,
            actor=op,
            negotiation_id=talks.id,
            title="Lists of the wounded",
            path=memo,
            store=store,
            received_on=dt.date(2025, 6, 3),
            party_code="UA",
        )
        service.answer_document(
            session=s,
            actor=op,
            document_id=answered.id,
            answered_on=dt.date(2025, 6, 8),
            answer="accepted with remarks",
            party_code="RU",
        )
        service.create_document(
            session=s,
            actor=op,
            negotiation_id=talks.id,
            title="Memorandum on the next stage",
            path=memo,
            store=store,
            received_on=TODAY - dt.timedelta(days=3),
            party_code="RU",
        )
        service.create_meeting(
            session=s,
            actor=op,
            negotiation_id=talks.id,
            title="Leader-level meeting",
            window_start=dt.date(2025, 6, 20),
            window_end=dt.date(2025, 6, 30),
        )
        service.create_meeting(
            session=s,
            actor=op,
            negotiation_id=talks.id,
            title="Technical meeting",
            window_start=TODAY + dt.timedelta(days=5),
            window_end=TODAY + dt.timedelta(days=12),
        )
        service.create_action(
            session=s,
            actor=op,
            negotiation_id=talks.id,
            title="Send the lists of the young",
            owner="UA",
            due_on=TODAY + dt.timedelta(days=2),
        )
        service.create_action(
            session=s,
            actor=op,
            negotiation_id=talks.id,
            title="Answer on the remains",
            owner="RU",
            due_on=TODAY + dt.timedelta(days=30),
        )
        service.create_action(
            session=s,
            actor=op,
            negotiation_id=other.id,
            title="Secret of the other talks",
            owner="MD",
            due_on=TODAY + dt.timedelta(days=1),
        )
        assert old.review_deadline == dt.date(2025, 6, 9)
        ids = talks.id, other.id
        uow.commit()
    return world, *ids


@pytest.fixture(scope="module")
def talks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, int, int]]:
    built = _world(tmp_path_factory.mktemp("talks"))
    yield built
    built[0].database.engine.dispose()


def _due(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="[^"]*" data-kind="(\w+)" data-id="(\d+)">', html)


def test_what_is_due_in_seven_days_is_the_services_list(talks: tuple[World, int, int]) -> None:
    world, talks_id, _ = talks
    with signed_in(world, "ru_coord") as client:
        page = client.get("/negotiations")
    assert page.status_code == 200
    with world.database.read() as s:
        actor = auth.actor_for(session=s, user=auth.get_user_by_name_or_raise(session=s, name="ru_coord"))
        expected = [(i.kind, str(i.id)) for i in timeline.due(session=s, actor=actor, as_of=TODAY, days=7)]
    # the overdue memorandum, the action in two days, the memorandum under review, the technical meeting window
    assert [k for k, _ in expected] == ["document", "action", "document", "meeting"]
    assert _due(page.text) == expected
    assert page.text.index('id="due"') < page.text.index('id="negotiations-list"')  # at the top
    assert "overdue by" in page.text and "in 4 days" in page.text and "in 2 days" in page.text
    assert "Istanbul talks (synthetic)" in page.text
    assert "Other talks" not in page.text and "Secret of the other talks" not in page.text  # RU takes no part


def test_the_timeline(talks: tuple[World, int, int]) -> None:
    world, talks_id, _ = talks
    with signed_in(world, "ua_coord") as client:
        page = client.get(f"/negotiations/{talks_id}")
    assert page.status_code == 200
    items = re.findall(r'data-kind="(\w+)" data-status="(\w+)"', page.text)
    assert items == [
        ("round", "held"),
        ("round", "held"),
        ("document", "overdue"),
        ("document", "answered"),
        ("meeting", "window_passed"),
        ("document", "under_review"),
        ("action", "open"),
        ("meeting", "proposed"),
        ("action", "open"),
    ]
    assert "accepted with remarks" in page.text and "review deadline" in page.text
    assert _due(page.text)[0][0] == "document"
    assert 'href="/negotiations/calendar.ics"' in page.text


def test_a_negotiation_one_takes_no_part_in_is_a_404(talks: tuple[World, int, int]) -> None:
    world, talks_id, other_id = talks
    for user in ("ru_coord", "auditor"):
        with signed_in(world, user) as client:
            hidden, missing = client.get(f"/negotiations/{other_id}"), client.get(f"/negotiations/{other_id + 50}")
            assert hidden.status_code == missing.status_code == 404, user
            assert "Secret" not in hidden.text
            hidden_text = hidden.text.replace(f"/negotiations/{other_id}", "<id>").replace(f"id {other_id} ", "<id>")
            missing_text = missing.text.replace(f"/negotiations/{other_id + 50}", "<id>")
            assert hidden_text == missing_text.replace(f"id {other_id + 50} ", "<id>")
    with signed_in(world, "md_coord") as client:
        assert client.get(f"/negotiations/{talks_id}").status_code == 404
        assert client.get(f"/negotiations/{other_id}").status_code == 200
        listed = client.get("/negotiations").text
    assert "Istanbul talks" not in listed and "Secret of the other talks" in listed


def test_the_calendar_export(talks: tuple[World, int, int]) -> None:
    world, _, _ = talks
    with signed_in(world, "ru_coord") as client:
        response = client.get("/negotiations/calendar.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    summaries = [str(e.get("summary")) for e in events]
    assert len(events) == 2 + 3 + 2 + 2  # rounds, documents, meetings, actions of the talks RU takes part in
    assert not any("Secret" in s for s in summaries)
    assert dt.date(2025, 6, 9) in {e.decoded("DTSTART") for e in events}


@pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium")
def test_the_negotiation_page_in_chromium(talks: tuple[World, int, int]) -> None:
    world, talks_id, _ = talks
    with live_server(world.app) as base, browser_page() as page:
        page.set_viewport_size({"width": 1280, "height": 1000})
        sign_in(page, base, world.tokens["mediator"])
        page.goto(f"{base}/negotiations/{talks_id}")
        assert page.locator("#due li").count() == 4
        assert page.locator("#negotiation-timeline li").count() == 9
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "negotiations.png"), full_page=True)
