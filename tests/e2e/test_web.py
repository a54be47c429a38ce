"""The web app through HTTP: health, problem+json errors, the overview page with list counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from unforgotten.app import create_app
from unforgotten.auth import service as parties
from unforgotten.bootstrap import bootstrap
from unforgotten.lists.models import List
from unforgotten.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}")
    database = bootstrap(settings)
    with database.unit_of_work(actor="test") as uow:
        ua = parties.create(session=uow.session, code="UA", name="Ukraine")
        uow.session.add(
            List(
                party_id=ua.id,
                kind="request",
                name="ua_request",
                file_name="ua_request.csv",
                file_hash="0" * 64,
                file_format="csv",
                submitted_by="test",
                row_count=12,
                accepted_count=10,
                quarantined_count=2,
            )
        )
        uow.commit()
    return TestClient(create_app(settings, database=database))


def test_health(client: TestClient) -> None:
    with client:
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_openapi_is_served(client: TestClient) -> None:
    with client:
        assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Unforgotten"


def test_overview_lists_counts(client: TestClient) -> None:
    with client:
        page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert "ua_request" in html and ">12<" in html and ">10<" in html and ">2<" in html
