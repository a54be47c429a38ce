"""Every route of the app, called with ids of every kind: the route list comes from the app itself (the OpenAPI
schema for the API, the router for the pages), so a new route is probed without anyone remembering to add it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.e2e.access.world import World

from unforgotten.agreements.models import Agreement
from unforgotten.auth.service import operator
from unforgotten.exchanges.models import HandoverLine, Plan, Stage, Unexpected
from unforgotten.jobs.models import Job
from unforgotten.lists.models import Entry, List
from unforgotten.lists.service import lists_in_space
from unforgotten.negotiations.models import ActionItem, Document, Meeting, Negotiation
from unforgotten.persons.models import Match, Person, StatusChange
from unforgotten.releases.models import Release
from unforgotten.tracing.models import TracingRequest

API = "/api/v1"
# What each path or body parameter names; a parameter not listed here fails the test, so it gets added.
KINDS = {
    "list_id": "lists",
    "request_list_id": "lists",
    "custody_list_id": "lists",
    "person_id": "persons",
    "keep_id": "persons",
    "merge_id": "persons",
    "match_id": "matches",
    "change_id": "status_changes",
    "entry_id": "entries",
    "agreement_id": "agreements",
    "release_id": "releases",
    "plan_id": "exchange_plans",
    "stage_id": "exchange_stages",
    "line_id": "exchange_lines",
    "unexpected_id": "exchange_unexpected",
    "party": "parties",
    "name": "users",
    "request_id": "tracing_requests",
    "negotiation_id": "negotiations",
    "document_id": "negotiation_documents",
    "meeting_id": "negotiation_meetings",
    "action_id": "negotiation_actions",
    "job_id": "jobs",
    # a query parameter that names an id (QUERY_IDS): probed like a path parameter, and left out once
    "against": "lists",
    # counts, not ids: a duration in minutes, a period in days
    "duration_minutes": "numbers",
    "days": "numbers",
}
_TABLES = {
    "lists": List.id, "persons": Person.id, "matches": Match.id, "status_changes": StatusChange.id,
    "entries": Entry.id, "agreements": Agreement.id, "releases": Release.id,
    "exchange_plans": Plan.id, "exchange_stages": Stage.id, "exchange_lines": HandoverLine.id,
    "exchange_unexpected": Unexpected.id,
    "tracing_requests": TracingRequest.id, "negotiations": Negotiation.id, "negotiation_documents": Document.id,
    "negotiation_meetings": Meeting.id, "negotiation_actions": ActionItem.id, "jobs": Job.id,
}  # fmt: skip
# Query parameters that name an object: a hidden one must answer 404 as a hidden path id does, so they are varied too.
QUERY_IDS = frozenset({"against"})
SKIP_PATHS = {f"{API}/openapi.json", f"{API}/docs", f"{API}/docs/oauth2-redirect", "/login", "/logout"}


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    ids: tuple[tuple[str, Any], ...]  # (kind, value) of every id it names
    json: dict[str, Any] | None = None
    content: str | None = None
    files: dict[str, Any] | None = None
    data: dict[str, str] | None = None
    page: bool = False

    @property
    def writes(self) -> bool:
        return self.method in {"POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Ids:
    """Every id of every kind, plus a few that do not exist yet, so absent and hidden ids meet the same probes."""

    values: dict[str, list[Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, world: World, *, extra: int = 3) -> Ids:
        ids = cls()
        with world.database.read() as session:
            for kind, column in _TABLES.items():
                top = int(session.scalar(select(func.max(column))) or 0)
                ids.values[kind] = list(range(1, top + extra + 1))
        ids.values["parties"] = ["UA", "RU", "ICRC", "XX"]
        ids.values["numbers"] = [30]
        ids.values["users"] = ["nobody"]  # deactivating a real user would end the probe itself
        return ids


def hidden_ids(world: World, party: str | None) -> dict[str, set[Any]]:
    """The ids that exist but are outside this party's space (all of them, for a user with no space)."""
    with world.database.read() as session:
        from unforgotten.auth.models import Party

        space = session.scalar(select(Party.id).where(Party.code == party)) if party else None
        spaces = [space] if space is not None else []
        visible_lists = set(session.scalars(lists_in_space(spaces))) if spaces else set()
        out: dict[str, set[Any]] = {
            "lists": set(session.scalars(select(List.id))) - visible_lists,
            "persons": set(session.scalars(select(Person.id).where(Person.space_id.not_in(spaces)))),
            "matches": set(session.scalars(select(Match.id).where(Match.space_id.not_in(spaces)))),
            "status_changes": set(
                session.scalars(
                    select(StatusChange.id)
                    .join(Person, Person.id == StatusChange.person_id)
                    .where(Person.space_id.not_in(spaces), StatusChange.state != "pending")
                )
            ),  # fmt: skip
            "entries": set(session.scalars(select(Entry.id).where(Entry.list_id.not_in(visible_lists)))),
            # tracing requests of the other side (the world hands none over) and negotiations it takes no part in
            "tracing_requests": set(
                session.scalars(select(TracingRequest.id).where(TracingRequest.party_id.not_in(spaces)))
            ),
            "negotiations": set(
                session.scalars(
                    select(Negotiation.id).where(
                        Negotiation.party_a_id.not_in(spaces),
                        Negotiation.party_b_id.not_in(spaces),
                        Negotiation.mediator_id.not_in(spaces),
                    )
                )
            ),  # fmt: skip
        }
        # A job is its party's, and the mediator's when the upload shares the list with it.
        code = party or ""
        out["jobs"] = {job.id for job in session.scalars(select(Job))
                       if job.party_id not in spaces and code not in job.options.get("share_with", [])}  # fmt: skip
        # Exchanges live in the mediator's space; a side sees the plans it is party to, with their stages and lines.
        party_to = select(Plan.id).where((Plan.space_id.in_(spaces)) | Plan.side_a_id.in_(spaces)
                                         | Plan.side_b_id.in_(spaces))  # fmt: skip
        out["exchange_plans"] = set(session.scalars(select(Plan.id).where(Plan.id.not_in(party_to))))
        out["exchange_stages"] = set(session.scalars(select(Stage.id).where(Stage.plan_id.not_in(party_to))))
        out["exchange_lines"] = set(session.scalars(
            select(HandoverLine.id).join(Stage, Stage.id == HandoverLine.stage_id).where(Stage.plan_id.not_in(party_to))
        ))  # fmt: skip
        out["exchange_unexpected"] = set(session.scalars(
            select(Unexpected.id).join(Stage, Stage.id == Unexpected.stage_id).where(Stage.plan_id.not_in(party_to))
        ))  # fmt: skip
    return out


