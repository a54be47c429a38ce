"""The tracing pages (issue 14, item 7): the children list with its counts and chart, a child's page, and the
forms, as the requesting side's tracing officer, the mediator, the other side's tracing officer and coordinator.

The world is shaped like the demo's: UA's list of children handed over to RU 40 days ago with a 30-day deadline;
RU answers two as located and one as "no information", the mediator records one reunion, the others stay unanswered.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from tests.e2e.browser import browser_page, chromium_available, live_server
from tests.e2e.worlds import Submission, World, build_world, sign_in, signed_in
from tests.pdftools import pages_text

from unforgotten.audit.models import Event
from unforgotten.auth import service as auth
from unforgotten.tracing import service as tracing

USERS = {
    "ua_tracer": ("tracing_officer", "UA"),
    "ua_coord": ("party_coordinator", "UA"),
    "ru_tracer": ("tracing_officer", "RU"),
    "ru_coord": ("party_coordinator", "RU"),
    "mediator": ("mediator", "ICRC"),
}
COLUMNS = (
    "record_id,family_name,given_name,date_of_birth,place_of_birth,removal_date,removal_place,guardians,"
    "guardian_contact"
)
CHILDREN = [
    f"C-{n},{family},{given},201{n % 10}-0{1 + n % 9}-1{n % 10},Херсон,2022-10-0{1 + n % 9},Херсон,"
    f"Мати {family},+380 00 000 00{n:02d}"
    for n, (family, given) in enumerate(
        [
            ("Коваленко", "Олександр"),
            ("Шевчук", "Марія"),
            ("Мельник", "Богдан"),
            ("Бондар", "Софія"),
            ("Ткаченко", "Іван"),
            ("Кравець", "Анна"),
        ],
        start=1,
    )
]
TODAY = dt.date.today()
HANDED = TODAY - dt.timedelta(days=40)
_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = _ROOT / "docs" / "screenshots"


def _world(tmp: Path, *, hand_over: bool = True) -> World:
    world = build_world(tmp, users=USERS, submissions=[Submission("UA", "tracing", COLUMNS, CHILDREN, share=())])
    operator = auth.operator("cli:setup")
    with world.database.unit_of_work(actor="cli:setup") as uow:
        s = uow.session
        tracing.register(session=s, actor=operator, list_id=world.lists["tracing"])
        if hand_over:
            tracing.handover(session=s, actor=operator, list_id=world.lists["tracing"], to_party="RU", on=HANDED)
            ids = [r.id for r in tracing.get_all(session=s, actor=operator)]
            answered = TODAY - dt.timedelta(days=20)
            tracing.respond(
                session=s,
                actor=operator,
                request_id=ids[0],
                outcome="located",
                responded_on=answered,
                institution="дитячий будинок (synthetic)",
                name_now_used="Иванов Александр",
            )
            tracing.respond(
                session=s,
                actor=operator,
                request_id=ids[1],
                outcome="located",
                responded_on=answered,
                place="synthetic place",
            )
            tracing.respond(
                session=s, actor=operator, request_id=ids[2], outcome="no_information", responded_on=answered
            )
            tracing.reunify(
                session=s,
                actor=operator,
                request_id=ids[1],
                on=TODAY - dt.timedelta(days=5),
                place="crossing point (synthetic)",
                with_whom="mother (synthetic)",
            )
        uow.commit()
    return world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = _world(tmp_path_factory.mktemp("tracing"))
    yield built
    built.database.engine.dispose()


def _counts(html: str) -> dict[str, int]:
    return {key: int(value) for key, value in re.findall(r'data-count="(\w+)">(\d+)<', html)}


def _without(html: str, *texts: str) -> str:
    """The page with the places that name the asked id blanked, to compare a hidden id's page with a missing one's."""
    for text in texts:
        html = html.replace(text, "<id>")
    return html


def _shown(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-request-id="(\d+)"', html)]


def _ids(world: World) -> list[int]:
    with world.database.read() as s:
        return [r.id for r in tracing.get_all(session=s, actor=auth.operator("cli:test"))]


@pytest.mark.parametrize("user", ["ua_tracer", "mediator", "ru_tracer"])
def test_the_counts_are_the_services_figures(world: World, user: str) -> None:
    with signed_in(world, user) as client:
        page = client.get("/tracing")
    assert page.status_code == 200, page.text
    with world.database.read() as s:
        actor = auth.actor_for(session=s, user=auth.get_user_by_name_or_raise(session=s, name=user))
        overdue = tracing.overdue(session=s, actor=actor, as_of=TODAY)
        visible = [r.id for r in tracing.get_all(session=s, actor=actor)]
    # in this world: 6 children, 3 answered (2 located, 1 of them reunited; 1 no information), 3 unanswered and
    # 10 days past the deadline — exactly what `unforgotten tracing overdue` lists for the same user
    assert [r.record_id for r in overdue] == ["C-4", "C-5", "C-6"]
    assert {r.days_overdue for r in overdue} == {10}
    assert _counts(page.text) == {
        "total": len(visible),
        "answered": 3,
        "no_answer": 3,
        "overdue": len(overdue),
        "located": 1,
        "reunited": 1,
    }
    assert len(visible) == 6
    assert sorted(_shown(page.text)) == visible
    overdue_rows = re.findall(r'data-request-id="(\d+)" class="conflicting overdue"', page.text)
    assert [int(i) for i in overdue_rows] == [r.request_id for r in overdue]  # highlighted, listed first
    assert page.text.count("<strong>10</strong>") == 3  # days overdue
    # the chart: cumulative lines whose totals are the counts
    totals = dict(re.findall(r'class="series (\w+)" data-total="(\d+)"', page.text))
    assert totals == {"handed_over": "6", "answered": "3", "reunited": "1"}


def test_the_status_filter(world: World) -> None:
    ids = _ids(world)
    with signed_in(world, "ua_tracer") as client:
        assert _shown(client.get("/tracing?status=reunited").text) == [ids[1]]
        assert sorted(_shown(client.get("/tracing?status=located").text)) == [ids[0]]
        assert sorted(_shown(client.get("/tracing?status=overdue").text)) == ids[3:]
        assert sorted(_shown(client.get("/tracing?status=answered").text)) == ids[:3]
        bad = client.get("/tracing?status=everything")
    assert bad.status_code == 422 and "no such filter" in bad.text and sorted(_shown(bad.text)) == ids


def test_the_other_sides_coordinator_sees_no_child(world: World) -> None:
    """Tracing requests are for tracing staff: RU's coordinator sees the handed-over list through the lists pages,
    never the requests (the service's scoping), and a child's page is the 404 of a missing id."""
    ids = _ids(world)
    with signed_in(world, "ru_coord") as client:
        page = client.get("/tracing")
        assert _shown(page.text) == [] and _counts(page.text)["total"] == 0
        hidden, missing = client.get(f"/tracing/{ids[0]}"), client.get(f"/tracing/{ids[-1] + 100}")
        assert hidden.status_code == missing.status_code == 404
        assert _without(hidden.text, f"/tracing/{ids[0]}", f"id {ids[0]} ") == _without(
            missing.text, f"/tracing/{ids[-1] + 100}", f"id {ids[-1] + 100} "
        )
        refused = client.post(
            f"/tracing/{ids[3]}/responses", data={"outcome": "located", "responded_on": str(TODAY), "place": "x"}
        )
        assert refused.status_code == 404
    with world.database.read() as s:
        assert tracing.get_visible_or_raise(session=s, actor=auth.operator("t"), request_id=ids[3]).status == "sought"


def test_nothing_is_seen_before_the_hand_over(tmp_path: Path) -> None:
    world = _world(tmp_path, hand_over=False)
    try:
        ids = _ids(world)
        for user in ("ru_tracer", "ru_coord", "mediator"):
            with signed_in(world, user) as client:
                assert _shown(client.get("/tracing").text) == [], user
                assert client.get(f"/tracing/{ids[0]}").status_code == 404, user
        with signed_in(world, "ua_tracer") as client:
            page = client.get("/tracing")
            assert sorted(_shown(page.text)) == ids and _counts(page.text)["no_answer"] == 6
            assert "Nothing handed over yet." in page.text
    finally:
        world.database.engine.dispose()


def _access_events(world: World, request_id: int) -> list[str]:
    """Who viewed the child's record, one entry per access event."""
    with world.database.read() as s:
        query = select(Event.actor).where(Event.action == "access.child_viewed", Event.subject_id == str(request_id))
        return list(s.scalars(query.order_by(Event.id)))


def test_a_childs_page_and_its_view_is_an_audit_event(world: World) -> None:
    ids = _ids(world)
    before = len(_access_events(world, ids[0]))
    with signed_in(world, "ua_tracer") as client:
        page = client.get(f"/tracing/{ids[0]}")
    assert page.status_code == 200
    text = page.text
    for shown in (
        "Коваленко Олександр",
        "C-1",
        "Херсон",
        "Мати Коваленко",
        "+380 00 000 0001",
        "Иванов Александр",
        "дитячий будинок (synthetic)",
        HANDED.isoformat()[:4],
    ):
        assert shown in text, shown
    assert 'id="respond"' not in text and 'id="reunify"' not in text  # the requesting side neither answers nor reunites
    events = _access_events(world, ids[0])
    assert len(events) == before + 1
    assert events[-1] == "web:ua_tracer"
    with signed_in(world, "ru_tracer") as client:
        theirs = client.get(f"/tracing/{ids[3]}").text
    assert "Шевчук" not in theirs and "+380 00 000 0004" not in theirs  # the family's contact stays with UA
    assert 'id="respond"' in theirs and 'id="reunify"' not in theirs
    assert len(_access_events(world, ids[3])) >= 1


def test_answer_and_reunion_through_the_forms(tmp_path: Path) -> None:
    world = _world(tmp_path)
    try:
        ids = _ids(world)
        child = ids[4]
        with signed_in(world, "ru_tracer") as client:
            refused = client.post(
                f"/tracing/{child}/responses", data={"outcome": "located", "responded_on": str(TODAY)}
            )
            assert refused.status_code == 422 and "where or with whom" in refused.text
            elsewhere = client.post(
                f"/tracing/{child}/responses",
                data={"outcome": "located", "place": "x"},
                headers={"Origin": "https://evil.example"},
            )
            assert elsewhere.status_code == 403
            done = client.post(
                f"/tracing/{child}/responses",
                follow_redirects=False,
                data={"outcome": "located", "responded_on": str(TODAY), "place": "Таганрог"},
            )
            assert done.status_code == 303 and done.headers["location"].endswith("?done=answered")
            assert (
                client.post(
                    f"/tracing/{child}/reunification", data={"reunited_on": str(TODAY), "place": "p", "with_whom": "w"}
                ).status_code
                == 403
            )
        with signed_in(world, "mediator") as client:
            page = client.get(f"/tracing/{child}")
            assert 'id="reunify"' in page.text and 'id="respond"' not in page.text
            done = client.post(
                f"/tracing/{child}/reunification",
                follow_redirects=False,
                data={"reunited_on": str(TODAY), "place": "crossing", "with_whom": "grandmother"},
            )
            assert done.status_code == 303
            after = client.get(done.headers["location"])
            assert "The reunion is recorded." in after.text and "grandmother" in after.text
            assert _counts(client.get("/tracing").text)["reunited"] == 2
        with world.database.read() as s:
            request = tracing.get_visible_or_raise(session=s, actor=auth.operator("t"), request_id=child)
            assert request.status == "reunited"
    finally:
        world.database.engine.dispose()


@pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium")
def test_the_tracing_page_in_chromium(world: World) -> None:
    ids = _ids(world)
    with live_server(world.app) as base, browser_page() as page:
        page.set_viewport_size({"width": 1280, "height": 1100})
        sign_in(page, base, world.tokens["ua_tracer"])
        page.goto(base + "/tracing")
        assert page.locator("svg.line-chart polyline").count() == 3
        assert page.locator("tr.overdue").count() == 3
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "tracing.png"), full_page=True)
        page.goto(f"{base}/tracing/{ids[0]}")
        assert page.locator("#responses li").count() == 1
        page.screenshot(path=str(SCREENSHOTS / "tracing_child.png"), full_page=True)


