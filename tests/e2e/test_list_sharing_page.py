"""Sharing, unsharing and withdrawing a list from its page: the forms post to routes that call the same flows as the
API and the CLI, a refusal is shown on the page (never JSON), a done action redirects back with a fixed word; the
other side gets the same 404 as for a missing list, a viewer sees the shares but no form — in Chromium too."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.e2e.browser import browser_page, chromium_available, live_server
from tests.e2e.worlds import Submission, World, build_world, sign_in, signed_in

from unforgotten.auth.models import Party
from unforgotten.lists.models import Entry, List, ListShare
from unforgotten.persons.models import Match, MatchState

COLUMNS = "record_id,family_name,given_name,patronymic,date_of_birth"
ROWS = (
    "UA-1,Коваленко,Олександр,Петрович,1990-03-12",
    "UA-2,Шевчук,Андрій,Іванович,1999-07-05",
    "UA-3,Мельник,Богдан,Степанович,2001-11-21",
)
USERS = {"ua_coord": ("party_coordinator", "UA"), "ua_viewer": ("party_viewer", "UA"),
         "ru_coord": ("party_coordinator", "RU"), "mediator": ("mediator", "ICRC")}  # fmt: skip
PAGE = {"accept": "text/html"}  # a browser's form post: refusals and 404s come back as pages


@pytest.fixture
def world(tmp_path: Path) -> World:
    """UA's custody list, shared with nobody yet."""
    return build_world(tmp_path, users=USERS, secret="s",
                       submissions=[Submission("UA", "custody", COLUMNS, ROWS, share=())])  # fmt: skip


def _list_id(world: World) -> int:
    return world.lists["custody"]


def _shares(world: World) -> list[str]:
    with world.database.read() as session:
        query = select(Party.code).join(ListShare, ListShare.party_id == Party.id)
        return sorted(session.scalars(query.where(ListShare.list_id == _list_id(world))))


def _linked_in(world: World, party: str) -> int:
    """How many of the list's entries are linked to persons in ``party``'s space."""
    with world.database.read() as session:
        space = session.scalar(select(Party.id).where(Party.code == party))
        query = select(func.count()).select_from(Match).join(Entry, Entry.id == Match.entry_id)
        query = query.where(Match.space_id == space, Match.state == MatchState.ACCEPTED,
                            Entry.list_id == _list_id(world))  # fmt: skip
        return int(session.scalar(query) or 0)


def _withdrawn(world: World) -> str | None:
    with world.database.read() as session:
        found = session.get(List, _list_id(world))
        assert found is not None
        return found.withdrawn_reason


def _same_page(hidden: object, gone: object, list_id: int, missing: int) -> bool:
    """The two 404 pages are one page but for the id each names (in the language links and the detail)."""

    def blank(text: str, n: int) -> str:
        return text.replace(f"/lists/{n}", "/lists/N").replace(f"no list with id {n}", "no list with id N")

    return blank(hidden.text, list_id) == blank(gone.text, missing)  # type: ignore[attr-defined]


def _post(client: TestClient, path: str, data: dict[str, str], **headers: str) -> object:
    return client.post(path, data=data, headers={**PAGE, **headers}, follow_redirects=False)


def test_the_coordinator_shares_unshares_and_withdraws_from_the_page(world: World) -> None:
    list_id = _list_id(world)
    with signed_in(world, "ua_coord") as ua:
        page = ua.get(f"/lists/{list_id}")
        assert page.status_code == 200 and 'id="no-shares"' in page.text
        assert 'id="share-list"' in page.text and 'id="withdraw-list"' in page.text
        assert '<option value="ICRC">' in page.text and '<option value="RU">' in page.text
        assert '<option value="UA">' not in page.text  # its own party always sees it

        shared = ua.post(f"/lists/{list_id}/share", data={"party": "ICRC"}, follow_redirects=False)
        assert shared.status_code == 303 and shared.headers["location"] == f"/lists/{list_id}?done=shared"
        assert _shares(world) == ["ICRC"] and _linked_in(world, "ICRC") == len(ROWS)
        page = ua.get(shared.headers["location"])
        assert 'id="done"' in page.text and "Shared:" in page.text
        assert '<tr data-party="ICRC">' in page.text and "ua_coord" in page.text
        assert '<option value="ICRC">' not in page.text and '<option value="RU">' in page.text
        with signed_in(world, "mediator") as mediator:
            assert mediator.get(f"/lists/{list_id}").status_code == 200

        unshared = ua.post(f"/lists/{list_id}/unshare", data={"party": "ICRC"}, follow_redirects=False)
        assert unshared.status_code == 303 and unshared.headers["location"].endswith("?done=unshared")
        assert _shares(world) == [] and _linked_in(world, "ICRC") == 0
        assert "Share withdrawn:" in ua.get(unshared.headers["location"]).text
        with signed_in(world, "mediator") as mediator:
            assert mediator.get(f"/lists/{list_id}", headers=PAGE).status_code == 404
        again = _post(ua, f"/lists/{list_id}/unshare", {"party": "ICRC"})
        assert again.status_code == 409 and "is not shared with ICRC" in again.text  # type: ignore[attr-defined]

        no_reason = _post(ua, f"/lists/{list_id}/withdraw", {"reason": "  "})
        assert no_reason.status_code == 422  # type: ignore[attr-defined]
        assert no_reason.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
        assert "a withdrawal needs a reason" in no_reason.text and 'id="withdraw-list"' in no_reason.text  # type: ignore[attr-defined]
        assert _withdrawn(world) is None

        withdrawn = ua.post(f"/lists/{list_id}/withdraw", data={"reason": "sent twice"}, follow_redirects=False)
        assert withdrawn.status_code == 303 and withdrawn.headers["location"].endswith("?done=withdrawn")
        assert _withdrawn(world) == "sent twice" and _linked_in(world, "UA") == 0
        page = ua.get(withdrawn.headers["location"])
        assert 'id="withdrawn"' in page.text and "sent twice" in page.text and 'id="withdraw-list"' not in page.text


