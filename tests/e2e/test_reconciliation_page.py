"""The reconciliation page a coordinator and the mediator work from (issue 12, items 7 and 10): names as far as the
reader may see them, filter, sort and paging through plain links, conflicts marked, the custody entries nobody
requested, CSV downloads with the CLI's columns, and the mediator's release button — in real Chromium too.

The world: UA asks for 110 soldiers (UA-1…UA-110); RU holds the first 100 of them (one with a different sex: a
conflict) and 3 nobody asked for, one of them named with a canary. UA's request list is shared with the mediator and
RU; RU's custody list only with the mediator — so UA may not see RU's data until the mediator releases the answers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.e2e.browser import browser_page, chromium_available, live_server
from tests.e2e.worlds import Submission, build_world, signed_in

from unforgotten.auth import service as auth
from unforgotten.db import Database
from unforgotten.lists.models import Entry, List
from unforgotten.persons.models import Match, MatchState, Person
from unforgotten.releases.models import Release

COLUMNS = "record_id,family_name,given_name,patronymic,date_of_birth,sex,military_unit"
FAMILIES = ["Коваленко", "Шевчук", "Мельник", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Лисенко",
            "Савченко", "Руденко", "Марченко"]  # fmt: skip
GIVEN = ["Андрій", "Богдан", "Василь", "Григорій", "Дмитро", "Євген", "Іван", "Максим", "Назар", "Тарас"]
CANARY = "Cnryrucustodyqz"  # only in RU's custody list, on an entry nobody requested
CONFLICT = 5  # UA-5 / RU-5: the same soldier, written with a different sex
USERS = {"ua_coord": ("party_coordinator", "UA"), "ru_coord": ("party_coordinator", "RU"),
         "mediator": ("mediator", "ICRC")}  # fmt: skip


def _soldier(n: int) -> tuple[str, str, str, str]:
    born = dt.date(1975, 1, 1) + dt.timedelta(days=97 * n)
    return FAMILIES[(n - 1) // len(GIVEN)], GIVEN[(n - 1) % len(GIVEN)], "Петрович", born.isoformat()


def _rows() -> tuple[list[str], list[str]]:
    ua = [f"UA-{n},{','.join(_soldier(n))},M,А{n:04d}" for n in range(1, 111)]
    ru = [f"RU-{n},{','.join(_soldier(n))},{'F' if n == CONFLICT else 'M'},А{n:04d}" for n in range(1, 101)]
    ru += ["RU-901,Гордієнко,Степан,Ілліч,1970-02-02,M,", f"RU-902,{CANARY},Остап,Юрійович,1971-03-03,M,",
           "RU-903,Федоренко,Роман,Олегович,1972-04-04,M,"]  # fmt: skip
    return ua, ru


@dataclass
class World:
    app: FastAPI
    database: Database
    tokens: dict[str, str]
    request_list: int
    custody_list: int
    url: str

    @property
    def path(self) -> str:
        return f"/reconciliation/{self.request_list}/{self.custody_list}"


def build(tmp: Path) -> World:
    """Two sides and the mediator, production mode (real sign-in); linked through the same use case as the CLI."""
    ua, ru = _rows()
    built = build_world(tmp, users=USERS, secret="r", submissions=[
        Submission("UA", "request", COLUMNS, ua, ("ICRC", "RU")), Submission("RU", "custody", COLUMNS, ru, ("ICRC",)),
    ])  # fmt: skip
    url = f"sqlite:///{tmp / 'world.db'}"
    return World(built.app, built.database, built.tokens, built.lists["request"], built.lists["custody"], url)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build(tmp_path_factory.mktemp("recon"))


def _client(world: World, user: str) -> TestClient:
    return signed_in(world, user)


def _rows_of(html: str) -> list[str]:
    """The request rows of the page's table, as their HTML."""
    body = html.split('<table id="rows"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr class=\"(?:acknowledged|conflicting|pending_review|not_acknowledged)\">.*?</tr>", body,
                      flags=re.S)  # fmt: skip


def _read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    header = next(reader)
    assert header[:4] == ["request_record_id", "custody_record_id", "status", "probability"], header
    return [dict(zip(header, row, strict=True)) for row in reader]


