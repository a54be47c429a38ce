"""API schemas of tracing. Dates arrive as text and are read after the visibility check (a hidden id is a 404
whatever the body says; a bad date is an error naming its field)."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["HandOverCreate", "ResponseCreate", "ReunificationCreate"]


class HandOverCreate(BaseModel):
    to: str
    on: str
    deadline: str | None = None
    days: int = 30


class ResponseCreate(BaseModel):
    outcome: str
    responded_on: str
    place: str = ""
    institution: str = ""
    with_whom: str = ""
    name_now_used: str = ""
    evidence: str = ""
    notes: str = ""


class ReunificationCreate(BaseModel):
    reunited_on: str
    place: str
    with_whom: str
