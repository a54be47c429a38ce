"""A background job: who asked for what, the file it works on (content-addressed), how far it got, and its end."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from unforgotten.db import Base, JSONType

__all__ = ["Job", "JobKind", "JobState"]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class JobKind(StrEnum):
    IMPORT = "import"  # a list file: submitted (imported, shared, linked) as `unforgotten import` does


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    """One piece of work a runner does outside the request that asked for it; audited like every table.

    The file is not here: it is kept once per content in ``stored_files`` (as lists keep their originals) and
    named by its hash, so a job survives the process that received the upload.
    """

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=JobKind.IMPORT)
    state: Mapped[str] = mapped_column(String(16), default=JobState.QUEUED, index=True)
    # Who asked: a user's name (or the local operator's), resolved again to an actor when the job runs.
    submitted_by: Mapped[str] = mapped_column(String(200))
    operator: Mapped[bool] = mapped_column(Boolean, default=False)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)  # party, kind, name, share_with
    file_name: Mapped[str] = mapped_column(String(500))
    file_hash: Mapped[str] = mapped_column(ForeignKey("stored_files.sha256"))
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    phase: Mapped[str] = mapped_column(String(32), default="queued")
    list_id: Mapped[int | None] = mapped_column(ForeignKey("lists.id"))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
