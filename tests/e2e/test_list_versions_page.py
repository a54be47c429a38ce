"""A list's versions on its page and what changed between them (issue 12, item 5): the Versions section lists the
versions the reader may see with the counts since the previous one, each a link to its rows, named and paged; the
API answers the same for scripts. Another side's unshared version is never named, counted or diffed — in Chromium
too."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.e2e.browser import browser_page, chromium_available, live_server
from tests.e2e.worlds import Submission, World, build_world, sign_in, signed_in

from unforgotten.audit.models import Event
from unforgotten.lists.models import List

COLUMNS = "record_id,family_name,given_name,patronymic,date_of_birth,rank"
V1 = (
    "UA-1,Коваленко,Олександр,Петрович,1990-03-12,солдат",
    "UA-2,Шевчук,Андрій,Іванович,1999-07-05,сержант",
    "UA-3,Мельник,Богдан,Степанович,2001-11-21,солдат",
)
V2 = (
    "UA-1,Коваленко,Олександр,Петрович,1990-03-12,солдат",
    "UA-2,Шевчук,Андрій,Іванович,1999-07-05,старший сержант",
    "UA-4,Гнатюк,Петро,Іванович,1985-02-03,солдат",
    "UA-5,Кравець,Олег,Васильович,1997-09-09,солдат",
)
CANARY = "CnryUAversionQz"  # only in UA's third version, shared with nobody
V3 = (*V2, f"UA-6,{CANARY},Роман,Ігорович,1996-09-09,солдат")
USERS = {"ua_coord": ("party_coordinator", "UA"), "ru_coord": ("party_coordinator", "RU"),
         "mediator": ("mediator", "ICRC")}  # fmt: skip
PAGE = {"accept": "text/html"}


@pytest.fixture
def world(tmp_path: Path) -> World:
    """UA's custody list in three versions (two shared with the mediator, the third not); RU's one request list."""
    return build_world(tmp_path, users=USERS, secret="v", submissions=[
        Submission("UA", "custody", COLUMNS, V1), Submission("UA", "custody", COLUMNS, V2),
        Submission("UA", "custody", COLUMNS, V3, share=()), Submission("RU", "request", COLUMNS, V1[:1]),
    ])  # fmt: skip


def _versions(world: World) -> list[int]:
    with world.database.read() as session:
        return list(session.scalars(select(List.id).where(List.name == "ua_custody").order_by(List.version)))


def _api(world: World, user: str) -> TestClient:
    return TestClient(world.app, headers={"Authorization": f"Bearer {world.tokens[user]}"})


def test_the_list_page_shows_the_versions_and_what_changed(world: World) -> None:
    v1, v2, v3 = _versions(world)
    with signed_in(world, "ua_coord") as ua:
        page = ua.get(f"/lists/{v2}")
        assert page.status_code == 200 and 'id="versions"' in page.text
        assert all(f'<tr data-version="{n}"' in page.text for n in (1, 2, 3))
        since = page.text.split('id="since-previous"')[1].split("</p>")[0]
        assert "+2 added" in since and "−1 removed" in since and "~1 changed" in since and "1 unchanged" in since
        assert f"/lists/{v2}/diff?against={v1}&amp;kind=added" in since

        added = ua.get(f"/lists/{v2}/diff?against={v1}&kind=added")
        assert added.status_code == 200 and added.text.count('<tr class="added">') == 2
        assert "Гнатюк Петро Іванович; 1985-02-03" in added.text and "Кравець" in added.text
        removed = ua.get(f"/lists/{v2}/diff", params={"against": v1, "kind": "removed"})
        assert removed.text.count('<tr class="removed">') == 1 and "Мельник Богдан Степанович" in removed.text
        changed = ua.get(f"/lists/{v2}/diff", params={"against": v1, "kind": "changed"})
        row = changed.text.split('<tr class="changed">')[1].split("</tr>")[0]
        assert "<del>сержант</del> → <ins>старший сержант</ins>" in row and "Rank" in row
        every = ua.get(f"/lists/{v2}/diff")  # the previous version, every kind
        assert every.status_code == 200 and every.text.count("<tr class=") == 4
        assert f"/lists/{v1}" in every.text
    with world.database.read() as session:
        reads = session.scalars(select(Event).where(Event.action == "access.list_diff")).all()
        assert len(reads) == 4 and {e.subject_id for e in reads} == {str(v2)}


def test_a_list_with_one_version_says_so(world: World) -> None:
    with world.database.read() as session:
        ru_list = session.scalar(select(List.id).where(List.name == "ru_request"))
    with signed_in(world, "ru_coord") as ru:
        page = ru.get(f"/lists/{ru_list}")
        assert 'id="only-version"' in page.text and 'id="versions"' not in page.text
        assert 'id="only-version"' in ru.get(f"/lists/{ru_list}/diff").text
    answer = _api(world, "ru_coord").get(f"/api/v1/lists/{ru_list}/diff")
    assert answer.status_code == 422 and "no earlier version" in answer.json()["detail"]


def test_the_mediator_never_learns_of_the_unshared_version(world: World) -> None:
    v1, v2, v3 = _versions(world)
    missing = v3 + 100
    with signed_in(world, "mediator") as mediator:
        page = mediator.get(f"/lists/{v2}")
        assert page.status_code == 200 and '<tr data-version="3"' not in page.text and CANARY not in page.text
        assert f"/lists/{v3}" not in page.text
        for path in (f"/lists/{v3}/diff?against={v2}", f"/lists/{v2}/diff?against={v3}"):
            hidden, gone = mediator.get(path, headers=PAGE), mediator.get(path.replace(str(v3), str(missing)),
                                                                          headers=PAGE)  # fmt: skip
            assert hidden.status_code == gone.status_code == 404 and CANARY not in hidden.text
    api = _api(world, "mediator")
    listed = api.get(f"/api/v1/lists/{v2}/versions").json()
    assert [v["id"] for v in listed["items"]] == [v1, v2] and listed["total"] == 2
    diff = api.get(f"/api/v1/lists/{v2}/diff", params={"kind": "changed"}).json()
    assert diff["against"] == v1 and diff["counts"] == {"added": 2, "removed": 1, "changed": 1, "unchanged": 1}
    assert diff["items"][0]["changes"] == [{"field": "rank", "previous": "сержант", "current": "старший сержант"}]
    for path in (f"/api/v1/lists/{v3}/versions", f"/api/v1/lists/{v3}/diff", f"/api/v1/lists/{v2}/diff?against={v3}"):
        answer = api.get(path)
        assert answer.status_code == 404 and CANARY not in answer.text, path
    with signed_in(world, "ru_coord") as ru:  # the other side sees none of UA's versions
        assert ru.get(f"/lists/{v2}/diff?against={v1}", headers=PAGE).status_code == 404
    assert _api(world, "ru_coord").get(f"/api/v1/lists/{v2}/versions").status_code == 404
    ua = _api(world, "ua_coord").get(f"/api/v1/lists/{v3}/diff", params={"kind": "added", "limit": 1}).json()
    assert ua["total"] == 1 and CANARY in ua["items"][0]["current"][0]["name"]  # its own side sees it


def test_a_bad_against_or_kind_is_a_400_page_and_a_422_problem(world: World) -> None:
    v1, v2, _ = _versions(world)
    with world.database.read() as session:
        ru_list = session.scalar(select(List.id).where(List.name == "ru_request"))
    api = _api(world, "ua_coord")
    with signed_in(world, "ua_coord") as ua:
        for query in ({"against": v1, "kind": "unchanged"}, {"against": "abc"}, {"against": v2}, {"against": 0}):
            page = ua.get(f"/lists/{v2}/diff", params=query, headers=PAGE)
            assert page.status_code == 400 and page.headers["content-type"].startswith("text/html"), query
            answer = api.get(f"/api/v1/lists/{v2}/diff", params=query)
            assert answer.status_code == 422, query
            assert answer.headers["content-type"] == "application/problem+json", query
    with signed_in(world, "mediator") as mediator:  # a list it sees, but another party's: not a version
        assert mediator.get(f"/lists/{v2}/diff?against={ru_list}", headers=PAGE).status_code in (400, 404)
    for limit in (0, 1001):
        assert api.get(f"/api/v1/lists/{v2}/diff", params={"limit": limit}).status_code == 422


@pytest.mark.browser
@pytest.mark.skipif(not chromium_available(), reason="Chromium is not installed")
def test_follow_the_versions_to_the_changed_rows_in_chromium(world: World, tmp_path: Path) -> None:
    v1, v2, v3 = _versions(world)
    # UNFORGOTTEN_SCREENSHOTS=/some/dir keeps the pictures; by default they stay in tmp.
    shots = Path(os.environ.get("UNFORGOTTEN_SCREENSHOTS", str(tmp_path)))
    shots.mkdir(parents=True, exist_ok=True)
    with live_server(world.app) as base, browser_page() as page:
        sign_in(page, base, world.tokens["ua_coord"])
        page.set_viewport_size({"width": 1100, "height": 900})
        page.goto(f"{base}/lists/{v3}")
        assert page.locator("#versions tbody tr").count() == 3
        page.screenshot(path=str(shots / "versions-page.png"), full_page=True)
        page.click("#since-previous a.added")
        page.wait_for_url(f"**/lists/{v3}/diff?against={v2}&kind=added")
        assert page.locator("#diff-rows tbody tr").count() == 1
        assert CANARY in page.locator("#diff-rows").inner_text()
        page.click("#kinds a.changed")
        page.wait_for_url("**kind=changed")
        assert page.locator("#no-rows").is_visible()
        page.goto(f"{base}/lists/{v2}/diff?against={v1}&kind=changed")
        page.screenshot(path=str(shots / "versions-diff.png"), full_page=True)
        assert "старший сержант" in page.locator("#diff-rows ins").inner_text()
