"""The append-only event log and the head of its hash chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from unforgotten.db import Base, JSONType

__all__ = ["ChainHead", "DataKey", "Event"]


class Event(Base):
    """Who did what, when, to which subject, why, with the values before and after — chained by hash."""

    __tablename__ = "events"
    __audit__ = False  # events are the audit; they are not audited again

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100), index=True)
    subject_type: Mapped[str] = mapped_column(String(100))
    subject_id: Mapped[str | None] = mapped_column(String(100))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """One row: the last event's id and hash, so that deleting the newest events also shows."""

    __tablename__ = "chain_head"
    __audit__ = False

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_event_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class DataKey(Base):
    """One data subject's key for the personal values in events, wrapped; destroyed when the subject is erased.

    Not audited and not in the chain: the events hold values sealed with this key, and destroying it (the row keeps
    only when and by whom) makes them unreadable while every hash still verifies — crypto-shredding.
    """

    __tablename__ = "audit_data_keys"
    __audit__ = False

    subject: Mapped[str] = mapped_column(String(80), primary_key=True)  # "person:42"
    # nonce (12 bytes) + AES-GCM of the 32-byte data key under the wrapping key derived from the secret key
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    erased_by: Mapped[str | None] = mapped_column(String(200))
