"""Sign-in with a password and a one-time code: argon2 hashes, the policy, TOTP's window and replay, redaction."""

from __future__ import annotations

import time

import pyotp
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from unforgotten.auth import factors
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind, User, WebSession
from unforgotten.errors import (
    AuthenticationError,
    ConfigurationError,
    InputError,
    NotFoundError,
    SecondFactorMissingError,
)

PASSWORD = "a long synthetic passphrase"


@pytest.fixture
def parties(session: Session) -> None:
    auth.create(session=session, code="UA", name="Ukraine")
    auth.create(session=session, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)


def _user(session: Session, name: str) -> User:
    return session.scalars(sa.select(User).where(User.name == name)).one()


def _steady_clock() -> float:
    """Now, at least two seconds away from the next 30-second step, so a code computed here is still current."""
    if 30 - time.time() % 30 < 2:
        time.sleep(2.5)
    return time.time()


@pytest.mark.usefixtures("parties")
def test_password_is_stored_as_argon2_and_signs_a_viewer_in(session: Session) -> None:
    auth.create_user(session=session, name="vira", role="party_viewer", party_code="UA")
    auth.set_password(session=session, name="vira", password=PASSWORD)
    stored = _user(session, "vira").password_hash
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    actor, session_id = auth.sign_in(session=session, name="vira", password=PASSWORD)
    assert actor.name == "vira" and actor.party_code == "UA"
    assert auth.session_actor(session=session, session_id=session_id).name == "vira"  # the same session store


@pytest.mark.usefixtures("parties")
def test_wrong_password_unknown_user_and_no_password_are_one_error(session: Session) -> None:
    auth.create_user(session=session, name="vira", role="party_viewer", party_code="UA")
    auth.create_user(session=session, name="token-only", role="party_viewer", party_code="UA")
    auth.set_password(session=session, name="vira", password=PASSWORD)
    messages = set()
    for name, password in (("vira", PASSWORD + "x"), ("nobody", PASSWORD), ("token-only", PASSWORD), ("vira", "")):
        with pytest.raises(AuthenticationError) as caught:
            auth.sign_in(session=session, name=name, password=password)
        assert type(caught.value) is AuthenticationError
        messages.add(str(caught.value))
    assert messages == {"wrong user name, password or one-time code — check them and try again"}
    deactivated = auth.deactivate_user(session=session, name="vira")
    assert not deactivated.active
    with pytest.raises(AuthenticationError, match="wrong user name"):
        auth.sign_in(session=session, name="vira", password=PASSWORD)


@pytest.mark.usefixtures("parties")
@pytest.mark.parametrize(
    ("password", "says"),
    [("short pass", "needs at least 12"), ("Kovalenko.Olena", "may not be the user name"), ("x" * 1025, "longer")],
)
def test_password_policy(session: Session, password: str, says: str) -> None:
    auth.create_user(session=session, name="kovalenko.olena", role="party_viewer", party_code="UA")
    with pytest.raises(InputError, match=says):
        auth.set_password(session=session, name="kovalenko.olena", password=password)
    assert _user(session, "kovalenko.olena").password_hash is None


@pytest.mark.usefixtures("parties")
def test_setting_a_password_ends_sessions_and_needs_an_active_user(session: Session) -> None:
    user, token = auth.create_user(session=session, name="vira", role="party_viewer", party_code="UA")
    auth.create_web_session(session=session, token=token)
    auth.set_password(session=session, name="vira", password=PASSWORD)
    assert session.scalars(sa.select(WebSession).where(WebSession.user_id == user.id)).all() == []
    with pytest.raises(NotFoundError):
        auth.set_password(session=session, name="nobody", password=PASSWORD)


@pytest.mark.usefixtures("parties")
def test_coordinator_needs_an_enrolled_code_and_each_code_works_once(session: Session) -> None:
    auth.create_user(session=session, name="olena", role="party_coordinator", party_code="UA")
    auth.set_password(session=session, name="olena", password=PASSWORD)
    with pytest.raises(SecondFactorMissingError, match="unforgotten user totp olena"):
        auth.sign_in(session=session, name="olena", password=PASSWORD)
    with pytest.raises(AuthenticationError, match="wrong user name"):  # a wrong password learns nothing of that
        auth.sign_in(session=session, name="olena", password="not the password at all")

    enrolment = auth.enrol_totp(session=session, name="olena")
    assert (
        enrolment.uri.startswith("otpauth://totp/Unforgotten:olena?") and f"secret={enrolment.secret}" in enrolment.uri
    )
    totp = pyotp.TOTP(enrolment.secret)
    now = _steady_clock()
    for code in ("", "12345", "abcdef", totp.at(now - 90), totp.at(now + 90)):  # missing, malformed, out of window
        with pytest.raises(AuthenticationError, match="wrong user name"):
            auth.sign_in(session=session, name="olena", password=PASSWORD, code=code)
    with pytest.raises(AuthenticationError, match="wrong user name"):  # the right code with a wrong password
        auth.sign_in(session=session, name="olena", password=PASSWORD + "!", code=totp.at(now))

    actor, _ = auth.sign_in(session=session, name="olena", password=PASSWORD, code=totp.at(now + 30))  # next step
    assert actor.name == "olena"
    for code in (totp.at(now + 30), totp.at(now)):  # replayed, and an earlier step after a later one
        with pytest.raises(AuthenticationError, match="wrong user name"):
            auth.sign_in(session=session, name="olena", password=PASSWORD, code=code)


