"""Tracing of children: a request per child of a tracing list, its hand-overs, the other side's responses and the
reunion. The child's names, birth and parents stay in the list's entry (canonical columns); the fields tracing
staff need beyond those live here."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from unforgotten.db import Base

__all__ = [
    "HandOver",
    "Outcome",
    "Proposal",
    "Reunification",
    "ResponseRow",
    "TracingRequest",
    "TracingResponse",
]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Outcome(StrEnum):
    """What the other side answers about one child."""

    LOCATED = "located"
    RETURNED = "returned"
    IN_CARE = "in_care"
    DECEASED = "deceased"
    NO_INFORMATION = "no_information"
    NOT_FOUND = "not_found"


class TracingRequest(Base):
    """One child of a tracing list, with what tracing staff know beyond the list's canonical columns."""

    __tablename__ = "tracing_requests"
    # A child's particulars beyond the list: sealed with the request's own key (audit.personal).
    __audit_personal__ = frozenset(
        {"last_address", "removal_date", "removal_place", "guardians", "guardian_contact", "known_whereabouts"}
    )
    __audit_subject__ = ("tracing_request", "id")

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), unique=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    record_id: Mapped[str] = mapped_column(String(200))
    last_address: Mapped[str] = mapped_column(Text, default="")
    removal_date: Mapped[str] = mapped_column(String(10), default="")
    removal_place: Mapped[str] = mapped_column(String(300), default="")
    guardians: Mapped[str] = mapped_column(Text, default="")
    guardian_contact: Mapped[str] = mapped_column(Text, default="")
    known_whereabouts: Mapped[str] = mapped_column(Text, default="")
    # sought, then the latest response's outcome, then reunited
    status: Mapped[str] = mapped_column(String(24), default="sought")
    located_on: Mapped[dt.date | None] = mapped_column(Date)


class HandOver(Base):
    """A tracing list handed over to the other side (shared through the mediator) on a date, with its deadline."""

    __tablename__ = "tracing_handovers"
    __table_args__ = (UniqueConstraint("list_id", "to_party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id"))
    to_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    handed_over_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    handed_over_by: Mapped[str] = mapped_column(String(200), default="")


class TracingResponse(Base):
    """The other side's answer about one child; a later answer supersedes an open one (no information, not found).

    A *deceased* answer needs evidence and counts only once the mediator has confirmed it.
    """

    __tablename__ = "tracing_responses"
    __audit_personal__ = frozenset({"place", "institution", "with_whom", "name_now_used", "evidence", "notes"})
    __audit_subject__ = ("tracing_request", "request_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("tracing_requests.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    outcome: Mapped[str] = mapped_column(String(24))
    responded_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    institution: Mapped[str] = mapped_column(String(300), default="")
    with_whom: Mapped[str] = mapped_column(String(300), default="")
    name_now_used: Mapped[str] = mapped_column(String(300), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("entries.id"))
    confirmed_by: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class ResponseRow(Base):
    """What became of each accepted row of a response file: applied to a request, or refused with the reason."""

    __tablename__ = "tracing_response_rows"
    __table_args__ = (UniqueConstraint("entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[str] = mapped_column(String(200), default="")
    response_id: Mapped[int | None] = mapped_column(ForeignKey("tracing_responses.id"))
    refused: Mapped[str] = mapped_column(Text, default="")


class Reunification(Base):
    """A child reunited: when, where, with whom, observed by the mediator."""

    __tablename__ = "tracing_reunifications"
    __audit_personal__ = frozenset({"place", "with_whom"})
    __audit_subject__ = ("tracing_request", "request_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("tracing_requests.id"), unique=True)
    reunited_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300))
    with_whom: Mapped[str] = mapped_column(String(300))
    observed_by: Mapped[str] = mapped_column(String(200))


class Proposal(Base):
    """A record of the other side proposed for a tracing request by the children's matcher (issue 14 item 3).

    The decision lives in the mediator's review queue: ``match_id`` is the pending match of the request's entry to
    the record's person in the mediator's space, which a reviewer accepts or rejects. This row keeps what was
    proposed for which request, whatever happens to the persons later, so a rerun proposes no pair twice.
    """

    __tablename__ = "tracing_proposals"
    __table_args__ = (UniqueConstraint("request_id", "record_entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("tracing_requests.id"), index=True)
    record_entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"))
    probability: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    proposed: Mapped[bool] = mapped_column(Boolean)  # at or above the threshold; else a weaker candidate
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
