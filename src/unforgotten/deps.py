"""FastAPI dependency aliases, defined once (``DbSession``, ``ReadSession``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from unforgotten.auth.models import Role
from unforgotten.auth.service import Actor, authenticate
from unforgotten.db import Database
from unforgotten.errors import PermissionDeniedError

__all__ = ["TOKEN_COOKIE", "CurrentActor", "DbSession", "PageActor", "ReadSession", "get_database"]

TOKEN_COOKIE = "unforgotten_token"

_bearer = HTTPBearer(auto_error=False, description="API token from `unforgotten user add`")


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def _read_session(request: Request) -> Iterator[Session]:
    with get_database(request).read() as session:
        yield session


ReadSession = Annotated[Session, Depends(_read_session)]


def _current_actor(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    """The actor behind the request's bearer token; every /api/v1 route but health needs one."""
    if credentials is None:
        raise PermissionDeniedError("authentication required", hint="send 'Authorization: Bearer <token>'")
    with get_database(request).read() as session:
        actor = authenticate(session=session, token=credentials.credentials)
    return actor


CurrentActor = Annotated[Actor, Depends(_current_actor)]


def _unit_of_work(request: Request, actor: CurrentActor) -> Iterator[Session]:
    """A request-scoped unit of work for an authenticated actor: commit when the handler returns."""
    with get_database(request).unit_of_work(actor=f"api:{actor.name}") as uow:
        yield uow.session
        uow.commit()


DbSession = Annotated[Session, Depends(_unit_of_work)]


LOCAL_ACTOR = Actor(name="local", role=Role.ADMIN, party_id=None, party_code=None)


def _page_actor(request: Request) -> Actor:
    """Who is looking at a page: the signed-in user (token cookie), or in local mode the local operator.

    Local mode serves 127.0.0.1 to whoever runs it, like the CLI; outside local mode every page needs a sign-in.
    """
    token = request.cookies.get(TOKEN_COOKIE)
    if token:
        with get_database(request).read() as session:
            return authenticate(session=session, token=token)
    if request.app.state.settings.environment == "local":
        return LOCAL_ACTOR
    raise PermissionDeniedError("sign in to see this page", hint="open /login and paste your API token")


PageActor = Annotated[Actor, Depends(_page_actor)]
