"""Remains, N-for-N: batches per side towards the agreement's quota, running totals and the imbalance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.agreements import service as agreements
from unforgotten.agreements.models import ExchangeFormat
from unforgotten.audit.recorder import record
from unforgotten.auth.models import Party, PartyKind, Role
from unforgotten.auth.service import Actor, get_by_code_or_raise, get_mediator, require_role
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from unforgotten.exchanges.models import RemainsBatch

__all__ = ["create_batch", "totals"]


def _readable(actor: Actor) -> bool:
    return actor.operator or (actor.party_id is not None and actor.role in
                              {Role.MEDIATOR, Role.PARTY_COORDINATOR, Role.PARTY_VIEWER, Role.OFFICER})  # fmt: skip


def create_batch(
    *, session: Session, actor: Actor, agreement_id: int, party_code: str, date: dt.date, refs: list[str]
) -> RemainsBatch:
    """Record a batch of remains handed over by one side (its coordinator or officer, or the mediator)."""
    agreement = agreements.get_or_raise(session=session, agreement_id=agreement_id)
    party = get_by_code_or_raise(session=session, code=party_code)
    require_role(actor, frozenset({Role.MEDIATOR, Role.PARTY_COORDINATOR, Role.OFFICER}), "record remains batches")
    if party.kind != PartyKind.SIDE:
        raise InputError("remains are handed over by a side", value=party.code)
    if not actor.operator and actor.role != Role.MEDIATOR and actor.party_id != party.id:
        raise PermissionDeniedError(f"{actor.label} records only its own side's batches")
    if not any(c.format == ExchangeFormat.N_FOR_N for c in agreement.categories):
        raise ConflictError(f"agreement {agreement.id} has no N-for-N category")
    cleaned = [r.strip() for r in refs if r.strip()]
    if not cleaned or len(set(cleaned)) != len(cleaned):
        raise InputError("a batch lists the reference of each body, each once", value=len(cleaned))
    earlier = {ref for batch in session.scalars(select(RemainsBatch).where(RemainsBatch.agreement_id == agreement.id))
               for ref in batch.refs}  # fmt: skip
    repeated = sorted(set(cleaned) & earlier)
    if repeated:
        raise ConflictError(f"{len(repeated)} reference(s) are already in another batch: {', '.join(repeated[:10])}")
    mediator = get_mediator(session=session)
    if mediator is None:
        raise NotFoundError("there is no mediator party")
    batch = RemainsBatch(agreement_id=agreement.id, space_id=mediator.id, party_id=party.id, date=date,
                         count=len(cleaned), refs=cleaned, recorded_by=actor.name)  # fmt: skip
    session.add(batch)
    session.flush()
    record(session, action="remains.batch", subject_type="exchange_remains_batches", subject_id=batch.id,
           after={"party": party.code, "count": batch.count, "date": date.isoformat()})  # fmt: skip
    return batch


def totals(*, session: Session, actor: Actor, agreement_id: int) -> dict[str, Any]:
    """Running totals per side against the quota, and the imbalance; references for the mediator and own side."""
    agreement = agreements.get_or_raise(session=session, agreement_id=agreement_id)
    if not _readable(actor):
        raise PermissionDeniedError(f"{actor.label} reads no exchange", hint="this needs a side's or mediator's role")
    quota = max((c.quota or 0 for c in agreement.categories if c.format == ExchangeFormat.N_FOR_N), default=0)
    sides = session.scalars(select(Party).where(Party.kind == PartyKind.SIDE).order_by(Party.id)).all()
    batches = session.scalars(select(RemainsBatch).where(RemainsBatch.agreement_id == agreement.id)
                              .order_by(RemainsBatch.date, RemainsBatch.id)).all()  # fmt: skip
    out: dict[str, Any] = {"agreement_id": agreement.id, "quota": quota, "sides": {}}
    for side in sides:
        running, rows = 0, []
        for batch in (b for b in batches if b.party_id == side.id):
            running += batch.count
            row: dict[str, Any] = {"id": batch.id, "date": batch.date.isoformat(), "count": batch.count,
                                   "running_total": running}  # fmt: skip
            if actor.operator or actor.role == Role.MEDIATOR or actor.party_id == side.id:
                row["refs"] = batch.refs
            rows.append(row)
        out["sides"][side.code] = {"total": running, "remaining": max(quota - running, 0), "batches": rows}
    totals_ = [v["total"] for v in out["sides"].values()]
    out["imbalance"] = (totals_[0] - totals_[1]) if len(totals_) == 2 else 0
    return out
