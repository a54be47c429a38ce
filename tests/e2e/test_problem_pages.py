"""A browser that opens a bad page address sees a page in its language, not JSON; scripts and the API still get
problem+json (issue 12: "a non-number in a number field gives JSON 422")."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.e2e.apps import app_with_one_list

BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(
        app_with_one_list(tmp_path, party="UA", kind="request", name="ua_request", rows=3, accepted=3, quarantined=0)
    )


@pytest.mark.parametrize("path", ["/persons/abc", "/lists/abc", "/plans/1x", "/agreements/%20", "/jobs/-"])
def test_an_edited_address_is_a_page_that_says_what_is_wrong(client: TestClient, path: str) -> None:
    with client:
        page = client.get(path, headers=BROWSER)
    assert page.status_code == 400, (path, page.status_code, page.text[:200])
    assert page.headers["content-type"].startswith("text/html")
    assert "This address is not valid" in page.text and "Back to the overview" in page.text
    assert "valid integer" in page.text  # which part of the address, in the framework's words


def test_a_missing_page_is_a_page_and_says_nothing_about_what_exists(client: TestClient) -> None:
    with client:
        unknown = client.get("/no/such/page", headers=BROWSER)
        wrong_method = client.delete("/lists", headers=BROWSER)
    for page in (unknown, wrong_method):
        assert page.headers["content-type"].startswith("text/html")
        assert "Page not found" in page.text
    assert unknown.status_code == 404 and wrong_method.status_code == 405
    assert unknown.text.count("<h1>") == 1 and wrong_method.text.split("<main>")[1] == unknown.text.split("<main>")[1]


def test_the_page_speaks_the_readers_language(client: TestClient) -> None:
    with client:
        uk = client.get("/persons/abc", headers=BROWSER | {"accept-language": "uk"})
        ru = client.get("/no/such/page", headers=BROWSER | {"accept-language": "ru-RU,ru;q=0.9"})
    assert "Ця адреса недійсна" in uk.text and 'lang="uk"' in uk.text
    assert "Страница не найдена" in ru.text


def test_scripts_and_the_api_still_get_problem_json(client: TestClient) -> None:
    with client:
        script = client.get("/persons/abc")  # no Accept: a script, not a browser
        api = client.get("/api/v1/persons/abc", headers=BROWSER)  # the API answers JSON whatever is accepted
        missing = client.get("/api/v1/nothing", headers=BROWSER)
    assert script.status_code == 422 and script.headers["content-type"] == "application/problem+json"
    assert api.status_code == 401 and api.headers["content-type"] == "application/problem+json"  # no token yet
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_a_value_in_the_address_is_shown_escaped(client: TestClient) -> None:
    with client:
        page = client.get("/persons/<script>alert(1)</script>", headers=BROWSER)
    assert page.status_code in (400, 404)
    assert "<script>alert" not in page.text


def test_a_database_away_is_a_page_for_a_browser_and_problem_json_for_a_script(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database busy or restarting while a page is read: the browser gets a page that says nothing was changed
    and when to retry (503, Retry-After), in its language; the API keeps problem+json. Never a JSON body on a page,
    never a 500."""
    from sqlalchemy.exc import OperationalError

    from unforgotten.lists import service

    def away(**_: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("the database system is shutting down"))

    with client:
        monkeypatch.setattr(service, "get_visible_or_raise", away)
        page = client.get("/lists/1", headers=BROWSER | {"accept-language": "uk"})
        script = client.get("/lists/1")
    assert page.status_code == 503 and page.headers["content-type"].startswith("text/html"), page.text[:300]
    assert page.headers["retry-after"] == "5"
    assert 'lang="uk"' in page.text and "The database is busy" not in page.text  # said in Ukrainian
    assert script.status_code == 503 and script.headers["content-type"] == "application/problem+json"
    assert script.headers["retry-after"] == "5" and script.json()["status"] == 503
