"""API schemas for persons and matches."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from unforgotten.db import RowId

__all__ = [
    "Decision",
    "MatchRead",
    "MergeCreate",
    "PersonPage",
    "PersonRead",
    "StatusChangeRead",
    "TransitionCreate",
]


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    display_name: str
    merged_into_id: int | None


class PersonPage(BaseModel):
    items: list[PersonRead]
    total: int


class MatchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    entry_id: int
    person_id: int
    probability: float | None
    explanation: dict[str, Any]
    method: str
    state: str
    decided_by: str
    reason: str | None


class Decision(BaseModel):
    reason: str


class MergeCreate(BaseModel):
    keep_id: RowId
    merge_id: RowId
    reason: str


class TransitionCreate(BaseModel):
    to: str
    reason: str
    evidence: str | None = None


class StatusChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    from_status: str
    to_status: str
    state: str
    requested_by: str
    evidence: str | None
    reason: str | None
    confirmed_by: str | None
