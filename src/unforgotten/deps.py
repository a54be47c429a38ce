"""FastAPI dependency aliases, defined once (``DbSession``, ``ReadSession``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from unforgotten.db import Database

__all__ = ["DbSession", "ReadSession", "get_database"]


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def _unit_of_work(request: Request) -> Iterator[Session]:
    """A request-scoped unit of work: commit when the handler returns, roll back when it raises."""
    actor = getattr(request.state, "actor", None) or "web:anonymous"
    with get_database(request).unit_of_work(actor=actor) as uow:
        yield uow.session
        uow.commit()


def _read_session(request: Request) -> Iterator[Session]:
    with get_database(request).read() as session:
        yield session


DbSession = Annotated[Session, Depends(_unit_of_work)]
ReadSession = Annotated[Session, Depends(_read_session)]
