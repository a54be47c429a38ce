"""Agreements and their categories: what the parties decided, with rules kept as data."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from unforgotten.db import Base, JSONType

__all__ = ["Acceptance", "Agreement", "Category", "ExchangeFormat"]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ExchangeFormat(StrEnum):
    ALL_FOR_ALL = "all_for_all"
    N_FOR_N = "n_for_n"
    ONE_FOR_ONE = "one_for_one"


class Agreement(Base):
    """A dated decision in a negotiation; ``source`` keeps the document it was loaded from verbatim."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    negotiation_id: Mapped[int | None] = mapped_column(ForeignKey("negotiations.id"))
    title: Mapped[str] = mapped_column(String(300))
    signed_on: Mapped[dt.date] = mapped_column(Date)
    reference_date: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(Text)
    loaded_by: Mapped[str] = mapped_column(String(200), default="")
    # The canonical columns a release of reconciliation answers transmits (GC III Art. 122-123).
    transmit: Mapped[list[str]] = mapped_column(JSONType, default=list)

    categories: Mapped[list[Category]] = relationship(back_populates="agreement", order_by="Category.id")
    acceptances: Mapped[list[Acceptance]] = relationship(order_by="Acceptance.id")


class Acceptance(Base):
    """A side's acceptance of an agreement; it is in force when every side has accepted it."""

    __tablename__ = "agreement_acceptances"
    __table_args__ = (UniqueConstraint("agreement_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    accepted_by: Mapped[str] = mapped_column(String(200))
    accepted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class Category(Base):
    """A named category of an agreement: an eligibility rule (data, not code) and an exchange format."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("agreement_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    name: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(16))
    quota: Mapped[int | None] = mapped_column(Integer)
    rule: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    agreement: Mapped[Agreement] = relationship(back_populates="categories")
