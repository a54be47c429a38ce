"""A negotiation: the ongoing track between two parties, under which agreements are made."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from unforgotten.db import Base

__all__ = ["Negotiation"]


class Negotiation(Base):
    __tablename__ = "negotiations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    party_a_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    party_b_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    opened_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32), default="open")
