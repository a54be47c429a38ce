"""Issue 12's main flow, walked once from start to end in one Chromium, as its users walk it through the pages.

The world starts empty but for what an administrator sets up before anyone signs in: the two sides and the mediator,
three users with passwords and authenticators, and an agreement both sides accepted (its "aged 18-25" category is
what the mediator confirms eligibility against). Everything after that is done through pages, each user in a
browser context of their own:

1. UA's coordinator signs in with password and one-time code, uploads a request list (Ukrainian spellings) on the
   lists page, shared with the mediator by the form's checkbox, and watches the job page reach done.
2. RU's coordinator uploads a custody list: the same soldiers in Russian spellings, one with a typo and a date
   written day-for-month with a year off, one retyped from memory — the two pairs the model is unsure of.
3. The mediator searches in Latin for a Cyrillic name, sees the reconciliation wait for the review, works the queue
   (one pair by the button, one by the keyboard), releases the answers from the reconciliation page the dashboard
   links to, and confirms a soldier's identity and eligibility on his person page.
4. UA's coordinator finds the released answers on the overview, the soldier acknowledged, and switches to
   Ukrainian, which the next page remembers.

The job runner runs in the server as ``unforgotten serve`` runs it: nothing but the pages moves the walk on.
``UNFORGOTTEN_SCREENSHOTS=DIR`` keeps the pictures taken on the way (by default they stay in tmp).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
from tests.e2e.browser import browser_page, chromium_available, live_server
from tests.e2e.worlds import World, build_world

from unforgotten.agreements import service as agreements
from unforgotten.auth import service as auth
from unforgotten.jobs.runner import JobRunner

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="BROWSER TESTS SKIPPED: Debian's chromium is not installed"),
]

AGREEMENT = Path(__file__).resolve().parents[2] / "examples" / "agreements" / "2025-06-02.yaml"
PASSWORD = "a long synthetic passphrase"
USERS = {"ua_coord": ("party_coordinator", "UA"), "ru_coord": ("party_coordinator", "RU"),
         "mediator": ("mediator", "ICRC")}  # fmt: skip
COLUMNS = "record_id,family_name,given_name,patronymic,date_of_birth,sex,person_type,military_unit,rank"
# UA asks for nine soldiers, written as Ukrainian records write them (Олександр, Андрій, Ігор, -ович).
UA_ROWS = [
    "UA-1,Шевченко,Олександр,Іванович,2003-04-15,M,military,А0769,солдат",  # 22 at the agreement's reference date
    "UA-2,Коваленко,Андрій,Петрович,1990-03-12,M,military,А1234,сержант",
    "UA-3,Мельник,Богдан,Степанович,2001-11-21,M,military,А4321,солдат",
    "UA-4,Ткаченко,Максим,Олегович,1995-04-07,M,military,А7002,молодший сержант",
    "UA-5,Савченко,Олег,Ігорович,1991-04-08,M,military,А7004,солдат",
    "UA-7,Литвиненко,Роман,Сергійович,1997-10-02,M,military,А7005,солдат",
    "UA-8,Бондаренко,Ігор,Миколайович,1993-06-05,M,military,А7006,солдат",
    "UA-9,Кравчук,Василь,Петрович,1989-03-08,M,military,А7007,солдат",
    "UA-6,Гнатюк,Юрій,Васильович,1985-02-17,M,military,А7008,солдат",  # RU does not hold him
]
# RU holds eight of them, written as Russian records write them, and one nobody asked for.
RU_ROWS = [
    "RU-1,Шевченко,Александр,Иванович,2003-04-15,M,military,А0769,рядовой",
    "RU-2,Коваленко,Андрей,Петрович,1990-03-12,M,military,А1234,сержант",
    "RU-3,Мельник,Богдан,Степанович,2001-11-21,M,military,А4321,рядовой",
    "RU-4,Ткачено,Максин,,1995-07-04,,,,",  # typos, day and month swapped: the model still knows him
    "RU-5,Савченко,Олег,,1991-06-18,M,,,",  # retyped from memory: another date, nothing else to go on
    "RU-7,Литвинеко,Роман,,1997-02-10,M,military,А7050,",
    "RU-8,Бондоренко,Игорь,,1994-05-06,M,,,",  # a typo, day and month swapped and a year off: the borderline pair
    "RU-10,Кравчюк,Василий,,1989-08-03,,,,",
    "RU-9,Федоренко,Роман,Олегович,1972-04-04,M,military,,",
]
JOB_TIMEOUT = 180_000  # ms: an upload links into two spaces; a busy CI machine takes its time


@dataclass
class Walk:
    world: World
    secrets: dict[str, str]  # user -> TOTP secret, as the authenticator app holds it
    tmp: Path
    shots: Path


@pytest.fixture
def walk(tmp_path: Path) -> Walk:
    """The administrator's setup, through services; nothing else happens outside the pages."""
    world = build_world(tmp_path, users=USERS, secret="m")
    secrets = {}
    with world.database.unit_of_work(actor="cli:setup") as uow:
        for name in USERS:
            auth.set_password(session=uow.session, name=name, password=PASSWORD)
            secrets[name] = auth.enrol_totp(session=uow.session, name=name).secret
        agreement = agreements.load_file(session=uow.session, path=AGREEMENT, loaded_by="cli:setup")
        for side in ("UA", "RU"):
            agreements.accept(session=uow.session, actor=auth.operator("cli:setup"), agreement_id=agreement.id,
                              party_code=side)  # fmt: skip
        uow.commit()
    shots = Path(os.environ.get("UNFORGOTTEN_SCREENSHOTS", str(tmp_path)))
    shots.mkdir(parents=True, exist_ok=True)
    return Walk(world, secrets, tmp_path, shots)


