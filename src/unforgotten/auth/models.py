"""Parties (the two sides and the neutral mediator) and the users who act for them."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from unforgotten.db import Base

__all__ = ["Party", "PartyKind", "Role", "User"]


class PartyKind(StrEnum):
    SIDE = "side"
    MEDIATOR = "mediator"


class Party(Base):
    """A side (e.g. ``UA``, ``RU``) or a mediator (e.g. ``ICRC``)."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default=PartyKind.SIDE)


class Role(StrEnum):
    PARTY_COORDINATOR = "party_coordinator"
    PARTY_VIEWER = "party_viewer"
    MEDIATOR = "mediator"
    AUDITOR = "auditor"
    ADMIN = "admin"


class User(Base):
    """A person using the system, with one role and (for party roles and the mediator) one party.

    The API token is stored only as its SHA-256: a database leak does not leak credentials.
    """

    __tablename__ = "users"
    __audit_redact__ = frozenset({"token_hash"})  # the log must not help anyone guess or match a credential

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
