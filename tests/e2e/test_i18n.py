"""Pages in Ukrainian and Russian (issue 12 item 9): the overview through ``?lang=``, then through the remembered
cookie alone, in a real browser; the language switch; counts per locale; API problem titles per Accept-Language."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.e2e.browser import browser_page, chromium_available, live_server

from unforgotten.app import create_app
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.bootstrap import bootstrap
from unforgotten.lists.models import List
from unforgotten.persons.flows import submit_list
from unforgotten.settings import Settings

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "overview-uk.png"
HEADER = "record_id,family_name,given_name,patronymic,date_of_birth\n"
# What each language shows on the overview, never the English words: heading, a column, a stored word (the list's
# kind), a person's status, and a count of 12345 grouped as the locale groups digits.
EXPECTED = {
    "uk": ("Огляд", "У карантині", "запит", "запитано", "12\u00a0345"),
    "ru": ("Обзор", "В карантине", "запрос", "запрошено", "12\u00a0345"),
    "en": ("Overview", "Quarantined", "request", "requested", "12,345"),
}


def _app(tmp_path: Path) -> FastAPI:
    """Two sides and a mediator, a request list with linked persons, and a large (synthetic) custody count."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'i18n.db'}")
    database = bootstrap(settings)
    request = tmp_path / "ua_request.csv"
    request.write_text(
        HEADER + "UA-1,Коваленко,Олександр,Петрович,1990-03-12\nUA-2,Шевчук,Андрій,Іванович,1999-07-05\n"
        "UA-3,Мельник,Богдан,Степанович,2001-11-21\nUA-4,Бондаренко,,,1985-01-40\n",
        encoding="utf-8",
    )
    with database.unit_of_work(actor="test") as uow:
        auth.create(session=uow.session, code="UA", name="Україна")
        ru = auth.create(session=uow.session, code="RU", name="Россия")
        auth.create(session=uow.session, code="ICRC", name="МККК", kind=PartyKind.MEDIATOR)
        submit_list(session=uow.session, actor=auth.operator("test"), path=request, party_code="UA", kind="request")
        uow.session.add(
            List(party_id=ru.id, kind="custody", name="ru_custody", file_name="ru_custody.csv", file_hash="0" * 64,
                 file_format="csv", submitted_by="test", row_count=12345, accepted_count=12345, quarantined_count=0)
        )  # fmt: skip
        uow.commit()
    return create_app(settings, database=database)


def _shows(text: str, language: str) -> None:
    for expected in EXPECTED[language]:
        assert expected in text, (language, expected)
    if language != "en":
        for english in ("Overview", "Quarantined", "Persons", "so that no one is lost or forgotten"):
            assert english not in text, (language, english)


@pytest.mark.browser
@pytest.mark.skipif(not chromium_available(), reason="BROWSER TESTS SKIPPED: Debian's chromium is not installed")
def test_overview_in_ukrainian_and_russian_in_chromium(tmp_path: Path) -> None:
    with live_server(_app(tmp_path)) as base, browser_page() as page:
        for language in ("uk", "ru"):
            page.goto(f"{base}/?lang={language}")
            assert page.locator("html").get_attribute("lang") == language
            _shows(page.locator("body").inner_text(), language)
            cookie = {c["name"]: c for c in page.context.cookies()}["lang"]
            assert cookie["value"] == language and cookie["sameSite"] == "Lax"
            assert cookie["expires"] > 360 * 24 * 3600  # about a year ahead (an absolute time in seconds)
            page.goto(f"{base}/")  # no ?lang=: the cookie alone chooses
            assert page.locator("html").get_attribute("lang") == language
            _shows(page.locator("body").inner_text(), language)
            assert page.locator("header .languages a[aria-current]").inner_text() == language
            if language == "uk":
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOT), full_page=True)
        page.locator("header .languages a", has_text="en").click()  # the switch, as a coordinator uses it
        page.wait_for_url(f"{base}/?lang=en")
        _shows(page.locator("body").inner_text(), "en")
        page.goto(f"{base}/review")
        assert page.locator("h1").inner_text() == "Review queue"


def test_cookie_comes_before_the_browser_language_and_the_query_before_both(tmp_path: Path) -> None:
    with TestClient(_app(tmp_path)) as client:
        assert "Обзор" in client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).text
        assert "Огляд" in client.get("/?lang=uk", headers={"Accept-Language": "ru"}).text
        assert "Огляд" in client.get("/", headers={"Accept-Language": "ru"}).text  # the cookie the last page set
        assert "Overview" in client.get("/?lang=en").text
        assert "Overview" in client.get("/?lang=xx").text  # an unknown language neither changes nor sets anything
        assert client.cookies.get("lang") == "en"


def test_problem_titles_follow_accept_language(tmp_path: Path) -> None:
    with TestClient(_app(tmp_path)) as client:
        english = client.get("/api/v1/nothing-here")
        ukrainian = client.get("/api/v1/nothing-here", headers={"Accept-Language": "uk-UA,uk;q=0.9"})
        russian = client.get("/api/v1/lists/999", headers={"Accept-Language": "ru"})
    assert english.json()["title"] == "Not Found"
    assert ukrainian.json()["title"] == "Не знайдено"
    assert {k: v for k, v in ukrainian.json().items() if k != "title"} == {
        k: v for k, v in english.json().items() if k != "title"
    }  # type, status, detail and instance unchanged
    assert ukrainian.headers["content-type"] == "application/problem+json"
    assert russian.status_code == 401 and russian.json()["title"] == "Требуется аутентификация"  # a domain error
    # The detail is said in the language asked for too (a Text); English when none is asked for (scripts).
    assert russian.json()["detail"] == "требуется аутентификация"
