"""A refusal's own words in the reader's language (issue 12 item 9), once a catalogue translates them: a page's
refused form under ``?lang=uk``, and an API problem's ``detail`` and ``hint`` under ``Accept-Language: uk`` — while a
request that asks for no language keeps today's English, which scripts read. The catalogues are translated at merge,
so a fake Ukrainian catalogue stands in for the real one here (it falls back to the real one for everything else)."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.e2e.test_account_page import NEW, _signed_in
from tests.e2e.test_signin import _world

import unforgotten.web.i18n as i18n

_UK = {
    "the current password is wrong": "поточний пароль неправильний",
    "type the password you signed in with": "введіть пароль, яким ви увійшли",
    "no person with id {person_id}": "немає особи з id {person_id}",
}


def _fake_uk(monkeypatch: pytest.MonkeyPatch, module: object) -> None:
    """Replace ``module.translations`` (the lookup the pages, the API or the CLI call) by one whose Ukrainian knows
    the words above, and the real catalogue's for the rest."""
    real = module.translations  # type: ignore[attr-defined]

    class _Ukrainian(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return _UK.get(message) or real("uk").gettext(message)

    monkeypatch.setattr(module, "translations", lambda language: _Ukrainian() if language == "uk" else real(language))


@pytest.fixture
def fake_uk(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_uk(monkeypatch, i18n)


@pytest.mark.usefixtures("fake_uk")
def test_a_refused_form_says_why_in_the_pages_language(tmp_path: Path) -> None:
    app, _tokens, _secret = _world(tmp_path)
    vira = _signed_in(app, "vira")
    form = {"current": "not it at all!", "new": NEW, "again": NEW}
    english = vira.post("/account/password?lang=en", data=form)
    assert english.status_code == 400
    assert "the current password is wrong — type the password you signed in with" in english.text
    ukrainian = vira.post("/account/password?lang=uk", data=form)
    assert ukrainian.status_code == 400
    assert "поточний пароль неправильний — введіть пароль, яким ви увійшли" in ukrainian.text
    assert "the current password is wrong" not in ukrainian.text


@pytest.mark.usefixtures("fake_uk")
def test_an_api_problem_says_detail_and_hint_as_accept_language_asks(tmp_path: Path) -> None:
    app, tokens, _secret = _world(tmp_path)
    client = TestClient(app, base_url="https://testserver")
    bearer = {"Authorization": f"Bearer {tokens['olena']}"}
    plain = client.get("/api/v1/persons/424242", headers=bearer)
    assert plain.status_code == 404 and plain.headers["content-type"] == "application/problem+json"
    assert plain.json()["detail"] == "no person with id 424242"
    asked = client.get("/api/v1/persons/424242", headers={**bearer, "Accept-Language": "uk-UA,uk;q=0.9"})
    assert asked.status_code == 404
    assert asked.json()["detail"] == "немає особи з id 424242"  # the value (the id) as it was given
    assert asked.json()["title"] != plain.json()["title"]  # the title was translated before; now the words are too
    other = client.get("/api/v1/persons/424242", headers={**bearer, "Accept-Language": "de-DE"})
    assert other.json()["detail"] == "no person with id 424242"


def test_the_cli_error_line_speaks_its_language_and_keeps_english_for_scripts(monkeypatch: pytest.MonkeyPatch) -> None:
    from unforgotten.cli import i18n as cli_i18n
    from unforgotten.cli.app import _error_line
    from unforgotten.errors import NotFoundError, Text

    _fake_uk(monkeypatch, cli_i18n)
    error = NotFoundError(
        Text("no person with id {person_id}", person_id=7), hint=Text("type the password you signed in with")
    )
    monkeypatch.setitem(cli_i18n._state, "language", "en")
    assert _error_line(error) == "[bold red]error:[/] no person with id 7 — type the password you signed in with"
    monkeypatch.setitem(cli_i18n._state, "language", "uk")
    assert _error_line(error).endswith(":[/] немає особи з id 7 — введіть пароль, яким ви увійшли")
