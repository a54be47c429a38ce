"""Exchanges carried out: stage plans (versioned, approved), stages, handover lines, signed acts, signing keys,
travel facts of persons, and remains batches — all in the mediator's space."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from unforgotten.db import Base, JSONType

__all__ = [
    "Act",
    "ActSignature",
    "HandoverLine",
    "LineOutcome",
    "PersonFacts",
    "Plan",
    "PlanApproval",
    "PlanState",
    "RemainsBatch",
    "RemainsIdentification",
    "SigningKey",
    "Stage",
    "StageState",
    "Unexpected",
    "UnexpectedState",
]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PlanState(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


class StageState(StrEnum):
    PLANNED = "planned"  # its plan is not approved yet
    OPEN = "open"  # lines can be recorded
    CLOSED = "closed"  # the act is frozen


class LineOutcome(StrEnum):
    EXCHANGED = "exchanged"
    NOT_DELIVERED = "not_delivered"
    DECLINED = "declined"
    DISCREPANCY = "discrepancy"  # the two sides' halves contradict each other: open until corrected


class UnexpectedState(StrEnum):
    OPEN = "open"  # recorded at the crossing; the mediator has not said who it is (or that no one is known)
    RESOLVED = "resolved"


class PersonFacts(Base):
    """When a mediator's person can first travel and whom they travel with (brothers), for planning."""

    __tablename__ = "exchange_person_facts"
    __audit_personal__ = frozenset({"travel_group"})  # often a family's name

    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    earliest: Mapped[dt.date | None] = mapped_column(Date)
    travel_group: Mapped[str | None] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(200))


class Plan(Base):
    """One version of a stage plan for an agreement, built and solved in the mediator's space.

    ``result`` holds the solver's plan (assignments by person id, objective, proof per level, reasons for those
    left out); ``reason`` says why a plan is empty.
    """

    __tablename__ = "exchange_plans"
    __table_args__ = (UniqueConstraint("agreement_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    space_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))  # the mediator's
    side_a_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    side_b_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    state: Mapped[str] = mapped_column(String(16), default=PlanState.DRAFT)
    stages_spec: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    persons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)  # the instance's persons
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class PlanApproval(Base):
    """A party's approval of a plan version: each side's coordinator and the mediator."""

    __tablename__ = "exchange_plan_approvals"
    __table_args__ = (UniqueConstraint("plan_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("exchange_plans.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    approved_by: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class Stage(Base):
    """One exchange day of a plan: its numeric id is what `act export STAGE` names."""

    __tablename__ = "exchange_stages"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("exchange_plans.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    date: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(16), default=StageState.PLANNED)
    closed_by: Mapped[str | None] = mapped_column(String(200))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class HandoverLine(Base):
    """One person at one stage: each half recorded by its own party; the outcome follows from the halves."""

    __tablename__ = "exchange_lines"
    __audit_personal__ = frozenset({"reason"})
    __table_args__ = (UniqueConstraint("stage_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("exchange_stages.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))  # the mediator's person
    from_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    to_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    sent: Mapped[str | None] = mapped_column(String(16))  # handed_over | not_delivered
    sent_by: Mapped[str | None] = mapped_column(String(200))
    received: Mapped[str | None] = mapped_column(String(16))  # received | not_received
    received_by: Mapped[str | None] = mapped_column(String(200))
    observed: Mapped[str | None] = mapped_column(String(16))  # observed | declined
    observed_by: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))  # None while open


class Unexpected(Base):
    """A person who arrived at a stage's crossing but is not on its manifest: a discrepancy of the stage.

    ``candidates`` keeps what the mediator's space offered when it was recorded (person id, name, probability and the
    per-field explanation), so the choice made from them stays explainable after the space changes. It is open
    until the mediator resolves it with one of them (``person_id``) or with none (``resolution`` says why); an open
    one keeps the stage from closing.
    """

    __tablename__ = "exchange_unexpected"
    # What was said about the person, and the candidates' names and dates: sealed in the log under its own key.
    __audit_personal__ = frozenset({"names", "date_of_birth", "note", "candidates", "resolution"})
    __audit_subject__ = ("exchange_unexpected", "id")

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("exchange_stages.id"), index=True)
    names: Mapped[str] = mapped_column(String(300))  # as said at the crossing, in any script
    date_of_birth: Mapped[str | None] = mapped_column(String(10))  # YYYY, YYYY-MM or YYYY-MM-DD
    from_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))  # the side they came from, if known
    note: Mapped[str | None] = mapped_column(Text)
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    state: Mapped[str] = mapped_column(String(16), default=UnexpectedState.OPEN)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))  # the chosen candidate (mediator's)
    resolution: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Act(Base):
    """The handover act of a closed stage: the canonical payload, its SHA-256 and (separately) the signatures."""

    __tablename__ = "exchange_acts"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("exchange_stages.id"), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class ActSignature(Base):
    """One signer's Ed25519 signature over an act's SHA-256, with the registered key it was made with."""

    __tablename__ = "exchange_act_signatures"
    __table_args__ = (UniqueConstraint("act_id", "key_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    act_id: Mapped[int] = mapped_column(ForeignKey("exchange_acts.id"), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("exchange_keys.id"))
    signer: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    party: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))  # base64
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class SigningKey(Base):
    """A user's Ed25519 public key, registered with its fingerprint; the private key stays with the user, or is
    kept here encrypted with the user's passphrase (never in clear)."""

    __tablename__ = "exchange_keys"
    __audit_redact__ = frozenset({"encrypted_private_key"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the 32 raw bytes
    fingerprint: Mapped[str] = mapped_column(String(80), unique=True)
    encrypted_private_key: Mapped[str | None] = mapped_column(Text)  # PKCS#8 PEM, passphrase-encrypted
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RemainsBatch(Base):
    """Remains handed over by one side in one batch towards an N-for-N quota; each reference in one batch only."""

    __tablename__ = "exchange_remains_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))  # the mediator's
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))  # the side that hands them over
    date: Mapped[dt.date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)
    refs: Mapped[list[str]] = mapped_column(JSONType, default=list)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class RemainsIdentification(Base):
    """A body of a remains batch later identified: its reference linked to a person of the mediator's space.

    Kept apart from the batch so the batch (what the accounting counts) never changes once recorded; one person per
    reference, set by the mediator with the evidence that made the identification.
    """

    __tablename__ = "exchange_remains_identifications"
    # Who the body is and why it is believed: personal, sealed in the log under the person's key.
    __audit_personal__ = frozenset({"reason"})
    __audit_subject__ = ("person", "person_id")
    __table_args__ = (UniqueConstraint("batch_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("exchange_remains_batches.id"), index=True)
    ref: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)  # the mediator's person
    reason: Mapped[str] = mapped_column(Text)  # the evidence: DNA match, documents found with the body, …
    identified_by: Mapped[str] = mapped_column(String(200))
    identified_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