def test_the_other_side_gets_the_404_of_a_missing_list_and_changes_nothing(world: World) -> None:
    list_id = _list_id(world)
    missing = list_id + 50
    with signed_in(world, "ru_coord") as ru:
        seen, absent = ru.get(f"/lists/{list_id}", headers=PAGE), ru.get(f"/lists/{missing}", headers=PAGE)
        assert seen.status_code == absent.status_code == 404 and _same_page(seen, absent, list_id, missing)
        for action, data in (("share", {"party": "RU"}), ("unshare", {"party": "ICRC"}), ("withdraw", {"reason": "x"})):
            hidden = _post(ru, f"/lists/{list_id}/{action}", data)
            gone = _post(ru, f"/lists/{missing}/{action}", data)
            assert hidden.status_code == gone.status_code == 404, action  # type: ignore[attr-defined]
            assert hidden.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
            assert _same_page(hidden, gone, list_id, missing) and "ua_custody" not in hidden.text  # type: ignore[attr-defined]
            foreign = _post(ru, f"/lists/{list_id}/{action}", data, origin="https://evil.example")
            assert foreign.status_code == 404, action  # type: ignore[attr-defined]
    assert _shares(world) == [] and _withdrawn(world) is None and _linked_in(world, "RU") == 0


def test_a_reader_who_may_not_act_sees_the_shares_but_no_form(world: World) -> None:
    list_id = _list_id(world)
    with signed_in(world, "ua_coord") as ua:
        assert ua.post(f"/lists/{list_id}/share", data={"party": "RU"}, follow_redirects=False).status_code == 303
    for user in ("ua_viewer", "ru_coord"):  # its own side's viewer; the other side, which now sees the list
        with signed_in(world, user) as client:
            page = client.get(f"/lists/{list_id}")
            assert page.status_code == 200 and '<tr data-party="RU">' in page.text, user
            assert "<form" not in page.text.split('id="shares-heading"')[1].split('id="counts"')[0], user
            assert 'id="withdraw-list"' not in page.text, user
            for action, data in (("share", {"party": "ICRC"}), ("unshare", {"party": "RU"}),
                                 ("withdraw", {"reason": "not mine"})):  # fmt: skip
                refused = _post(client, f"/lists/{list_id}/{action}", data)
                assert refused.status_code == 403, (user, action)  # type: ignore[attr-defined]
                assert refused.headers["content-type"].startswith("text/html")  # type: ignore[attr-defined]
                assert "may not submit or share lists of UA" in refused.text  # type: ignore[attr-defined]
    assert _shares(world) == ["RU"] and _withdrawn(world) is None


def test_a_form_from_another_site_is_refused_on_the_page(world: World) -> None:
    list_id = _list_id(world)
    with signed_in(world, "ua_coord") as ua:
        for action, data in (("share", {"party": "ICRC"}), ("withdraw", {"reason": "x"})):
            refused = _post(ua, f"/lists/{list_id}/{action}", data, origin="https://evil.example")
            assert refused.status_code == 403, action  # type: ignore[attr-defined]
            assert "a form from another site cannot act here" in refused.text  # type: ignore[attr-defined]
        nothing = _post(ua, f"/lists/{list_id}/share", {"party": ""})
        assert nothing.status_code == 422 and "choose a party" in nothing.text  # type: ignore[attr-defined]
        assert ua.get(f"/lists/{list_id}?done=<b>hi</b>").text.count('id="done"') == 0
    assert _shares(world) == [] and _withdrawn(world) is None


@pytest.mark.browser
@pytest.mark.skipif(not chromium_available(), reason="Chromium is not installed")
def test_share_with_the_mediator_by_clicking_in_chromium(world: World) -> None:
    list_id = _list_id(world)
    with live_server(world.app) as base, browser_page() as page:
        sign_in(page, base, world.tokens["ua_coord"])
        page.goto(f"{base}/lists/{list_id}")
        page.select_option("#share-list select[name=party]", "ICRC")
        page.click("#share-list button[type=submit]")
        page.wait_for_url(f"**/lists/{list_id}?done=shared")
        assert page.locator("#done").is_visible()
        assert page.locator('#shares tr[data-party="ICRC"]').count() == 1
    assert _shares(world) == ["ICRC"] and _linked_in(world, "ICRC") == len(ROWS)
