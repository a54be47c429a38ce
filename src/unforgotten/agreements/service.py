"""Use cases for agreements and their categories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from unforgotten.agreements.models import Agreement, Category, ExchangeFormat
from unforgotten.errors import InputError

__all__ = ["create", "get_all"]


def get_all(*, session: Session) -> Sequence[Agreement]:
    """Return every agreement with its categories, newest first."""
    query = select(Agreement).options(selectinload(Agreement.categories)).order_by(Agreement.signed_on.desc())
    return session.scalars(query).all()


def create(
    *,
    session: Session,
    title: str,
    signed_on: dt.date,
    reference_date: dt.date,
    categories: Sequence[dict[str, Any]],
    negotiation_id: int | None = None,
    source: str | None = None,
) -> Agreement:
    """Create an agreement with its categories (each: name, format, quota, rule)."""
    agreement = Agreement(
        title=title,
        signed_on=signed_on,
        reference_date=reference_date,
        negotiation_id=negotiation_id,
        source=source,
    )
    session.add(agreement)
    formats = {f.value for f in ExchangeFormat}
    for spec in categories:
        if spec.get("format") not in formats:
            raise InputError(
                f"category {spec.get('name')!r} has an unknown exchange format",
                value=spec.get("format"),
                hint=f"use one of: {', '.join(sorted(formats))}",
            )
        agreement.categories.append(
            Category(name=spec["name"], format=spec["format"], quota=spec.get("quota"), rule=spec.get("rule") or {})
        )
    session.flush()
    return agreement
