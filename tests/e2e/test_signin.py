"""Signing in on the web with a user name, a password and a one-time code (issue 12): in Chromium, and over HTTP
for what a browser cannot show (the shared rate limit, the token form still working, the enrolment advice)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.e2e.browser import browser_page, chromium_available, live_server

from unforgotten.app import create_app
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.bootstrap import bootstrap
from unforgotten.settings import Settings

PASSWORD = "a long synthetic passphrase"


def _world(tmp_path: Path) -> tuple[Any, dict[str, str], str]:
    """A production-mode app (every page needs a sign-in) with a coordinator enrolled, one not, and a viewer."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", environment="production", secret_key="k" * 40)
    database = bootstrap(settings)
    tokens = {}
    with database.unit_of_work(actor="cli:setup") as uow:
        s = uow.session
        auth.create(session=s, code="UA", name="Ukraine")
        auth.create(session=s, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)
        for name, role, party in (("olena", "party_coordinator", "UA"), ("marie", "mediator", "ICRC"),
                                  ("vira", "party_viewer", "UA")):  # fmt: skip
            tokens[name] = auth.create_user(session=s, name=name, role=role, party_code=party)[1]
            auth.set_password(session=s, name=name, password=PASSWORD)
        secret = auth.enrol_totp(session=s, name="olena").secret
        uow.commit()
    app = create_app(settings, database=database)
    app.state.database = database
    return app, tokens, secret


def _current_code(secret: str) -> str:
    if 30 - time.time() % 30 < 3:  # about to roll over: wait for the next step rather than race it
        time.sleep(3.5)
    return pyotp.TOTP(secret).now()


def test_password_forms_the_token_form_and_the_enrolment_advice(tmp_path: Path) -> None:
    app, tokens, secret = _world(tmp_path)
    client = TestClient(app, base_url="https://testserver")
    form = client.get("/login")
    assert form.status_code == 200
    for field in ('name="name"', 'name="password"', 'name="code"', 'name="token"', "Sign in with an API token"):
        assert field in form.text
    viewer = client.post("/login", data={"name": "vira", "password": PASSWORD, "next": "/"}, follow_redirects=False)
    assert viewer.status_code == 303 and viewer.headers["location"] == "/"
    assert "vira" in client.get("/").text
    client.post("/logout")
    advice = client.post("/login", data={"name": "marie", "password": PASSWORD}, follow_redirects=False)
    assert advice.status_code == 401 and "unforgotten user totp marie" in advice.text
    wrong = client.post("/login", data={"name": "marie", "password": PASSWORD + "?"}, follow_redirects=False)
    assert (
        wrong.status_code == 401 and "user totp marie" not in wrong.text and "Wrong user name, password" in wrong.text
    )
    by_token = client.post("/login", data={"token": tokens["olena"]}, follow_redirects=False)
    assert by_token.status_code == 303
    client.post("/logout")
    signed = client.post(
        "/login", data={"name": "olena", "password": PASSWORD, "code": _current_code(secret)}, follow_redirects=False
    )
    assert signed.status_code == 303 and "olena" in client.get("/").text


def test_password_guesses_share_the_limit_with_tokens_and_leave_no_password(tmp_path: Path) -> None:
    app, tokens, _ = _world(tmp_path)
    client = TestClient(app, base_url="https://testserver")
    guess = "canary-guess-3b9f2c"
    for _ in range(5):
        assert client.post("/login", data={"name": "vira", "password": guess}).status_code == 401
    for _ in range(5):
        assert client.post("/login", data={"token": guess}).status_code == 401
    # The right password, the right token and a bearer token are all refused now: one limit per client.
    assert client.post("/login", data={"name": "vira", "password": PASSWORD}).status_code == 429
    assert client.post("/login", data={"token": tokens["vira"]}).status_code == 429
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['vira']}"}).status_code == 429
    with app.state.database.read() as session:
        from unforgotten.audit.models import Event

        rows = session.execute(sa.select(Event.action, Event.before, Event.after, Event.reason)).all()
    log = "\n".join(str(row) for row in rows)
    assert log.count("auth.failed") == 10 and guess not in log and PASSWORD not in log


