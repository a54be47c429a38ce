"""Request bodies of the exchanges API (responses are the services' plain dictionaries, shaped here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from unforgotten.db import RowId

__all__ = [
    "BatchCreate",
    "LineRead",
    "LineRecord",
    "PlanCreate",
    "RemainsIdentify",
    "UnexpectedCreate",
    "UnexpectedResolve",
]


class PlanCreate(BaseModel):
    """A new plan version: the agreement and its stages (as in STAGES.yaml)."""

    agreement_id: RowId
    stages: list[dict[str, Any]] = Field(description="[{id, date, place, capacity: {SIDE: N}, remainder}]")
    parity: str = "equal_per_stage"


class LineRecord(BaseModel):
    """One half of a manifest line."""

    action: str = Field(description="handed_over, not_delivered, received, not_received, observed or declined")
    reason: str | None = None


class LineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    stage_id: int
    sent: str | None
    sent_by: str | None
    received: str | None
    received_by: str | None
    observed: str | None
    observed_by: str | None
    reason: str | None
    outcome: str | None


class BatchCreate(BaseModel):
    """A batch of remains handed over by one side: the reference of each body."""

    agreement_id: RowId
    party: str
    date: dt.date
    refs: list[str]


class RemainsIdentify(BaseModel):
    """A body of one of the agreement's batches, by its reference, identified as a person of the mediator's space."""

    ref: str = Field(description="The body's reference exactly as recorded in its batch", max_length=200)
    person_id: RowId
    reason: str = Field(description="What the identification rests on (DNA match, documents, …)", max_length=2000)


class UnexpectedCreate(BaseModel):
    """A person who arrived at the crossing but is not on the stage's manifest."""

    names: str = Field(description="The names the person gave, in any script, as said", max_length=300)
    date_of_birth: str | None = Field(None, description="YYYY-MM-DD, YYYY-MM or YYYY, if known")
    from_side: str | None = Field(None, description="The side they came from (a party code), if known")
    note: str | None = Field(None, max_length=2000)


class UnexpectedResolve(BaseModel):
    """Who the arrival is: one of its candidates, or none (``person_id`` null) with a note saying what was done."""

    person_id: RowId | None = None
    note: str | None = Field(None, max_length=2000)
