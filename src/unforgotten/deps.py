"""FastAPI dependency aliases, defined once (``DbSession``, ``ReadSession``, ``CurrentActor``, ``PageActor``).

Who is asking is settled here, and only here: a bearer token for the API (401 without one), a server-side session
for the pages, or — in local mode and only from loopback — the local operator, as the CLI without ``--as``. What
that actor may see is settled by the services, never by the routes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from unforgotten.auth.service import Actor, authenticate, operator, session_actor
from unforgotten.db import Database
from unforgotten.errors import AuthenticationError, PermissionDeniedError, Text

__all__ = [
    "SESSION_COOKIE",
    "CurrentActor",
    "DbSession",
    "PageActor",
    "PageSession",
    "ReadSession",
    "client_address",
    "client_is_loopback",
    "current_actor",
    "get_database",
    "page_actor",
]

SESSION_COOKIE = "unforgotten_session"

_bearer = HTTPBearer(auto_error=False, description="API token from `unforgotten user add`")


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def _read_session(request: Request) -> Iterator[Session]:
    with get_database(request).read() as session:
        yield session


ReadSession = Annotated[Session, Depends(_read_session)]


def current_actor(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Actor:
    """The actor behind the request's bearer token; every /api/v1 route but health needs one (401 otherwise)."""
    if credentials is None:
        raise AuthenticationError(Text("authentication required"), hint=Text("send 'Authorization: Bearer <token>'"))
    limiter = request.app.state.sign_in_limiter
    client = client_address(request)
    limiter.check(client)
    with get_database(request).read() as session:
        try:
            actor = authenticate(session=session, token=credentials.credentials)
        except AuthenticationError:
            limiter.failed(client, get_database(request), where="api")
            raise
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def _unit_of_work(request: Request, actor: CurrentActor) -> Iterator[Session]:
    """A request-scoped unit of work: it commits when the handler returns, before the response is sent."""
    with get_database(request).unit_of_work(actor=f"api:{actor.name}") as uow:
        yield uow.session
        uow.commit()


# scope="function": the commit runs before the response goes out, so a failed commit is an error, never a 201.
DbSession = Annotated[Session, Depends(_unit_of_work, scope="function")]


def client_address(request: Request) -> str:
    """The client's address as the sign-in limiter counts it (``unknown`` when the server was not told)."""
    return request.client.host if request.client is not None else "unknown"


def client_is_loopback(request: Request) -> bool:
    """True when the request comes from this machine (the only place local mode serves pages to)."""
    host = client_address(request)
    if host in ("testclient", "localhost"):  # Starlette's test client and named loopback
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def page_actor(request: Request) -> Actor:
    """Who is looking at a page: the signed-in user (server-side session), or in local mode the local operator.

    Local mode serves loopback only, like the CLI without ``--as``; outside it every page needs a sign-in.
    """
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        with get_database(request).read() as session:
            actor = session_actor(session=session, session_id=session_id)
        request.state.actor = actor
        return actor
    if request.app.state.settings.environment == "local":
        if not client_is_loopback(request):
            raise PermissionDeniedError(
                Text("local mode serves this machine only"), hint=Text("sign in, or use production mode")
            )
        return operator(f"local:{request.app.state.operator_name}")
    raise AuthenticationError(Text("sign in to see this page"), hint=Text("open /login and paste your API token"))


PageActor = Annotated[Actor, Depends(page_actor)]


def _page_unit_of_work(request: Request, actor: PageActor) -> Iterator[Session]:
    with get_database(request).unit_of_work(actor=actor.name if actor.operator else f"web:{actor.name}") as uow:
        yield uow.session
        uow.commit()


PageSession = Annotated[Session, Depends(_page_unit_of_work, scope="function")]
