"""Credentials that end (issue 9): expiry, rotation, deactivation, sign-out that really signs out, rate-limited and
audited failures, loopback-only local mode, access events for the auditor, and shares withdrawn for the future."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from unforgotten.app import create_app
from unforgotten.audit.flows import account
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind, User
from unforgotten.bootstrap import bootstrap
from unforgotten.persons.flows import submit_list, unshare_list
from unforgotten.settings import Settings


def _world(tmp_path: Path, environment: str = "production") -> tuple[TestClient, dict[str, str], Settings]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'c.db'}", environment=environment, secret_key="k" * 40)  # type: ignore[arg-type]
    database = bootstrap(settings)
    tokens = {}
    with database.unit_of_work(actor="cli:setup") as uow:
        s = uow.session
        auth.create(session=s, code="UA", name="Ukraine")
        auth.create(session=s, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)
        for name, role, party in (("olena", "party_coordinator", "UA"), ("marie", "mediator", "ICRC"),
                                  ("audrey", "auditor", None)):  # fmt: skip
            tokens[name] = auth.create_user(session=s, name=name, role=role, party_code=party)[1]
        uow.commit()
    app = create_app(settings, database=database)
    app.state.database = database
    return TestClient(app, base_url="https://testserver"), tokens, settings


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_tokens_expire_rotate_and_die_with_their_user(tmp_path: Path) -> None:
    client, tokens, _ = _world(tmp_path)
    database = client.app.state.database  # type: ignore[attr-defined]
    assert client.get("/api/v1/me", headers=_bearer(tokens["olena"])).json()["name"] == "olena"
    with database.unit_of_work(actor="cli:admin") as uow:
        _, fresh = auth.rotate_token(session=uow.session, name="olena")
        uow.commit()
    assert client.get("/api/v1/me", headers=_bearer(tokens["olena"])).status_code == 401
    assert client.get("/api/v1/me", headers=_bearer(fresh)).status_code == 200
    with database.unit_of_work(actor="cli:admin") as uow:
        uow.session.execute(sa.update(User).where(User.name == "olena").values(
            token_expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))  # fmt: skip
        uow.commit()
    expired = client.get("/api/v1/me", headers=_bearer(fresh))
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    with database.unit_of_work(actor="cli:admin") as uow:
        auth.deactivate_user(session=uow.session, name="marie")
        uow.commit()
    assert client.get("/api/v1/me", headers=_bearer(tokens["marie"])).status_code == 401


def test_sign_out_ends_the_session_on_the_server(tmp_path: Path) -> None:
    client, tokens, _ = _world(tmp_path)
    assert client.post("/login", data={"token": tokens["olena"]}, follow_redirects=False).status_code == 303
    cookie = dict(client.cookies)
    assert client.get("/", follow_redirects=False).status_code == 200
    client.post("/logout", follow_redirects=False)
    replay = TestClient(client.app, base_url="https://testserver", cookies=cookie)  # a copied cookie
    assert replay.get("/", follow_redirects=False).status_code == 303  # back to the sign-in page


def test_failed_sign_ins_are_audited_and_limited(tmp_path: Path) -> None:
    client, tokens, _ = _world(tmp_path)
    for _ in range(10):
        assert client.get("/api/v1/me", headers=_bearer("guess")).status_code == 401
    limited = client.get("/api/v1/me", headers=_bearer(tokens["olena"]))
    assert limited.status_code == 429 and limited.headers["content-type"] == "application/problem+json"
    access = client.app.state.database  # type: ignore[attr-defined]
    with access.read() as session:
        from unforgotten.audit.models import Event

        failed = [str(after) for after in session.scalars(sa.select(Event.after).where(Event.action == "auth.failed"))]
    assert len(failed) == 10 and all("guess" not in after for after in failed)  # never the credential


def test_local_mode_serves_loopback_only(tmp_path: Path) -> None:
    client, _, _ = _world(tmp_path, environment="local")
    assert client.get("/").status_code == 200  # the test client is loopback
    remote = TestClient(client.app, client=("203.0.113.7", 50000))
    assert remote.get("/").status_code == 403


def test_reads_of_persons_are_access_events_and_unsharing_withdraws(tmp_path: Path) -> None:
    client, tokens, _ = _world(tmp_path)
    database = client.app.state.database  # type: ignore[attr-defined]
    listing = tmp_path / "ua.csv"
    listing.write_text("family_name,given_name,date_of_birth\nКоваленко,Олександр,1990-03-12\n", encoding="utf-8")
    with database.unit_of_work(actor="cli:setup") as uow:
        outcome = submit_list(session=uow.session, actor=auth.operator("cli:setup"), path=listing, party_code="UA",
                              kind="request", share_with=("ICRC",)).outcome  # fmt: skip
        uow.commit()
    persons = client.get("/api/v1/persons", headers=_bearer(tokens["marie"])).json()["items"]
    assert len(persons) == 1
    assert client.get(f"/api/v1/persons/{persons[0]['id']}", headers=_bearer(tokens["marie"])).status_code == 200
    events = client.get("/api/v1/audit/access", headers=_bearer(tokens["audrey"])).json()
    assert [(e["actor"], e["action"], e["subject_id"]) for e in events] == [
        ("api:marie", "access.person_viewed", str(persons[0]["id"]))
    ]
    assert client.get("/api/v1/audit/access", headers=_bearer(tokens["marie"])).status_code == 403
    with database.unit_of_work(actor="cli:setup") as uow:
        actor = auth.actor_for(session=uow.session, user=auth.get_user_by_name_or_raise(session=uow.session,
                                                                                        name="olena"))  # fmt: skip
        assert unshare_list(session=uow.session, actor=actor, list_id=outcome.list_id, party_code="ICRC") == 1
        uow.commit()
    assert client.get("/api/v1/persons", headers=_bearer(tokens["marie"])).json()["total"] == 0
    assert client.get(f"/api/v1/lists/{outcome.list_id}", headers=_bearer(tokens["marie"])).status_code == 404
    assert client.get("/api/v1/persons", headers=_bearer(tokens["olena"])).json()["total"] == 1
    with database.read() as session:
        assert account(session=session).ok