def _example(name: str, schema: dict[str, Any], ids: Ids) -> list[Any]:
    kind = KINDS.get(name)
    if kind is not None:
        return ids.values[kind]
    kind_of = schema.get("type") or next((t.get("type") for t in schema.get("anyOf", []) if t.get("type")), "string")
    if kind_of == "integer":
        raise AssertionError(f"integer field {name!r}: say in KINDS what it names")
    if kind_of == "boolean":
        return [False]
    if name == "to":
        return ["not_acknowledged"]
    return ["probe"]


def _bodies(operation: dict[str, Any], spec: dict[str, Any], ids: Ids) -> Iterator[tuple[dict[str, Any], tuple]]:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        yield {}, ()
        return
    schema = content["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    fields = schema.get("properties", {})
    id_fields = [n for n in fields if n in KINDS and KINDS[n] not in ("parties", "users", "numbers")]
    plain = {n: _example(n, s, ids)[0] for n, s in fields.items() if n not in id_fields}
    if not id_fields:
        yield {"json": plain}, ()
        return
    for n in id_fields:  # one id field varies at a time, the others take a valid first value
        for value in ids.values[KINDS[n]]:
            body = {**plain, **{m: ids.values[KINDS[m]][0] for m in id_fields}, n: value}
            yield {"json": body}, tuple((KINDS[m], body[m]) for m in id_fields)


def api_calls(client: TestClient, ids: Ids) -> Iterator[Call]:
    spec = client.app.openapi()  # type: ignore[attr-defined]
    for path, operations in spec["paths"].items():
        if path in SKIP_PATHS:
            continue
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            names = [p["name"] for p in parameters if p["in"] == "path"]
            for name in names:
                assert name in KINDS, f"{method.upper()} {path}: path parameter {name!r} is not in KINDS"
            queried = [p["name"] for p in parameters if p["in"] == "query" and p["name"] in QUERY_IDS]
            for concrete, path_ids in _concrete(path, names, queried, ids):
                content = operation.get("requestBody", {}).get("content", {})
                if "multipart/form-data" in content:
                    yield Call(
                        method.upper(),
                        concrete,
                        path_ids,
                        data={"kind": "custody", "name": "probe"},
                        files={"file": ("probe.csv", b"family_name,given_name\nProbe,Probe\n", "text/csv")},
                    )
                    continue  # fmt: skip
                if "text/yaml" in content:
                    yield Call(method.upper(), concrete, path_ids, content="title: probe\n")
                    continue
                for body, body_ids in _bodies(operation, spec, ids):
                    yield Call(method.upper(), concrete, path_ids + body_ids, **body)


def _api_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every APIRoute with its full path. FastAPI 0.165 keeps an included router as one entry of ``app.routes``
    (``_IncludedRouter``) instead of copying its routes there, so the pages must be looked for inside."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _api_routes(inner.routes, prefix + getattr(route.include_context, "prefix", ""))
        elif isinstance(route, APIRoute):
            yield prefix + route.path, route


def page_calls(client: TestClient, ids: Ids) -> Iterator[Call]:
    for path, route in _api_routes(client.app.routes):  # type: ignore[attr-defined]
        if path.startswith(API) or path in SKIP_PATHS:
            continue
        names = re.findall(r"{(\w+)}", path)
        for name in names:
            assert name in KINDS, f"page {path}: path parameter {name!r} is not in KINDS"
        queried = [p.name for p in route.dependant.query_params if p.name in QUERY_IDS]
        for concrete, path_ids in _concrete(path, names, queried, ids):
            for method in sorted(route.methods):
                yield Call(method, concrete, path_ids, page=True)


def _concrete(path: str, names: list[str], queried: list[str], ids: Ids) -> Iterator[tuple[str, tuple]]:
    """Every path with its parameters filled in from ``ids``, and its id query parameters too (each also left
    out); with the (kind, value) of every id it names."""
    choices = [ids.values[KINDS[n]] for n in names] + [[*ids.values[KINDS[n]], None] for n in queried]
    for values in itertools.product(*choices) if choices else [()]:
        concrete, query, named = path, {}, []
        for name, value in zip([*names, *queried], values, strict=True):
            if value is None:
                continue
            if name in queried:
                query[name] = value
            else:
                concrete = concrete.replace("{" + name + "}", str(value))
            named.append((KINDS[name], value))
        yield concrete + (f"?{urlencode(query)}" if query else ""), tuple(named)


def send(client: TestClient, call: Call, token: str) -> Any:
    headers = {} if call.page else {"Authorization": f"Bearer {token}"}
    if call.content is not None:
        headers["Content-Type"] = "text/yaml"
    return client.request(
        call.method, call.path, headers=headers, json=call.json, content=call.content, files=call.files,
        data=call.data, follow_redirects=False,
    )  # fmt: skip


def signed_in(world: World, user: str) -> TestClient:
    """A client with a browser session of its own (cookies), signed in with the user's token."""
    client = TestClient(world.app, base_url="https://testserver")
    response = client.post("/login", data={"token": world.tokens[user], "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def local_operator() -> Any:
    return operator("cli:probe")
