"""Fuzzing the API against its own OpenAPI schema (issue 11, faults and load): no input makes a server error.

Schemathesis draws requests for every operation from the schema the app publishes, signed in as a real
coordinator of the access world (so requests reach the party's data, not only the 401 path), on SQLite and on
PostgreSQL. Then a state machine follows the links Schemathesis infers from the schema (a created list's id into
``GET /lists/{list_id}``, a negotiation's into its rounds…), so ids the fuzzer made are used again.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.schemas import OpenApiSchema
from tests.e2e.access.world import World, build
from tests.postgres import scratch_database

from unforgotten.app import create_app
from unforgotten.auth.limits import SignInLimiter
from unforgotten.settings import Settings

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("UNFORGOTTEN_TEST_FUZZ_EXAMPLES", "100"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
USER = "ua_coord"
SCHEMA_PATH = "/api/v1/openapi.json"
# Every response check but one: the schema's strings are looser than the rules services enforce with a domain message
# (a date as YYYY-MM-DD, a list kind among four), so a schema-valid request may rightly answer 422.
# ignored_auth is off for time (it sends each request twice more); tests/e2e/access and test_api_auth cover auth.
# negative_data_rejection is off: the state machine sends unknown query parameters, which the API ignores as
# FastAPI (and most HTTP APIs) do — a client adding a parameter a newer version knows must not fail. (Invalid values
# of known parameters answering 422 is pinned by test_api_fuzz_findings.py and the API tests, not checked here.)
# Every answer is still checked for server errors, documented status codes, content type and response schema.
CONFIG = {
    "checks": {
        "positive_data_acceptance": {"enabled": False},
        "ignored_auth": {"enabled": False},
        "negative_data_rejection": {"enabled": False},
    }
}


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) the app publishes, read from a database-less app at collection time."""
    spec = create_app(Settings(database_url="sqlite://")).openapi()
    return [(method.upper(), path) for path, ops in spec["paths"].items() for method in ops]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "operation" in metafunc.fixturenames:
        metafunc.parametrize("operation", _operations(), ids=lambda op: f"{op[0]} {op[1]}")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    if request.param == "sqlite":
        world = build(tmp)
        yield world
        world.database.engine.dispose()
        return
    with scratch_database(request.getfixturevalue("postgres_server")) as url:
        world = build(tmp, database_url=url)
        yield world
        world.database.engine.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzz_world: World) -> OpenApiSchema:
    # Schemathesis sends bad tokens on purpose (it checks that auth is not ignored); the sign-in limiter would
    # lock the fuzzer's address out after ten, and every later call would be a 429 telling nothing.
    fuzz_world.app.state.sign_in_limiter = SignInLimiter(limit=1_000_000)
    return schemathesis.openapi.from_asgi(SCHEMA_PATH, fuzz_world.app, config=schemathesis.Config.from_dict(CONFIG))


def _auth(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[USER]}"}


def test_no_input_makes_a_server_error(
    api_schema: OpenApiSchema, fuzz_world: World, operation: tuple[str, str]
) -> None:
    method, path = operation
    headers = _auth(fuzz_world)

    @given(case=api_schema[path][method].as_strategy())
    @FUZZ_SETTINGS
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers)

    fuzz()


def test_created_ids_are_used_again(api_schema: OpenApiSchema, fuzz_world: World) -> None:
    # The review queue's decisions are left out of the walk (each is fuzzed on its own above): accepting a match
    # takes it out of `GET /review`, so the next example's steps would draw from another queue — Hypothesis reports
    # that as a flaky strategy (FlakyStrategyDefinition), not as a finding about the API.
    machine: Any = api_schema.exclude(path_regex=r"^/api/v1/review/").as_state_machine()
    headers = _auth(fuzz_world)

    class Stateful(machine):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": headers}

    Stateful.run(settings=settings(FUZZ_SETTINGS, stateful_step_count=10))
