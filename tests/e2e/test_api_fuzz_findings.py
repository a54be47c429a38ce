"""What the schema fuzzer (test_api_fuzz.py) found, each pinned by the request that made a server error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from unforgotten.app import create_app
from unforgotten.auth import service as auth
from unforgotten.bootstrap import bootstrap
from unforgotten.lists.models import List
from unforgotten.settings import Settings

TOO_BIG = 2**63  # one past the largest integer SQLite stores; Python's sqlite3 raised OverflowError binding it


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}")
    database = bootstrap(settings)
    with database.unit_of_work(actor="test") as uow:
        party = auth.create(session=uow.session, code="UA", name="Ukraine")
        token = auth.create_user(session=uow.session, name="ua", role="party_coordinator", party_code="UA")[1]
        uow.session.add(List(party_id=party.id, kind="request", name="l", file_name="l.csv", file_hash="0" * 64,
                             file_format="csv", submitted_by="test"))  # fmt: skip
        uow.commit()
    app = create_app(settings, database=database)
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/api/v1/lists/{TOO_BIG}", None),
        ("POST", f"/api/v1/persons/{TOO_BIG}/transitions", {"to": "not_acknowledged", "reason": "r"}),
        ("POST", "/api/v1/exchanges/plans", {"agreement_id": TOO_BIG, "stages": []}),
        ("GET", f"/api/v1/persons?limit={TOO_BIG}", None),
        ("GET", f"/api/v1/persons?offset={TOO_BIG}", None),
        ("GET", f"/api/v1/review?limit={TOO_BIG}", None),
    ],
)
def test_a_number_beyond_the_database_is_invalid_input(
    client: TestClient, method: str, path: str, body: dict[str, object] | None
) -> None:
    response = client.request(method, path, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_an_id_beyond_a_32_bit_column_is_invalid_input(client: TestClient) -> None:
    # PostgreSQL's INTEGER ids refused replaces=2147483648 with "integer out of range": a 500 there, fine on SQLite.
    files = {"file": ("ua.csv", b"record_id,family_name\nUA-1,X\n", "text/csv")}
    inside = client.post("/api/v1/lists", files=files, data={"kind": "request", "replaces": str(2**31 - 1)})
    assert inside.status_code == 404, inside.text  # the request is well formed: only the id is out of range
    response = client.post("/api/v1/lists", files=files, data={"kind": "request", "replaces": str(2**31)})
    assert response.status_code == 422, response.text
    assert "replaces" in response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_a_body_that_is_not_json_is_a_documented_400(client: TestClient) -> None:
    # The state machine sent bytes that are no JSON to POST /releases: 400, which the schema did not list.
    response = client.post("/api/v1/releases", content=b"-\xff\x16\xfeP", headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    documented = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/releases"]["post"]["responses"]
    assert "400" in documented


def test_a_horizon_past_the_calendar_end_is_everything(client: TestClient) -> None:
    response = client.get("/api/v1/negotiations/due", params={"days": 2912110})
    assert response.status_code == 200, response.text


def test_list_times_carry_their_zone_on_sqlite(client: TestClient) -> None:
    [listed] = client.get("/api/v1/lists").json()["items"]
    assert dt.datetime.fromisoformat(listed["submitted_at"]).utcoffset() == dt.timedelta(0)


def test_errors_are_documented_as_problem_json(client: TestClient) -> None:
    responses = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/lists/{list_id}"]["get"]["responses"]
    for status in ("400", "401", "403", "404", "409", "422", "429"):
        assert list(responses[status]["content"]) == ["application/problem+json"], status
