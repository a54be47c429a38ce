"""Parties: the two sides and the neutral mediator. Users and roles join them in a later step."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from unforgotten.db import Base

__all__ = ["Party", "PartyKind"]


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
