"""The web app through HTTP: health, problem+json errors, the overview page with list counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.e2e.apps import app_with_one_list


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = app_with_one_list(
        tmp_path, party="UA", kind="request", name="ua_request", rows=12, accepted=10, quarantined=2
    )
    return TestClient(app)


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


def test_api_docs_need_no_network(tmp_path: Path) -> None:
    """Swagger UI comes from a package's files: no CDN, so the docs open on a machine with no network."""
    import re

    from fastapi.testclient import TestClient

    from unforgotten.app import create_app
    from unforgotten.settings import Settings

    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'd.db'}"))) as client:
        page = client.get("/api/v1/docs")
        assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
        external = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page.text)
        assert external == [], external
        for asset in re.findall(r"""["'](/api/v1/docs-assets/[^"']+)["']""", page.text):
            assert client.get(asset).status_code == 200, asset
