"""``/api/v1/releases`` — answers released to the asking side; thin: parse, call the service, shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from unforgotten.db import RowId
from unforgotten.deps import CurrentActor, DbSession, ReadSession
from unforgotten.releases import service

__all__ = ["router"]

router = APIRouter(prefix="/releases", tags=["releases"])


class ReleaseCreate(BaseModel):
    request_list_id: RowId
    custody_list_id: RowId
    agreement_id: RowId | None = None


class ReleaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    request_list_id: int
    custody_list_id: int
    agreement_id: int | None
    fields: list[str]
    counts: dict[str, int]
    superseded_by_id: int | None
    released_by: str
    released_at: dt.datetime


class AnswerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    request_entry_id: int
    request_record_id: str | None
    row_number: int
    status: str
    transmitted: dict[str, Any]
    reason: str | None


@router.get("", response_model=list[ReleaseRead])
def list_releases(session: ReadSession, actor: CurrentActor) -> list[ReleaseRead]:
    """Releases to the caller's side, drawn from its custody lists, or (mediator) all of them."""
    return [ReleaseRead.model_validate(r) for r in service.get_all(session=session, actor=actor)]


@router.post("", response_model=ReleaseRead, status_code=201)
def create_release(body: ReleaseCreate, session: DbSession, actor: CurrentActor) -> ReleaseRead:
    """Reconcile a request list against a custody list and release the answers to the asking side."""
    release = service.create(
        session=session, actor=actor, request_list_id=body.request_list_id, custody_list_id=body.custody_list_id,
        agreement_id=body.agreement_id,
    )  # fmt: skip
    return ReleaseRead.model_validate(release)


@router.get("/{release_id}", response_model=ReleaseRead)
def get_release(release_id: RowId, session: ReadSession, actor: CurrentActor) -> ReleaseRead:
    """One release the caller may see."""
    return ReleaseRead.model_validate(service.get_visible_or_raise(session=session, actor=actor, release_id=release_id))


@router.get("/{release_id}/answers", response_model=list[AnswerRead])
def get_answers(release_id: RowId, session: ReadSession, actor: CurrentActor) -> list[AnswerRead]:
    """The answers of a release, one per request entry, with only the agreed fields."""
    return [AnswerRead.model_validate(a) for a in service.answers(session=session, actor=actor, release_id=release_id)]