@pytest.fixture
def runner(walk: Walk) -> Iterator[JobRunner]:
    """The server's job runner, started as the app's lifespan starts it under ``unforgotten serve``."""
    started = JobRunner(walk.world.database, poll_seconds=0.5)
    walk.world.app.state.job_runner = started
    started.start()
    yield started
    started.stop()


def _sign_in(page: Any, base: str, walk: Walk, name: str) -> None:
    """Sign in on the password form, with the code the user's authenticator shows now."""
    page.goto(base + "/")
    assert "/login" in page.url  # production mode: nothing before signing in
    page.fill("#password-sign-in input[name=name]", name)
    page.fill("#password-sign-in input[name=password]", PASSWORD)
    page.fill("#password-sign-in input[name=code]", pyotp.TOTP(walk.secrets[name]).now())
    page.click("#password-sign-in button[type=submit]")
    page.wait_for_url(base + "/")
    assert name in page.locator(".who").inner_text()


def _upload(page: Any, walk: Walk, side: str, kind: str, rows: list[str]) -> None:
    """Upload a list through the lists page the nav leads to, and follow its job to the list's page."""
    upload = walk.tmp / f"{side.lower()}_{kind}.csv"
    upload.write_text("\n".join([COLUMNS, *rows]) + "\n", encoding="utf-8")
    page.click("nav.pages a[href='/lists']")
    page.wait_for_url("**/lists")
    assert page.locator("#upload-party option").all_inner_texts() == [f"{side} — {_party_name(side)}"]
    assert page.locator("#upload-share").is_checked()  # shared with the mediator unless unticked
    page.set_input_files("#upload-file", str(upload))
    page.select_option("#upload-kind", kind)
    page.click("#upload button[type=submit]")
    page.wait_for_url("**/jobs/*")
    assert page.locator("h1").inner_text() == f"Upload of {upload.name}"
    shown = page.locator("#job-state").inner_text()
    # What the state line says from now on, as job.js rewrites it: the page itself must move, without a reload.
    page.evaluate("""() => { const state = document.getElementById('job-state'); window.seen = [];
        new MutationObserver(() => window.seen.push(state.textContent))
            .observe(state, {childList: true, characterData: true, subtree: true}); }""")
    page.wait_for_selector("#job-list", timeout=JOB_TIMEOUT)  # job.js puts the link in when the job is done
    assert page.locator("#job-state").inner_text() == "done"
    if shown != "done":  # it was queued or running when the page came: the script showed each step to the end
        assert shown in {"queued", "running"} and page.evaluate("window.seen")[-1] == "done"
    assert page.locator("#job-done").inner_text() == str(len(rows))
    assert page.evaluate("document.getElementById('job-progress').value") == 1
    page.click("#job-list")
    page.wait_for_url(re.compile(r"/lists/\d+$"))
    assert page.locator("h1").inner_text().startswith(f"{side.lower()}_{kind}")
    counts = dict(zip(page.locator("#counts tbody td:first-child").all_inner_texts(),
                      page.locator("#counts tbody td.num").all_inner_texts(), strict=True))  # fmt: skip
    assert counts == {"accepted": str(len(rows)), "quarantined": "0", "blank": "0", "Rows in the file": str(len(rows))}


