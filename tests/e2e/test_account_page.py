"""A signed-in user changes their own password and enrols a new authenticator on /account (issue 12 item 1):
the current password first, a new authenticator stored only once a code from it matches, the old sessions ended,
guesses counted, and nothing that could take an account over from a browser left signed in."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path

import pyotp
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.e2e.test_signin import PASSWORD, _current_code, _world

from unforgotten.auth.models import User

NEW = "another long synthetic passphrase"


def _signed_in(app: object, name: str, secret: str | None = None) -> TestClient:
    client = TestClient(app, base_url="https://testserver")  # type: ignore[arg-type]
    data = {"name": name, "password": PASSWORD, "next": "/"}
    if secret:
        data["code"] = _current_code(secret)
    assert client.post("/login", data=data, follow_redirects=False).status_code == 303
    return client


def _user(app: object, name: str) -> User:
    with app.state.database.session_factory() as s:  # type: ignore[attr-defined]
        user = s.scalars(sa.select(User).where(User.name == name)).one()
        s.expunge(user)
        return user


def test_the_page_says_who_and_what_is_enrolled_and_is_linked_from_every_page(tmp_path: Path) -> None:
    app, _tokens, secret = _world(tmp_path)
    olena = _signed_in(app, "olena", secret)
    page = olena.get("/account")
    assert page.status_code == 200
    assert "olena" in page.text and "enrolled" in page.text
    for form in ('/account/password"', '/account/totp"'):
        assert form in page.text
    assert '/account" title="Your account"' in olena.get("/").text


def test_changing_the_password_needs_the_current_one_and_ends_every_session(tmp_path: Path) -> None:
    app, _tokens, _secret = _world(tmp_path)
    vira, other_browser = _signed_in(app, "vira"), _signed_in(app, "vira")
    wrong = vira.post("/account/password", data={"current": "not it at all!", "new": NEW, "again": NEW})
    assert wrong.status_code == 400 and "the current password is wrong" in wrong.text
    differ = vira.post("/account/password", data={"current": PASSWORD, "new": NEW, "again": NEW + "!"})
    assert differ.status_code == 400 and "the two new passwords differ" in differ.text
    short = vira.post("/account/password", data={"current": PASSWORD, "new": "short", "again": "short"})
    assert short.status_code == 400 and "at least 12" in short.text
    before = _user(app, "vira").password_hash
    done = vira.post("/account/password", data={"current": PASSWORD, "new": NEW, "again": NEW}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/login?done=password")
    assert _user(app, "vira").password_hash != before
    assert "Your password was changed" in vira.get(done.headers["location"]).text
    for client in (vira, other_browser):  # both browsers are signed out
        assert client.get("/", follow_redirects=False).status_code == 303
    fresh = TestClient(app, base_url="https://testserver")
    old = fresh.post("/login", data={"name": "vira", "password": PASSWORD}, follow_redirects=False)
    assert old.status_code == 401
    new = fresh.post("/login", data={"name": "vira", "password": NEW}, follow_redirects=False)
    assert new.status_code == 303


def test_a_new_authenticator_is_stored_only_after_a_code_from_it(tmp_path: Path) -> None:
    app, _tokens, old_secret = _world(tmp_path)
    olena = _signed_in(app, "olena", old_secret)
    stored = _user(app, "olena").totp_secret
    assert olena.post("/account/totp", data={"current": "wrong password!"}).status_code == 400
    offer = olena.post("/account/totp", data={"current": PASSWORD})
    assert offer.status_code == 200 and offer.headers["cache-control"] == "no-store"
    secret = re.search(r'id="totp-secret"[^>]*|value="([A-Z2-7]{32})"', offer.text)
    new_secret = re.findall(r'value="([A-Z2-7]{32})"', offer.text)[0]
    sealed = re.findall(r'name="sealed" value="([^"]+)"', offer.text)[0]
    assert secret and "otpauth://totp/" in offer.text
    assert _user(app, "olena").totp_secret == stored  # offered, not stored: the old entry still works
    mistyped = olena.post("/account/totp/confirm", data={"sealed": sealed, "code": "000000"})
    assert mistyped.status_code == 400 and new_secret in mistyped.text  # the offer stays on the page
    forged = olena.post("/account/totp/confirm", data={"sealed": base64.urlsafe_b64encode(b"x" * 40).decode(),
                                                        "code": pyotp.TOTP(new_secret).now()})  # fmt: skip
    assert forged.status_code == 400 and "not valid any more" in forged.text
    for cut in ("", "AAAA", sealed[:10]):  # a field cut short is the same refusal, never a server error
        short = olena.post("/account/totp/confirm", data={"sealed": cut, "code": "123456"})
        assert short.status_code == 400 and "not valid any more" in short.text
    if 30 - time.time() % 30 < 3:
        time.sleep(3.5)
    confirmed = olena.post(
        "/account/totp/confirm", data={"sealed": sealed, "code": pyotp.TOTP(new_secret).now()}, follow_redirects=False
    )
    assert confirmed.status_code == 303 and confirmed.headers["location"] == "/account?done=totp"
    assert _user(app, "olena").totp_secret != stored
    fresh = TestClient(app, base_url="https://testserver")
    time.sleep(0)  # the new secret's code works; the old one's does not
    old = fresh.post("/login", data={"name": "olena", "password": PASSWORD, "code": _current_code(old_secret)},
                     follow_redirects=False)  # fmt: skip
    assert old.status_code == 401


def test_a_sealed_offer_cannot_be_used_by_another_user(tmp_path: Path) -> None:
    app, _tokens, secret = _world(tmp_path)
    olena, vira = _signed_in(app, "olena", secret), _signed_in(app, "vira")
    offer = olena.post("/account/totp", data={"current": PASSWORD})
    sealed = re.findall(r'name="sealed" value="([^"]+)"', offer.text)[0]
    new_secret = re.findall(r'value="([A-Z2-7]{32})"', offer.text)[0]
    stolen = vira.post("/account/totp/confirm", data={"sealed": sealed, "code": pyotp.TOTP(new_secret).now()})
    assert stolen.status_code == 400 and _user(app, "vira").totp_secret is None


def test_wrong_current_passwords_count_as_failed_sign_ins(tmp_path: Path) -> None:
    app, _tokens, _secret = _world(tmp_path)
    vira = _signed_in(app, "vira")
    statuses = [
        vira.post("/account/password", data={"current": f"guess number {i}!", "new": NEW, "again": NEW}).status_code
        for i in range(12)
    ]
    assert statuses[0] == 400 and statuses[-1] == 429, statuses
    with app.state.database.session_factory() as s:  # type: ignore[attr-defined]
        text = " ".join(str(row) for row in s.execute(sa.text("SELECT * FROM events")).all())
    assert "guess number" not in text  # a guessed password never reaches the audit log


def test_a_form_from_another_site_changes_nothing(tmp_path: Path) -> None:
    app, _tokens, _secret = _world(tmp_path)
    vira = _signed_in(app, "vira")
    before = _user(app, "vira").password_hash
    forged = vira.post("/account/password", data={"current": PASSWORD, "new": NEW, "again": NEW},
                       headers={"origin": "https://evil.example"})  # fmt: skip
    assert forged.status_code == 400 and _user(app, "vira").password_hash == before
