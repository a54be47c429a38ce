"""Search over HTTP (issue 12 item 3): ``GET /api/v1/persons?q=`` and the ``/search`` page, in the access
world of two sides and a mediator — a side finds its own and what was shared with it, never the other side's
unshared list (found by its own side, by the record id that carries a canary)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.e2e.access.probe import signed_in
from tests.e2e.access.world import World, build, canary

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield build(tmp_path_factory.mktemp("search"))


def _search(world: World, user: str, query: str, limit: int = 20) -> Any:
    client = TestClient(world.app)
    headers = {"Authorization": f"Bearer {world.tokens[user]}"}
    response = client.get("/api/v1/persons", params={"q": query, "limit": limit}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_latin_query_finds_the_cyrillic_person_first(world: World) -> None:
    for user in ("ua_coord", "ru_viewer", "mediator"):
        found = _search(world, user, "Kovalenko Oleksandr")
        assert found["total"] >= 1 and found["items"], user
        first = found["items"][0]
        assert {"id", "display_name", "status"} <= set(first)
        assert first["display_name"].startswith("Коваленко"), (user, found)
        assert found["total"] >= len(found["items"])


def test_by_date_of_birth_and_limit(world: World) -> None:
    found = _search(world, "ua_coord", "05.07.1999", limit=1)
    assert len(found["items"]) == 1 and found["items"][0]["display_name"].startswith("Шевчук")


def test_the_other_sides_unshared_list_is_not_found(world: World) -> None:
    for side, other in (("UA", "RU"), ("RU", "UA")):
        secret_id = f"{canary(other, 'record_id')}1"
        mine = _search(world, f"{side.lower()}_coord", secret_id)
        assert mine == {"items": [], "total": 0}, side
        theirs = _search(world, f"{other.lower()}_coord", secret_id)
        assert theirs["total"] == 1, other


def test_without_q_the_list_is_unchanged(world: World) -> None:
    client = TestClient(world.app)
    headers = {"Authorization": f"Bearer {world.tokens['ua_coord']}"}
    plain = client.get("/api/v1/persons", headers=headers).json()
    empty = client.get("/api/v1/persons", params={"q": " "}, headers=headers).json()
    assert plain == empty and plain["total"] == len(plain["items"]) > 0


def test_the_search_page_lists_names_and_statuses(world: World) -> None:
    client = signed_in(world, "ua_viewer")
    overview = client.get("/")
    assert overview.status_code == 200 and 'role="search"' in overview.text and 'name="q"' in overview.text
    page = client.get("/search", params={"q": "Shevchuk Andrii"})
    assert page.status_code == 200
    assert "Шевчук" in page.text and 'id="results"' in page.text
    secret = client.get("/search", params={"q": f"{canary('RU', 'record_id')}1"})
    assert secret.status_code == 200 and 'id="results"' not in secret.text
    assert client.get("/search").status_code == 200
