"""A release of reconciliation answers to the requesting side, and its answers, one per request entry."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from unforgotten.db import Base, JSONType

__all__ = ["Answer", "AnswerStatus", "Release"]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AnswerStatus(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    NOT_ACKNOWLEDGED = "not_acknowledged"
    CONFLICTING = "conflicting"


class Release(Base):
    """Answers to one request list, drawn from one custody list in the releasing space, sent to the requester.

    A later release of the same request list supersedes this one (a correction); both stay, and both are in the
    audit log. Its ``answers_digest`` covers every answer, so accounting can prove none was changed.
    """

    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_list_id: Mapped[int] = mapped_column(ForeignKey("lists.id"), index=True)
    custody_list_id: Mapped[int] = mapped_column(ForeignKey("lists.id"))
    space_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))  # where the reconciliation ran
    to_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)  # the requesting side
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    fields: Mapped[list[str]] = mapped_column(JSONType, default=list)
    counts: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)
    answers_digest: Mapped[str] = mapped_column(String(64))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id"))
    released_by: Mapped[str] = mapped_column(String(200))
    released_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class Answer(Base):
    """The answer to one request entry: its status and only the agreed fields of the matching custody entry."""

    __tablename__ = "release_answers"
    # Written in bulk with their release and never changed; the release's digest covers them.
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), index=True)
    request_entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), index=True)
    request_record_id: Mapped[str | None] = mapped_column(String(200))
    row_number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    transmitted: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