@pytest.mark.browser
@pytest.mark.skipif(not chromium_available(), reason="BROWSER TESTS SKIPPED: Debian's chromium is not installed")
def test_sign_in_with_password_and_code_in_chromium(tmp_path: Path) -> None:
    app, _, secret = _world(tmp_path)
    with live_server(app) as base, browser_page() as page:
        page.goto(base + "/")
        assert "/login" in page.url

        page.fill("#password-sign-in input[name=name]", "olena")
        page.fill("#password-sign-in input[name=password]", PASSWORD)
        code = _current_code(secret)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        page.fill("#password-sign-in input[name=code]", wrong)
        page.click("#password-sign-in button[type=submit]")
        assert page.locator("[role=alert]").inner_text() == "Wrong user name, password or one-time code."
        assert "/login" in page.url

        page.fill("#password-sign-in input[name=password]", PASSWORD)
        page.fill("#password-sign-in input[name=code]", code)
        page.click("#password-sign-in button[type=submit]")
        page.wait_for_url(base + "/")
        assert "olena" in page.locator(".who").inner_text()
        page.screenshot(path=str(tmp_path / "signed-in.png"))


def test_demo_users_sign_in_with_the_credentials_the_demo_prints(tmp_path: Path) -> None:
    import re

    from unforgotten.demo import PARTIES, DemoOutcome, add_demo_users

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'd.db'}", environment="production", secret_key="k" * 40)
    database = bootstrap(settings)
    first, again = DemoOutcome(), DemoOutcome()
    with database.unit_of_work(actor="cli:demo") as uow:
        for code, name, kind in PARTIES:
            auth.create(session=uow.session, code=code, name=name, kind=kind)
        add_demo_users(uow.session, first)
        uow.commit()
    with database.unit_of_work(actor="cli:demo") as uow:
        add_demo_users(uow.session, again)  # a second run: the same credentials, printed again; no new token
        uow.commit()
    printed = "\n".join(first.lines())
    assert "API token" in printed and "API token" not in "\n".join(again.lines())
    mediator = next(line for line in again.lines() if line.strip().startswith("icrc-mediator"))
    password, secret = re.search(r"password (\S+), authenticator secret (\w+)", mediator).groups()  # type: ignore[union-attr]
    viewer = next(line for line in first.lines() if line.strip().startswith("ua-viewer"))
    assert "authenticator" not in viewer
    data = {"name": "icrc-mediator", "password": password, "code": _current_code(secret)}
    with TestClient(create_app(settings, database=database), base_url="https://testserver") as client:
        assert client.post("/login", data=data, follow_redirects=False).status_code == 303
        assert "icrc-mediator" in client.get("/").text


def test_cli_sets_a_password_from_stdin_or_a_file_and_enrols_a_code(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "UNFORGOTTEN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "unforgotten", *args], env=env, cwd=tmp_path, input=stdin,
                              stdin=subprocess.DEVNULL if stdin is None else None, capture_output=True, text=True,
                              timeout=120)  # fmt: skip

    assert cli("init").returncode == 0
    assert cli("party", "add", "UA", "--name", "Ukraine").returncode == 0
    assert "API token" in cli("user", "add", "olena", "--role", "party_coordinator", "--party", "UA").stdout
    empty = cli("user", "password", "olena")  # no stdin at all, as in CI: refused at once, never a prompt
    assert empty.returncode == 2 and "no password given" in empty.stderr
    short = cli("user", "password", "olena", stdin="too short\n")
    assert short.returncode == 2 and "at least 12" in short.stderr
    piped = cli("user", "password", "olena", stdin=PASSWORD + "\n")
    assert piped.returncode == 0 and "user totp olena" in piped.stdout
    (tmp_path / "pw").write_text("another synthetic passphrase\n", encoding="utf-8")
    assert cli("user", "password", "olena", "--password-file", str(tmp_path / "pw")).returncode == 0
    enrolled = json.loads(cli("user", "totp", "olena", "--json").stdout)
    assert enrolled["otpauth_uri"].startswith("otpauth://totp/") and enrolled["secret"] in enrolled["otpauth_uri"]
    settings = Settings(database_url=env["UNFORGOTTEN_DATABASE_URL"], environment="production", secret_key="k" * 40)
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        data = {"name": "olena", "password": "another synthetic passphrase", "code": _current_code(enrolled["secret"])}
        assert client.post("/login", data=data, follow_redirects=False).status_code == 303