@pytest.mark.usefixtures("parties")
def test_a_viewer_who_enrolled_must_give_a_code(session: Session) -> None:
    auth.create_user(session=session, name="vira", role="party_viewer", party_code="UA")
    auth.set_password(session=session, name="vira", password=PASSWORD)
    enrolment = auth.enrol_totp(session=session, name="vira")
    with pytest.raises(AuthenticationError, match="wrong user name"):
        auth.sign_in(session=session, name="vira", password=PASSWORD)
    code = pyotp.TOTP(enrolment.secret).at(_steady_clock())
    assert (
        auth.sign_in(session=session, name="vira", password=PASSWORD, code=f"{code[:3]} {code[3:]}")[0].name == "vira"
    )


@pytest.mark.usefixtures("parties")
def test_re_enrolment_replaces_the_secret(session: Session) -> None:
    auth.create_user(session=session, name="marie", role="mediator", party_code="ICRC")
    auth.set_password(session=session, name="marie", password=PASSWORD)
    old = auth.enrol_totp(session=session, name="marie")
    new = auth.enrol_totp(session=session, name="marie")
    now = _steady_clock()
    if pyotp.TOTP(old.secret).at(now) != pyotp.TOTP(new.secret).at(now):  # one in a million they coincide
        with pytest.raises(AuthenticationError):
            auth.sign_in(session=session, name="marie", password=PASSWORD, code=pyotp.TOTP(old.secret).at(now))
    assert auth.sign_in(session=session, name="marie", password=PASSWORD, code=pyotp.TOTP(new.secret).at(now))


@pytest.mark.usefixtures("parties")
def test_totp_secret_is_stored_wrapped_under_the_secret_key(session: Session, clean_env: pytest.MonkeyPatch) -> None:
    from unforgotten.settings import get_settings

    clean_env.setenv("UNFORGOTTEN_SECRET_KEY", "one synthetic secret key for this test " * 2)
    auth.create_user(session=session, name="marie", role="mediator", party_code="ICRC")
    enrolment = auth.enrol_totp(session=session, name="marie")
    wrapped = _user(session, "marie").totp_secret
    assert wrapped is not None and enrolment.secret.encode() not in wrapped
    assert factors.unwrap_secret(wrapped, ref=f"users:{_user(session, 'marie').id}") == enrolment.secret
    with pytest.raises(ConfigurationError):  # bound to its user: moved onto another row, it does not open
        factors.unwrap_secret(wrapped, ref="users:999999")
    clean_env.setenv("UNFORGOTTEN_SECRET_KEY", "another synthetic secret key entirely " * 2)
    get_settings.cache_clear()
    with pytest.raises(ConfigurationError, match="UNFORGOTTEN_SECRET_KEY"):
        factors.unwrap_secret(wrapped, ref=f"users:{_user(session, 'marie').id}")
    get_settings.cache_clear()


@pytest.mark.usefixtures("parties")
def test_no_credential_reaches_the_event_log(session: Session) -> None:
    canary = "canary-Pässwort-7f3a9c1e"
    auth.create_user(session=session, name="olena", role="party_coordinator", party_code="UA")
    auth.set_password(session=session, name="olena", password=canary)
    enrolment = auth.enrol_totp(session=session, name="olena")
    code = pyotp.TOTP(enrolment.secret).at(_steady_clock())
    auth.sign_in(session=session, name="olena", password=canary, code=code)
    user = _user(session, "olena")
    assert user.password_hash is not None and user.totp_secret is not None and user.totp_last_step is not None
    rows = session.execute(sa.text("SELECT action, before, after, reason FROM events")).all()
    log = "\n".join(str(row) for row in rows)
    assert "users.update" in log and "<redacted>" in log  # the changes are recorded, their values are not
    forbidden = (canary, user.password_hash, enrolment.secret, user.totp_secret.hex(), "$argon2")
    for secret in forbidden:
        assert secret not in log
    import base64

    assert base64.b64encode(user.totp_secret).decode() not in log
