"""API schemas of the negotiation tracker. Dates arrive as text and are read by the service after the visibility
check, so a hidden id is a 404 whatever the body says, and a bad date is an error naming its field."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ActionCreate",
    "ActionRead",
    "AnswerCreate",
    "DocumentRead",
    "MeetingCreate",
    "MeetingRead",
    "NegotiationCreate",
    "NegotiationDetail",
    "NegotiationRead",
    "RoundCreate",
    "RoundRead",
    "StatusUpdate",
]


class NegotiationCreate(BaseModel):
    title: str
    side_a: str
    side_b: str
    opened_on: str | None = None


class NegotiationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    party_a_id: int
    party_b_id: int
    mediator_id: int | None
    opened_on: dt.date | None
    status: str


class RoundCreate(BaseModel):
    held_on: str
    place: str = ""
    delegations: str = ""
    duration_minutes: int | None = None
    notes: str = ""


class RoundRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    negotiation_id: int
    held_on: dt.date
    place: str
    delegations: str
    duration_minutes: int | None
    agreement_id: int | None
    notes: str


class DocumentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    negotiation_id: int
    series: str
    version: int
    title: str
    from_party_id: int
    received_on: dt.date
    review_deadline: dt.date
    status: str
    file_name: str
    sha256: str
    size: int
    answered_on: dt.date | None
    answer: str


class AnswerCreate(BaseModel):
    answered_on: str
    answer: str = ""


class MeetingCreate(BaseModel):
    title: str
    window_start: str
    window_end: str
    place: str = ""


class MeetingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    negotiation_id: int
    title: str
    window_start: dt.date
    window_end: dt.date
    status: str
    held_on: dt.date | None
    place: str


class ActionCreate(BaseModel):
    title: str
    owner: str
    due_on: str


class ActionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    negotiation_id: int
    title: str
    owner_party_id: int
    due_on: dt.date
    status: str


class StatusUpdate(BaseModel):
    status: str
    held_on: str | None = None


class NegotiationDetail(NegotiationRead):
    rounds: list[RoundRead]
    documents: list[DocumentRead]
    meetings: list[MeetingRead]
    actions: list[ActionRead]