def _cli(world: World, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``unforgotten`` in a subprocess on the world's database (its URL, environment and secret key)."""
    env = {
        **os.environ,
        "UNFORGOTTEN_DATABASE_URL": str(world.database.engine.url),
        "UNFORGOTTEN_ENVIRONMENT": "production",
        "UNFORGOTTEN_SECRET_KEY": "w" * 40,
        "PYTHONPATH": os.pathsep.join([str(_ROOT / "src"), str(_ROOT)]),
    }
    return subprocess.run([sys.executable, "-m", "unforgotten", *args], env=env, cwd=tmp, capture_output=True,
                          text=True, timeout=300)  # fmt: skip


def test_the_overdue_letter(world: World, tmp_path: Path) -> None:
    """``tracing letter``: the children ``tracing overdue`` lists, as a letter to RU through the ICRC, per language."""
    overdue = _cli(world, tmp_path, "tracing", "overdue", "--json", "--as", "ua_tracer")
    assert overdue.returncode == 0, overdue.stderr
    expected = [(r["record_id"], r["name"], r["days_overdue"]) for r in json.loads(overdue.stdout)]
    assert [r for r, _, _ in expected] == ["C-4", "C-5", "C-6"]
    words = {"uk": ("Кому: делегації RU через ICRC", "Номер запису", "відповіді немає"),
             "ru": ("Кому: делегации RU через ICRC", "Номер записи", "ответа нет"),
             "en": ("To: the delegation of RU, through ICRC", "Record id", "no answer")}  # fmt: skip
    for lang, (to, column, status) in words.items():
        path = tmp_path / f"letter_{lang}.xlsx"
        done = _cli(world, tmp_path, "tracing", "letter", "--side", "UA", "-o", str(path), "--lang", lang,
                    "--as-of", TODAY.isoformat(), "--as", "ua_tracer")  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "3 overdue children of UA" in done.stdout
        sheet = openpyxl.load_workbook(path).active
        cells = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert cells[0][0] == to and cells[2][0] == f"{words_date(lang)} {TODAY.isoformat()}"
        header = next(i for i, row in enumerate(cells) if row[1] == column)
        table = [row for row in cells[header + 1 :] if isinstance(row[0], int)]
        assert [(row[1], row[2], row[5]) for row in table] == expected
        assert {row[6] for row in table} == {status}
        assert all(isinstance(row[3], dt.datetime) and row[3].date() == HANDED for row in table)  # a date cell
        # the same letter on paper: the PDF's text (poppler's pdftotext) holds the same words and children
        pdf = tmp_path / f"letter_{lang}.pdf"
        printed = _cli(world, tmp_path, "tracing", "letter", "--side", "UA", "-o", str(pdf), "--lang", lang,
                       "--as-of", TODAY.isoformat(), "--as", "ua_tracer")  # fmt: skip
        assert printed.returncode == 0, printed.stderr
        text = " ".join(" ".join(page.split()) for page in pages_text(pdf))
        assert " ".join(to.split()) in text and status in text  # cells wrap: the names are checked word by word
        assert all(record_id in text and all(word in text for word in name.split()) for record_id, name, _ in expected)
    # the other side's coordinator sees no tracing request: its letter for UA lists nobody
    empty = _cli(world, tmp_path, "tracing", "letter", "--side", "UA", "-o", str(tmp_path / "ru.xlsx"),
                 "--as", "ru_coord")  # fmt: skip
    assert empty.returncode == 0 and "0 overdue children" in empty.stdout
    refused = _cli(world, tmp_path, "tracing", "letter", "--side", "UA", "-o", "letter.docx", "--as", "ua_tracer")
    assert refused.returncode != 0 and ".xlsx or .pdf" in refused.stderr
    unknown = _cli(world, tmp_path, "tracing", "letter", "--side", "UA", "-o", "l.xlsx", "--lang", "de")
    assert unknown.returncode != 0 and "uk, ru or en" in unknown.stderr


def words_date(lang: str) -> str:
    return {"uk": "Дата:", "ru": "Дата:", "en": "Date:"}[lang]
