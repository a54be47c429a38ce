"""Negotiations between two sides with a mediator: rounds, documents exchanged, meetings and action items."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from unforgotten.db import Base

__all__ = [
    "ActionItem",
    "ActionStatus",
    "CalendarFeed",
    "Document",
    "DocumentStatus",
    "Meeting",
    "MeetingStatus",
    "Negotiation",
    "Round",
]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DocumentStatus(StrEnum):
    """Stored: under_review or answered; ``overdue`` is computed (under review past the deadline)."""

    UNDER_REVIEW = "under_review"
    ANSWERED = "answered"
    OVERDUE = "overdue"


class MeetingStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    HELD = "held"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class Negotiation(Base):
    __tablename__ = "negotiations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    party_a_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    party_b_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    opened_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32), default="open")


class Round(Base):
    """A round of talks: when, where, who came, how long; agreements made there point at it."""

    __tablename__ = "negotiation_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("negotiations.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    delegations: Mapped[str] = mapped_column(Text, default="")
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(200), default="")


class Document(Base):
    """A document exchanged; the file is stored content-addressed by its SHA-256, which the audit chain records.

    A new version of a document is a new row with the same ``series`` and the next ``version``.
    """

    __tablename__ = "negotiation_documents"
    __table_args__ = (UniqueConstraint("series", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("negotiations.id"), index=True)
    series: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(300))
    from_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    received_on: Mapped[dt.date] = mapped_column(Date)
    review_deadline: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.UNDER_REVIEW)
    file_name: Mapped[str] = mapped_column(String(500), default="")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    answered_by_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    answer: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class Meeting(Base):
    """A meeting proposed for a window of dates ("between 20 and 30 June"), then accepted, declined or held."""

    __tablename__ = "negotiation_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("negotiations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    window_start: Mapped[dt.date] = mapped_column(Date)
    window_end: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=MeetingStatus.PROPOSED)
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    recorded_by: Mapped[str] = mapped_column(String(200), default="")


class ActionItem(Base):
    """Something a side owes by a date ("respond to the children list")."""

    __tablename__ = "negotiation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("negotiations.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    owner_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ActionStatus.OPEN)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")


class CalendarFeed(Base):
    """A read-only calendar subscription: the URL's secret is stored only as its SHA-256, for one user."""

    __tablename__ = "calendar_feeds"
    __audit_redact__ = frozenset({"token_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
