"""The API is authenticated by default and scopes lists by party and shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from unforgotten.app import create_app
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.bootstrap import bootstrap
from unforgotten.lists.models import List, ListShare
from unforgotten.settings import Settings


@pytest.fixture
def api(tmp_path: Path) -> tuple[TestClient, dict[str, str], dict[str, int]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}")
    database = bootstrap(settings)
    tokens: dict[str, str] = {}
    ids: dict[str, int] = {}
    with database.unit_of_work(actor="test") as uow:
        s = uow.session
        ua = auth.create(session=s, code="UA", name="Ukraine")
        ru = auth.create(session=s, code="RU", name="Russia")
        icrc = auth.create(session=s, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)
        for name, role, party in [
            ("ua", "party_coordinator", "UA"),
            ("ru", "party_viewer", "RU"),
            ("icrc", "mediator", "ICRC"),
            ("auditor", "auditor", None),
        ]:
            tokens[name] = auth.create_user(session=s, name=name, role=role, party_code=party)[1]
        for party, name in [(ua, "ua_request"), (ru, "ru_custody"), (ru, "ru_secret")]:
            lst = List(
                party_id=party.id,
                kind="request",
                name=name,
                file_name=f"{name}.csv",
                file_hash=name.ljust(64, "0"),
                file_format="csv",
                submitted_by="test",
            )
            s.add(lst)
            s.flush()
            ids[name] = lst.id
        s.add(ListShare(list_id=ids["ru_custody"], party_id=ua.id))
        s.add(ListShare(list_id=ids["ru_custody"], party_id=icrc.id))
        uow.commit()
    return TestClient(create_app(settings, database=database)), tokens, ids


def names(client: TestClient, token: str) -> set[str]:
    response = client.get("/api/v1/lists", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return {item["name"] for item in response.json()["items"]}


def test_unauthenticated_requests_get_problem_json(api: tuple[TestClient, dict[str, str], dict[str, int]]) -> None:
    client, _, _ = api
    with client:
        response = client.get("/api/v1/lists")
        bad = client.get("/api/v1/lists", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Authentication required"
    assert response.headers["www-authenticate"] == "Bearer"
    assert bad.status_code == 401


def test_lists_are_scoped_by_party_and_shares(api: tuple[TestClient, dict[str, str], dict[str, int]]) -> None:
    client, tokens, ids = api
    with client:
        assert names(client, tokens["ua"]) == {"ua_request", "ru_custody"}
        assert names(client, tokens["ru"]) == {"ru_custody", "ru_secret"}
        assert names(client, tokens["icrc"]) == {"ru_custody"}
        assert names(client, tokens["auditor"]) == set()  # the auditor verifies the proofs, not the data
        hidden = client.get(f"/api/v1/lists/{ids['ru_secret']}", headers={"Authorization": f"Bearer {tokens['ua']}"})
    assert hidden.status_code == 404


def test_viewers_cannot_import_and_auditors_verify(api: tuple[TestClient, dict[str, str], dict[str, int]]) -> None:
    client, tokens, _ = api
    with client:
        refused = client.post(
            "/api/v1/lists",
            headers={"Authorization": f"Bearer {tokens['ru']}"},
            data={"kind": "custody"},
            files={"file": ("x.csv", b"record_id,family_name\n1,A\n", "text/csv")},
        )
        verified = client.get("/api/v1/audit/verify", headers={"Authorization": f"Bearer {tokens['auditor']}"})
        not_for_parties = client.get("/api/v1/audit/verify", headers={"Authorization": f"Bearer {tokens['ua']}"})
    assert refused.status_code == 403
    assert verified.status_code == 200 and verified.json()["intact"] is True
    assert not_for_parties.status_code == 403


def test_pages_need_sign_in_outside_local_mode(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'prod.db'}", environment="production", secret_key="s" * 40)
    database = bootstrap(settings)
    with database.unit_of_work(actor="test") as uow:
        ua = auth.create(session=uow.session, code="UA", name="Ukraine")
        ru = auth.create(session=uow.session, code="RU", name="Russia")
        for party, name in [(ua, "ua_request"), (ru, "ru_secret")]:
            uow.session.add(
                List(
                    party_id=party.id,
                    kind="request",
                    name=name,
                    file_name="f",
                    file_hash=name.ljust(64, "0"),
                    file_format="csv",
                    submitted_by="t",
                )
            )
        token = auth.create_user(session=uow.session, name="olena", role="party_viewer", party_code="UA")[1]
        uow.commit()
    client = TestClient(create_app(settings, database=database), base_url="https://testserver")
    with client:
        first = client.get("/", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"].startswith("/login")
        refused = client.post("/login", data={"token": "wrong", "next": "/"}, follow_redirects=False)
        assert refused.status_code == 401
        signed_in = client.post("/login", data={"token": token, "next": "/"}, follow_redirects=False)
        assert signed_in.status_code == 303
        page = client.get("/")
    assert page.status_code == 200
    assert "ua_request" in page.text and "ru_secret" not in page.text


def test_agreements_and_case_transitions_over_the_api(api: tuple[TestClient, dict[str, str], dict[str, int]]) -> None:
    from pathlib import Path as _Path

    client, tokens, _ = api
    yaml_text = (_Path(__file__).resolve().parents[2] / "examples/agreements/2025-06-02.yaml").read_text(
        encoding="utf-8"
    )
    with client:

        def post_yaml(user: str) -> Any:
            headers = {"Authorization": f"Bearer {tokens[user]}", "Content-Type": "text/yaml"}
            return client.post("/api/v1/agreements", content=yaml_text, headers=headers)

        refused, by_side, loaded = post_yaml("ru"), post_yaml("ua"), post_yaml("icrc")
        assessed = client.get(f"/api/v1/agreements/{loaded.json()['id']}/assessment",
                              headers={"Authorization": f"Bearer {tokens['ua']}"})  # fmt: skip
        unknown = client.post("/api/v1/persons/999/transitions", json={"to": "eligible", "reason": "x"},
                              headers={"Authorization": f"Bearer {tokens['ua']}"})  # fmt: skip
    assert refused.status_code == by_side.status_code == 403  # the mediator loads; the sides accept
    assert loaded.status_code == 201 and len(loaded.json()["categories"]) == 4
    assert loaded.json()["in_force"] is False
    assert assessed.status_code == 200 and assessed.json()["rows"] == []
    assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"
