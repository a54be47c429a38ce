"""The small world the page tests share: two sides (UA, RU) and the mediator (ICRC), users with API tokens, and
lists submitted through the same use case as the CLI, in production mode so that sign-in and sessions are real."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from unforgotten.app import create_app
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.bootstrap import bootstrap
from unforgotten.db import Database
from unforgotten.persons.flows import submit_list
from unforgotten.settings import Settings


@dataclass(frozen=True)
class Submission:
    """A list a side submits: its rows under ``columns``, shared with ``share``."""

    side: str
    kind: str
    columns: str
    rows: Sequence[str]
    share: tuple[str, ...] = ("ICRC",)


@dataclass
class World:
    app: FastAPI
    database: Database
    tokens: dict[str, str]
    lists: dict[str, int] = field(default_factory=dict)  # by kind


def build_world(
    tmp: Path, *, users: Mapping[str, tuple[str, str]], submissions: Sequence[Submission] = (), secret: str = "w"
) -> World:
    """The parties, ``users`` (name → role, party) with their tokens, then each submission in order."""
    settings = Settings(database_url=f"sqlite:///{tmp / 'world.db'}", environment="production",
                        secret_key=secret * 40)  # fmt: skip
    database = bootstrap(settings)
    tokens: dict[str, str] = {}
    with database.unit_of_work(actor="cli:setup") as uow:
        auth.create(session=uow.session, code="UA", name="Ukraine")
        auth.create(session=uow.session, code="RU", name="Russia")
        auth.create(session=uow.session, code="ICRC", name="Mediator", kind=PartyKind.MEDIATOR)
        for name, (role, party) in users.items():
            tokens[name] = auth.create_user(session=uow.session, name=name, role=role, party_code=party)[1]
        uow.commit()
    operator = auth.operator("cli:setup")
    lists: dict[str, int] = {}
    with database.unit_of_work(actor="cli:setup") as uow:
        for s in submissions:
            path = tmp / f"{s.side.lower()}_{s.kind}.csv"
            path.write_text("\n".join([s.columns, *s.rows]) + "\n", encoding="utf-8")
            submitted = submit_list(session=uow.session, actor=operator, path=path, party_code=s.side, kind=s.kind,
                                    name=f"{s.side.lower()}_{s.kind}", share_with=s.share)  # fmt: skip
            lists[s.kind] = submitted.outcome.list_id
        uow.commit()
    app = create_app(settings, database=database)
    app.state.database = database  # what the lifespan would set
    return World(app=app, database=database, tokens=tokens, lists=lists)


def signed_in(world: World, user: str) -> TestClient:
    """An HTTP client with a server-side session opened by ``user``'s token."""
    client = TestClient(world.app, base_url="https://testserver")
    response = client.post("/login", data={"token": world.tokens[user], "next": "/"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def sign_in(page: Any, base: str, token: str) -> None:
    """Sign a Chromium page in through the sign-in page's API-token form (the password form comes first)."""
    page.context.clear_cookies()
    page.goto(base + "/login")
    page.fill("input[name=token]", token)
    page.click("#token-sign-in button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
