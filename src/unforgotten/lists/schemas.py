"""API schemas for lists and entries."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = [
    "DiffCounts",
    "DiffEntryRead",
    "DiffKind",
    "DiffPage",
    "DiffRowRead",
    "EntryRead",
    "FieldChangeRead",
    "ImportRead",
    "ListBase",
    "ListPage",
    "ListRead",
    "ShareCreate",
    "WithdrawalCreate",
]


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# Stored in UTC; SQLite hands it back without its zone, which would be a date-time no client can place in time.
UtcDatetime = Annotated[dt.datetime, AfterValidator(_as_utc)]


class ListBase(BaseModel):
    kind: str
    name: str


class ListRead(ListBase):
    model_config = ConfigDict(from_attributes=True)

    id: int
    party_id: int
    version: int
    file_name: str
    file_hash: str
    file_format: str
    submitted_by: str
    submitted_at: UtcDatetime
    row_count: int
    accepted_count: int
    quarantined_count: int
    blank_count: int
    withdrawn_at: UtcDatetime | None = None  # withdrawn by its party (replaced, or a wrong file): links nowhere
    withdrawn_reason: str | None = None


class ListPage(BaseModel):
    items: list[ListRead]
    total: int


class EntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    sheet: str
    row_number: int
    status: str
    record_id: str | None
    family_name: str | None
    given_name: str | None
    patronymic: str | None
    date_of_birth: str | None
    raw: dict[str, Any]
    findings: list[dict[str, Any]]


class ImportRead(BaseModel):
    list_id: int
    name: str
    version: int
    rows: int
    accepted: int
    quarantined: int
    blank: int
    unchanged: bool
    diff: dict[str, int]


class ShareCreate(BaseModel):
    party: str


class WithdrawalCreate(BaseModel):
    """Why a list is withdrawn, for the record (required, at most 2,000 characters)."""

    reason: str = Field(min_length=1, max_length=2000)


DiffKind = Literal["added", "removed", "changed"]


class DiffEntryRead(BaseModel):
    """An entry on one side of a diff row: its row in the file, its record id, its name as the list wrote it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    row_number: int
    record_id: str | None
    name: str


class FieldChangeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    field: str
    previous: str | None
    current: str | None


class DiffRowRead(BaseModel):
    """One added, removed or changed row; a key repeated in a version brings every entry that carries it."""

    model_config = ConfigDict(from_attributes=True)

    kind: DiffKind
    previous: list[DiffEntryRead]
    current: list[DiffEntryRead]
    changes: list[FieldChangeRead]


class DiffCounts(BaseModel):
    added: int
    removed: int
    changed: int
    unchanged: int


class DiffPage(BaseModel):
    """A page of what changed in list ``list_id`` since version ``against``; ``total`` rows of ``kind`` (all three
    kinds when it is null), ``counts`` of every kind."""

    list_id: int
    against: int
    kind: DiffKind | None
    counts: DiffCounts
    total: int
    limit: int
    offset: int
    items: list[DiffRowRead]