def _party_name(code: str) -> str:
    return {"UA": "Ukraine", "RU": "Russia"}[code]


def _counts(page: Any) -> dict[str, str]:
    """The reconciliation page's outcome counts, by the row's class."""
    rows = page.locator("#counts tbody tr")
    return {rows.nth(i).get_attribute("class"): rows.nth(i).locator("td.num").inner_text() for i in range(rows.count())}


def test_the_main_flow_as_two_coordinators_and_the_mediator(walk: Walk, runner: JobRunner) -> None:
    with live_server(walk.world.app) as base, browser_page() as ua:
        browser = ua.context.browser
        ua.set_viewport_size({"width": 1280, "height": 900})

        # 1. UA's coordinator: sign in, upload the request list, watch it reach done.
        _sign_in(ua, base, walk, "ua_coord")
        _upload(ua, walk, "UA", "request", UA_ROWS)
        ua.screenshot(path=str(walk.shots / "main-1-ua-list.png"), full_page=True)

        # 2. RU's coordinator, in a browser context of their own: the custody list.
        ru = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        _sign_in(ru, base, walk, "ru_coord")
        _upload(ru, walk, "RU", "custody", RU_ROWS)
        ru.click("nav.pages a[href='/lists']")
        ru.wait_for_url("**/lists")
        assert ru.locator("#lists tbody tr").count() == 1
        assert "ua_request" not in ru.locator("main").inner_text()  # shared with the mediator only, not with RU

        # 3. The mediator.
        mediator = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        _sign_in(mediator, base, walk, "mediator")
        actions = mediator.locator("#my-actions")
        assert actions.locator("li[data-action=review] .count").inner_text() == "2"
        assert actions.locator("li[data-action=release] .count").inner_text() == "1"
        assert mediator.locator("#lists tbody tr").count() == 2  # both sides shared their lists with it
        # A Latin query finds the soldier both sides wrote in Cyrillic (Олександр / Александр).
        mediator.fill("header form.search input[name=q]", "Shevchenko Oleksandr")
        mediator.press("header form.search input[name=q]", "Enter")
        mediator.wait_for_url(re.compile(r"/search\?q="))
        first = mediator.locator("#results tbody tr").first
        assert first.locator("td").nth(1).inner_text().startswith("Шевченко")
        assert first.locator("td").nth(2).inner_text() == "requested"
        # The reconciliation, from the overview's link: two requests wait for the review, none is answered "no".
        mediator.click("a.brand")
        mediator.click("#reconciliations a")
        mediator.wait_for_url(re.compile(r"/reconciliation/\d+/\d+$"))
        before = _counts(mediator)
        assert (before["pending_review"], before["acknowledged"], before["not_acknowledged"]) == ("2", "6", "1")
        pending = mediator.locator("#rows tr.pending_review td.rid").all_inner_texts()
        assert sorted(r for r in pending if r) == ["UA-5", "UA-8"]

        # The review queue: the borderline pair first (the more probable), accepted with the button ...
        mediator.click("nav.pages a[href='/review']")
        mediator.wait_for_url("**/review")
        assert mediator.locator("#position").inner_text() == "1 of 2"
        compare = mediator.locator("#compare").inner_text()
        assert "Бондоренко" in compare and "Бондаренко" in compare and "RU-8" in compare
        assert mediator.locator("#compare tr.differs[data-field=date_of_birth]").count() == 1
        mediator.screenshot(path=str(walk.shots / "main-2-review.png"), full_page=True)
        mediator.fill("#reason", "same unit card: the family name misspelt, the date written day first")
        mediator.click("#accept")
        mediator.wait_for_url(re.compile(r"done=accepted"))
        assert "Accepted" in mediator.locator("#decided").inner_text()
        assert mediator.locator("#position").inner_text() == "1 of 1"
        assert "Савченко" in mediator.locator("#compare").inner_text()
        # ... the other by the keyboard: / to the reason, Esc out of it, a to accept.
        mediator.keyboard.press("/")
        mediator.keyboard.type("the same man retyped from memory; a commission checks the date")
        mediator.keyboard.press("Escape")
        with mediator.expect_navigation():
            mediator.keyboard.press("a")
        assert mediator.locator("#queue-empty").count() == 1

        # The release, from the dashboard's link to what waits for it.
        mediator.click("a.brand")
        assert actions.locator("li[data-action=review] .count").inner_text() == "0"
        actions.locator("li[data-action=release] a").click()
        mediator.wait_for_url(re.compile(r"/reconciliation/\d+/\d+$"))
        after = _counts(mediator)
        assert {k: after[k] for k in ("acknowledged", "conflicting", "pending_review", "not_acknowledged")} == {
            "acknowledged": "6", "conflicting": "2", "pending_review": "0", "not_acknowledged": "1"}  # fmt: skip
        conflicts = mediator.locator("#rows tr.conflicting td.reason").all_inner_texts()
        assert "date of birth 1993-06-05 vs 1994-05-06" in conflicts  # the reviewer's pair: its dates disagree
        assert mediator.locator("#unrequested-rows td.rid").all_inner_texts() == ["RU-9"]
        mediator.screenshot(path=str(walk.shots / "main-3-reconciliation.png"), full_page=True)
        mediator.fill("#release-form textarea[name=reason]", "answers checked against the ICRC register")
        mediator.click("#release-form button[type=submit]")
        mediator.wait_for_url(re.compile(r"done=released"))
        assert "Released" in mediator.locator(".flash").inner_text()

        # The soldier's person page, from his row: identity, then eligibility, each with a reason.
        mediator.locator("#rows tr", has_text="UA-1").locator("a[href^='/persons/']").click()
        mediator.wait_for_url(re.compile(r"/persons/\d+$"))
        assert mediator.locator("h1").inner_text().startswith("Шевченко")
        assert mediator.locator("#status").inner_text() == "acknowledged"  # moved by the release
        young = mediator.locator("#assessment tr[data-category='aged 18-25']")
        assert young.locator("td.verdict").inner_text() == "eligible"
        for status, reason in (("identity_confirmed", "both lists agree on name, date of birth and unit"),
                               ("eligible", "aged 22 at the reference date: the aged 18-25 category")):  # fmt: skip
            mediator.select_option("#transition select[name=to]", status)
            mediator.fill("#transition textarea[name=reason]", reason)
            mediator.click("#transition button[type=submit]")
            mediator.wait_for_url(re.compile(r"done=transition"))
            assert mediator.locator("#status").inner_text() == status.replace("_", " ")
        history = mediator.locator("#history li").all_inner_texts()
        assert len(history) == 3 and "aged 22 at the reference date" in history[-1] and "mediator" in history[-1]
        mediator.screenshot(path=str(walk.shots / "main-4-person.png"), full_page=True)

        # 4. UA's coordinator, still signed in: the released answers on the overview, the soldier acknowledged.
        ua.click("a.brand")
        released = ua.locator("#releases tbody tr")
        assert released.count() == 1
        cells = released.first.locator("td").all_inner_texts()
        assert cells[1:] == ["UA", "UA ua_request", "not shared with you", "6", "1", "2", "mediator", "current"]
        ua.locator("#persons a", has_text="Шевченко").click()
        ua.wait_for_url(re.compile(r"/persons/\d+$"))
        assert ua.locator("h1").inner_text().startswith("Шевченко Олександр Іванович")
        assert ua.locator("#status").inner_text() == "acknowledged"
        assert "Александр" not in ua.locator("main").inner_text()  # RU's entry stays in the mediator's space
        # The language switch, then another page without ?lang=: the choice is remembered.
        ua.locator("header .languages a", has_text="uk").click()
        ua.wait_for_url(re.compile(r"lang=uk"))
        assert ua.locator("html").get_attribute("lang") == "uk"
        assert ua.locator("nav.pages").inner_text().split()[:5] == ["Огляд", "Списки", "Черга", "перевірки", "Угоди"]
        assert ua.locator("#status").inner_text() == "підтверджено"
        ua.click("nav.pages a[href='/lists']")
        ua.wait_for_url(f"{base}/lists")
        assert ua.locator("html").get_attribute("lang") == "uk"
        assert ua.locator("h1").inner_text() == "Списки" and "Пошук" in ua.locator("header").inner_text()
        ua.screenshot(path=str(walk.shots / "main-5-ua-uk.png"), full_page=True)