def test_the_mediator_sees_both_sides_names_filters_and_pages(world: World) -> None:
    with _client(world, "mediator") as mediator:
        first = mediator.get(world.path)
        second = mediator.get(world.path, params={"page": 2})
        conflicting = mediator.get(world.path, params={"status": "conflicting"})
        missing = mediator.get(world.path, params={"status": "not_acknowledged", "sort": "name"})
        bad = mediator.get(world.path, params={"status": "everything"})
    assert first.status_code == 200
    rows = _rows_of(first.text)
    assert len(rows) == 100 and "1–100 of 110" in first.text
    assert "Коваленко Андрій Петрович; 1975-04-08" in rows[0]  # the request side's name, as UA wrote it
    assert rows[0].count("Коваленко Андрій Петрович") == 2  # and the custody side's, as RU wrote it
    assert re.search(r'href="/persons/\d+"', rows[0])
    assert 'href="?page=2"' in first.text and 'rel="prev"' not in first.text.split('id="pager"')[1][:400]
    assert (
        len(_rows_of(second.text)) == 10 and "101–110 of 110" in second.text and 'class="prev" href="?"' in second.text
    )
    # A conflict: its own class, a text marker and the reason — not colour alone.
    only = _rows_of(conflicting.text)
    assert len(only) == 1 and only[0].startswith('<tr class="conflicting">')
    assert "⚠" in only[0] and "sex M vs F" in only[0] and f"UA-{CONFLICT}" in only[0]
    # The filter and the order survive together; the ten nobody holds, by name.
    missing_rows = _rows_of(missing.text)
    assert len(missing_rows) == 10 and all("not_acknowledged" in r for r in missing_rows)
    names = [re.search(r'<td class="name">([^<]*)</td>', r).group(1) for r in missing_rows]  # type: ignore[union-attr]
    assert names == sorted(names, key=str.casefold) and names[0].startswith("Марченко")
    # The custody entries nobody asked for, with the names the mediator may see.
    unrequested = first.text.split('id="unrequested-rows"', 1)[1]
    assert CANARY in unrequested and "RU-901" in unrequested and "1–3 of 3" in first.text
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    assert "unknown outcome" in bad.text and len(_rows_of(bad.text)) == 100


def test_a_page_number_that_is_not_one_shows_a_page_not_json(world: World) -> None:
    """An edited or truncated link (``?page=abc``) once answered the framework's JSON 422; now what is not a number
    is the first page, and a number past the last page the last one, as the pager's own links would show them."""
    with _client(world, "mediator") as mediator:
        answers = {query: mediator.get(world.path, params=params) for query, params in (
            ("abc", {"page": "abc"}), ("empty", {"page": ""}), ("negative", {"page": "-2"}),
            ("superscript", {"page": "²"}), ("unrequested", {"page": "2", "unrequested_page": "x"}),
            ("far", {"page": "9" * 40}),
        )}  # fmt: skip
    for query, response in answers.items():
        assert response.status_code == 200, query
        assert response.headers["content-type"].startswith("text/html"), query
    for query in ("abc", "empty", "negative", "superscript"):
        assert len(_rows_of(answers[query].text)) == 100 and "1–100 of 110" in answers[query].text, query
    for query in ("unrequested", "far"):
        assert len(_rows_of(answers[query].text)) == 10 and "101–110 of 110" in answers[query].text, query
    assert "1–3 of 3" in answers["unrequested"].text


