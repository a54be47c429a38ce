"""Parties (the two sides and the neutral mediator) and the users who act for them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from unforgotten.db import Base

__all__ = ["Party", "PartyKind", "Role", "User", "WebSession"]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
    OFFICER = "officer"  # a side's officer at the crossing point: records its half of each handover
    TRACING_OFFICER = "tracing_officer"
    MEDIATOR = "mediator"
    AUDITOR = "auditor"
    ADMIN = "admin"


class User(Base):
    """A person using the system, with one role and (for party roles and the mediator) one party.

    The API token is stored only as its SHA-256 and the password only as an argon2 hash: a database leak does not
    leak credentials. The TOTP secret must be readable to check a code, so it is stored wrapped (AES-GCM) under a key
    derived from ``UNFORGOTTEN_SECRET_KEY``: a copy of the database alone does not give anyone the second factor.
    """

    __tablename__ = "users"
    # The log must not help anyone guess or match a credential, nor carry a second factor in any form.
    __audit_redact__ = frozenset({"token_hash", "password_hash", "totp_secret"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # A token that never expires is a credential that outlives its holder's job; rotation sets a new date.
    token_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id, PHC string; None: no password yet
    totp_secret: Mapped[bytes | None] = mapped_column(LargeBinary)  # nonce + AES-GCM(secret); None: not enrolled
    # The TOTP time step of the last accepted code: a code is good for one sign-in, never replayed within its window.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)


class WebSession(Base):
    """A signed-in browser: the cookie holds a random id whose SHA-256 is stored here, so logout really ends it.

    Deleting the row (logout, deactivation) ends the session server-side; a stolen cookie dies with it.
    """

    __tablename__ = "web_sessions"
    __audit_redact__ = frozenset({"id_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
