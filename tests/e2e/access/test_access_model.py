"""Neutral by construction, proven three ways over every route the app has (issue 9):

- canaries: each side's unshared data never reaches anyone outside that side — not in a body, a header or an
  error — and every id outside the caller's space answers 404, like an id that does not exist;
- non-interference: what a side sees is identical before and after the other side imports an unshared list
  naming the same persons;
- writes: every state-changing route, called by a side on the other space's objects, answers 404 and changes
  nothing (a row-by-row fingerprint and the accounting proof say so).
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from tests.e2e.access.probe import Call, Ids, api_calls, hidden_ids, page_calls, send, signed_in
from tests.e2e.access.world import SIDES, USERS, World, build, canaries, plant_secrets

from unforgotten.audit.flows import account
from unforgotten.db import Base

pytestmark = pytest.mark.slow


def _party(user: str) -> str | None:
    return USERS[user][1]


def _forbidden(user: str) -> list[str]:
    """The canaries this user must never see: every side's but its own."""
    return [c.lower() for side in SIDES if side != _party(user) for c in canaries(side)]


def _is_hidden(call: Call, hidden: dict[str, set[Any]]) -> bool:
    return any(value in hidden.get(kind, set()) for kind, value in call.ids)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = build(tmp_path_factory.mktemp("canaries"))
    yield built
    built.database.engine.dispose()


@pytest.mark.parametrize("user", list(USERS))
def test_no_canary_reaches_anyone_outside_its_side(world: World, user: str) -> None:
    ids = Ids.of(world)
    hidden = hidden_ids(world, _party(user))
    forbidden = _forbidden(user)
    problems: list[str] = []
    calls = 0
    with signed_in(world, user) as client:
        for call in [*api_calls(client, ids), *page_calls(client, ids)]:
            calls += 1
            response = send(client, call, world.tokens[user])
            seen = (response.text + " ".join(f"{k}: {v}" for k, v in response.headers.items())).lower()
            leaked = [c for c in forbidden if c in seen]
            if leaked:
                problems.append(f"{call.method} {call.path}: leaks {leaked[:3]}")
            if response.status_code >= 500:
                problems.append(f"{call.method} {call.path}: {response.status_code} {response.text[:200]}")
            if _is_hidden(call, hidden) and response.status_code != 404:
                problems.append(f"{call.method} {call.path} {call.json or ''}: {response.status_code}, not 404")
    assert calls > 200, "the probe should reach every route with many ids"
    assert not problems, "\n".join(problems[:40])


_PFIF_NOW = re.compile(r"(?<=</pfif:person_record_id><pfif:source_date>)[^<]*")


def _snapshot(world: World, users: list[str], ids: Ids) -> dict[tuple[str, str, str], tuple[int, str]]:
    seen: dict[tuple[str, str, str], tuple[int, str]] = {}
    for user in users:
        with signed_in(world, user) as client:
            for call in [*api_calls(client, ids), *page_calls(client, ids)]:
                if call.writes:
                    continue
                response = send(client, call, world.tokens[user])
                # A PFIF person record is stamped with the moment the export was written: not what the side sees.
                seen[(user, call.method, call.path)] = (response.status_code, _PFIF_NOW.sub("<now>", response.text))
    return seen


def test_a_side_sees_nothing_change_when_the_other_imports_an_unshared_list(tmp_path: Path) -> None:
    world = build(tmp_path, with_secrets=False)
    try:
        ids = Ids.of(world, extra=60)  # covers the ids the other side's import is about to create
        # ...except lists: the import makes one, and the reconciliation page takes two list ids, so 60 more of each
        # was 60² pages a snapshot for nothing (the suite's slowest minutes).
        ids.values["lists"] = Ids.of(world, extra=3).values["lists"]
        users = ["ru_coord", "ru_viewer"]
        before = _snapshot(world, users, ids)
        plant_secrets(world, "UA")  # names the same three persons RU holds, and more
        made = Ids.of(world, extra=0).values
        assert made["persons"][-1] < ids.values["persons"][-1] and made["lists"][-1] < ids.values["lists"][-1]
        after = _snapshot(world, users, ids)
        changed = [key for key in before if before[key] != after.get(key)]
        assert len(before) > 100
        assert not changed, f"{len(changed)} answers changed, e.g. {changed[:5]}"
    finally:
        world.database.engine.dispose()


_UNFINGERPRINTED = {"events", "chain_head", "web_sessions"}  # access events and sign-ins are written on purpose


def _fingerprint(world: World) -> dict[str, list[tuple[Any, ...]]]:
    with world.database.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(sa.select(table).order_by(*table.primary_key))]
            for table in Base.metadata.sorted_tables
            if table.name not in _UNFINGERPRINTED
        }


def test_a_side_cannot_change_the_other_space(tmp_path: Path) -> None:
    world = build(tmp_path)
    try:
        ids = Ids.of(world)
        before = _fingerprint(world)
        problems = []
        writes = 0
        for user in ("ru_coord", "ru_viewer", "ua_coord", "ua_viewer"):
            hidden = hidden_ids(world, _party(user))
            with signed_in(world, user) as client:
                for call in api_calls(client, ids):
                    if not call.writes or not _is_hidden(call, hidden):
                        continue
                    writes += 1
                    response = send(client, call, world.tokens[user])
                    if response.status_code != 404:
                        problems.append(f"{user} {call.method} {call.path}: {response.status_code}")
        assert writes > 100
        assert not problems, "\n".join(problems[:40])
        assert _fingerprint(world) == before, "a write on the other space changed stored data"
        with world.database.read() as session:
            assert account(session=session).ok
    finally:
        world.database.engine.dispose()


def test_a_hidden_id_answers_like_a_missing_one(world: World) -> None:
    """Neither the answer nor its time tells whether a person exists in another space (median within 20%)."""
    hidden = sorted(hidden_ids(world, "RU")["persons"])
    missing = Ids.of(world).values["persons"][-1]
    with TestClient(world.app) as client:
        headers = {"Authorization": f"Bearer {world.tokens['ru_viewer']}"}
        a = client.get(f"/api/v1/persons/{hidden[0]}", headers=headers)
        b = client.get(f"/api/v1/persons/{missing}", headers=headers)
        assert a.status_code == b.status_code == 404
        assert a.json()["detail"].replace(str(hidden[0]), "N") == b.json()["detail"].replace(str(missing), "N")
        ratio = 0.0
        for _attempt in range(3):  # a busy machine may disturb one series; three bad ones in a row is a finding
            times: dict[str, list[float]] = {"hidden": [], "missing": []}
            for _ in range(150):
                for label, person in (("hidden", hidden[0]), ("missing", missing)):
                    start = time.perf_counter()
                    client.get(f"/api/v1/persons/{person}", headers=headers)
                    times[label].append(time.perf_counter() - start)
            ratio = statistics.median(times["hidden"]) / statistics.median(times["missing"])
            if 1 / 1.2 <= ratio <= 1.2:
                return
        pytest.fail(f"hidden vs missing median time ratio {ratio:.2f} in three series")