def test_the_csv_download_keeps_the_contract_and_adds_names(world: World) -> None:
    with _client(world, "mediator") as mediator:
        page = mediator.get(world.path, params={"status": "conflicting"})
        link = re.search(r'id="csv-shown" href="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        shown = mediator.get(link.replace("&amp;", "&"))
        everything = mediator.get(f"{world.path}/requests.csv")
        unrequested = mediator.get(f"{world.path}/unrequested.csv")
    assert shown.headers["content-type"].startswith("text/csv") and "attachment" in shown.headers["content-disposition"]
    conflicts = _read_csv(shown.content)
    assert [r["request_record_id"] for r in conflicts] == [f"UA-{CONFLICT}"]
    rows = _read_csv(everything.content)
    assert len(rows) == 110 and rows[0]["request_record_id"] == "UA-1" and rows[0]["custody_record_id"] == "RU-1"
    assert rows[0]["request_name"].startswith("Коваленко Андрій") and rows[0]["custody_name"].startswith("Коваленко")
    assert all(r["custody_name"] == "" for r in rows if r["status"] == "not_acknowledged")
    assert CANARY in unrequested.content.decode("utf-8-sig")


def test_a_side_sees_no_custody_names_it_was_not_given_and_cannot_release(world: World) -> None:
    with _client(world, "ua_coord") as ua:
        page = ua.get(world.path)
        download = ua.get(f"{world.path}/requests.csv")
        unrequested = ua.get(f"{world.path}/unrequested.csv")
        posted = ua.post(f"{world.path}/release", data={"reason": "probe"})
        absent = ua.get(f"/reconciliation/{world.request_list}/{world.custody_list + 1000}")
    hidden_path, absent_path = world.path, f"/reconciliation/{world.request_list}/{world.custody_list + 1000}"
    assert page.text.replace(hidden_path, "P") == absent.text.replace(absent_path, "P")  # hidden reads as missing
    for response in (page, download, unrequested, posted, absent):
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
        assert CANARY not in response.text and "RU-" not in response.text
    # RU sees UA's request list (shared with it) and its own custody list: it may read the page, not release.
    with _client(world, "ru_coord") as ru:
        own = ru.get(world.path)
        refused = ru.post(f"{world.path}/release", data={"reason": "we hold them"}, follow_redirects=False)
    assert own.status_code == 200 and "/release" not in own.text and 'id="release-form"' not in own.text
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("text/html")
    assert "may not" in refused.text
    with world.database.read() as session:
        assert session.scalar(select(func.count(Release.id))) == 0


def _cli(world: World, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    paths = [str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {**os.environ, "UNFORGOTTEN_DATABASE_URL": world.url}
    if paths:  # the command runs in another directory: a relative PYTHONPATH must still name this checkout
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return subprocess.run([sys.executable, "-m", "unforgotten", *args], cwd=tmp, env=env, capture_output=True,
                          text=True, timeout=180)  # fmt: skip


def test_reconcile_o_writes_the_same_csv_as_the_page(world: World, tmp_path: Path) -> None:
    ids = (str(world.request_list), str(world.custody_list))
    done = _cli(world, tmp_path, "reconcile", *ids, "-o", "mediator.csv", "--as", "mediator")
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "mediator.csv").read_bytes()
    with _client(world, "mediator") as mediator:
        assert mediator.get(f"{world.path}/requests.csv").content == written  # one writer, one rule
    rows = _read_csv(written)
    assert len(rows) == 110 and rows[CONFLICT - 1]["custody_name"].startswith("Коваленко Дмитро")
    # RU reconciles in its own space: UA's request list was shared with it, its custody list is its own.
    done = _cli(world, tmp_path, "reconcile", *ids, "-o", "ru.csv", "--as", "ru_coord")
    assert done.returncode == 0, done.stderr
    assert _read_csv((tmp_path / "ru.csv").read_bytes())[0]["request_name"].startswith("Коваленко Андрій")
    # UA may not see RU's custody list: no file, no name.
    refused = _cli(world, tmp_path, "reconcile", *ids, "-o", "ua.csv", "--as", "ua_coord")
    assert refused.returncode != 0 and not (tmp_path / "ua.csv").exists()
    assert CANARY not in refused.stdout + refused.stderr


def test_names_follow_list_visibility_not_the_reconciliation(world: World) -> None:
    """A reconciliation row is no way around visibility: rows the mediator computed, named for UA, keep RU's names
    out (UA never saw RU's custody list) and UA's own in."""
    from unforgotten.lists import service as lists
    from unforgotten.lists.flows import reconcile
    from unforgotten.lists.reconciliation import name_rows

    with world.database.read() as session:
        mediator_space = auth.get_by_code_or_raise(session=session, code="ICRC").id
        request = lists.get_or_raise(session=session, list_id=world.request_list)
        custody = lists.get_or_raise(session=session, list_id=world.custody_list)
        result = reconcile(session=session, request=request, custody=custody, space_id=mediator_space)
        ua = auth.actor_for(session=session, user=auth.get_user_by_name_or_raise(session=session, name="ua_coord"))
        rows, unrequested = name_rows(session=session, actor=ua, result=result)
    assert sum(r.custody_name is not None for r in rows) == 0 and all(u.name is None for u in unrequested)
    assert all(r.request_name for r in rows) and len(rows) == 110
    assert CANARY not in repr(rows) + repr(unrequested)


def _ua_person(world: World, record_id: str) -> int:
    with world.database.read() as session:
        space = auth.get_by_code_or_raise(session=session, code="UA").id
        return int(
            session.scalars(
                select(Match.person_id)
                .join(Entry, Entry.id == Match.entry_id)
                .join(List, List.id == Entry.list_id)
                .where(Match.space_id == space, Match.state == MatchState.ACCEPTED, Entry.record_id == record_id)
            ).one()
        )


@pytest.mark.browser
@pytest.mark.skipif(not chromium_available(), reason="BROWSER TESTS SKIPPED: Debian's chromium is not installed")
def test_the_reconciliation_page_in_chromium(world: World, tmp_path: Path) -> None:
    person = _ua_person(world, "UA-1")
    with live_server(world.app) as base, browser_page() as page:
        page.goto(base + "/login")
        page.fill("input[name=token]", world.tokens["mediator"])
        page.click("#token-sign-in button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(base + world.path)
        assert page.locator("#rows tbody tr").count() == 100
        assert "1–100 of 110" in page.locator("#pager").inner_text()
        # The filter form, then paging that keeps it.
        page.select_option("select[name=status]", "conflicting")
        page.select_option("select[name=sort]", "name")
        page.click("#filter button[type=submit]")
        page.wait_for_url(re.compile(r"status=conflicting"))
        assert page.locator("#rows tbody tr.conflicting").count() == 1
        assert "sex M vs F" in page.locator("#rows tr.conflicting td.reason").inner_text()
        page.goto(base + world.path + "?sort=status")
        page.click("#pager a.next")
        page.wait_for_url(re.compile(r"page=2"))
        assert "sort=status" in page.url and "101–110 of 110" in page.locator("#pager").inner_text()
        # The CSV download link.
        with page.expect_download() as info:
            page.click("#csv-shown")
        rows = _read_csv(Path(info.value.path()).read_bytes())
        assert len(rows) == 110 and {"request_name", "custody_name"} <= set(rows[0])
        # The screenshot, as a coordinator sees the page.
        page.set_viewport_size({"width": 1366, "height": 1000})
        page.goto(base + world.path)
        shots = Path(os.environ.get("UNFORGOTTEN_SCREENSHOTS", str(tmp_path)))
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "reconciliation.png"), full_page=False)
        # The release: a reason, the button, back to the page with a message.
        page.fill("#release-form textarea[name=reason]", "answers checked against the ICRC register")
        page.click("#release-form button[type=submit]")
        page.wait_for_url(re.compile(r"done=released"))
        assert page.locator(".flash").count() == 1
        # UA, which asked: the release on its overview, its person acknowledged — and still no RU data.
        page.context.clear_cookies()
        page.goto(base + "/login")
        page.fill("input[name=token]", world.tokens["ua_coord"])
        page.click("#token-sign-in button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(base + "/")
        released = page.locator("#releases tbody tr")
        assert released.count() == 1
        assert "mediator" in released.first.inner_text() and "99" in released.first.inner_text()
        response = page.goto(f"{base}/persons/{person}")
        assert response is not None and response.status == 200
        assert "acknowledged" in page.locator("#status").inner_text()
        response = page.goto(base + world.path)
        assert response is not None and response.status == 404 and CANARY not in page.content()
    with world.database.read() as session:
        release = session.scalars(select(Release)).one()
        assert release.released_by == "mediator" and release.counts["conflicting"] == 1
        assert session.get(Person, person).status == "acknowledged"  # type: ignore[union-attr]
