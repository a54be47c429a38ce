"""Remains, N-for-N: batches per side towards the agreement's quota, running totals and the imbalance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.agreements import service as agreements
from unforgotten.agreements.models import ExchangeFormat
from unforgotten.audit.recorder import record
from unforgotten.auth.models import Party, PartyKind, Role
from unforgotten.auth.service import Actor, get_by_code_or_raise, get_mediator, require_role
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError, Text
from unforgotten.exchanges.models import RemainsBatch, RemainsIdentification
from unforgotten.persons import service as persons

__all__ = ["create_batch", "identify", "totals"]


def _readable(actor: Actor) -> bool:
    return actor.operator or (actor.party_id is not None and actor.role in
                              {Role.MEDIATOR, Role.PARTY_COORDINATOR, Role.PARTY_VIEWER, Role.OFFICER})  # fmt: skip


def create_batch(
    *, session: Session, actor: Actor, agreement_id: int, party_code: str, date: dt.date, refs: list[str]
) -> RemainsBatch:
    """Record a batch of remains handed over by one side (its coordinator or officer, or the mediator)."""
    agreement = agreements.get_or_raise(session=session, agreement_id=agreement_id)
    party = get_by_code_or_raise(session=session, code=party_code)
    require_role(
        actor, frozenset({Role.MEDIATOR, Role.PARTY_COORDINATOR, Role.OFFICER}), Text("record remains batches")
    )
    if party.kind != PartyKind.SIDE:
        raise InputError(Text("remains are handed over by a side"), value=party.code)
    if not actor.operator and actor.role != Role.MEDIATOR and actor.party_id != party.id:
        raise PermissionDeniedError(Text("{actor} records only its own side's batches", actor=actor.label))
    if not any(c.format == ExchangeFormat.N_FOR_N for c in agreement.categories):
        raise ConflictError(Text("agreement {agreement_id} has no N-for-N category", agreement_id=agreement.id))
    cleaned = [r.strip() for r in refs if r.strip()]
    if not cleaned or len(set(cleaned)) != len(cleaned):
        raise InputError(Text("a batch lists the reference of each body, each once"), value=len(cleaned))
    earlier = {ref for batch in session.scalars(select(RemainsBatch).where(RemainsBatch.agreement_id == agreement.id))
               for ref in batch.refs}  # fmt: skip
    repeated = sorted(set(cleaned) & earlier)
    if repeated:
        raise ConflictError(
            Text(
                "{count} reference(s) are already in another batch: {repeated}",
                count=len(repeated),
                repeated=", ".join(repeated[:10]),
            )
        )
    mediator = get_mediator(session=session)
    if mediator is None:
        raise NotFoundError(Text("there is no mediator party"))
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
        raise PermissionDeniedError(
            Text("{actor} reads no exchange", actor=actor.label), hint=Text("this needs a side's or mediator's role")
        )
    quota = max((c.quota or 0 for c in agreement.categories if c.format == ExchangeFormat.N_FOR_N), default=0)
    sides = session.scalars(select(Party).where(Party.kind == PartyKind.SIDE).order_by(Party.id)).all()
    batches = session.scalars(select(RemainsBatch).where(RemainsBatch.agreement_id == agreement.id)
                              .order_by(RemainsBatch.date, RemainsBatch.id)).all()  # fmt: skip
    # Who a body is stays with the mediator: the sides keep seeing counts (and their own references) only.
    identified = _identified(session, actor, batches) if actor.operator or actor.role == Role.MEDIATOR else {}
    out: dict[str, Any] = {"agreement_id": agreement.id, "quota": quota, "sides": {}}
    for side in sides:
        running, rows = 0, []
        for batch in (b for b in batches if b.party_id == side.id):
            running += batch.count
            row: dict[str, Any] = {"id": batch.id, "date": batch.date.isoformat(), "count": batch.count,
                                   "running_total": running}  # fmt: skip
            if actor.operator or actor.role == Role.MEDIATOR or actor.party_id == side.id:
                row["refs"] = batch.refs
            if batch.id in identified:
                row["identified"] = identified[batch.id]
            rows.append(row)
        out["sides"][side.code] = {"total": running, "remaining": max(quota - running, 0), "batches": rows}
    totals_ = [v["total"] for v in out["sides"].values()]
    out["imbalance"] = (totals_[0] - totals_[1]) if len(totals_) == 2 else 0
    return out


def _identified(session: Session, actor: Actor, batches: Sequence[RemainsBatch]) -> dict[int, dict[str, Any]]:
    """Per batch id, per reference: the identified person's id and display name (for the mediator's totals)."""
    links = session.scalars(select(RemainsIdentification)
                            .where(RemainsIdentification.batch_id.in_([b.id for b in batches]))
                            .order_by(RemainsIdentification.id)).all() if batches else []  # fmt: skip
    names = persons.display_names(session=session, actor=actor, person_ids=[link.person_id for link in links])
    out: dict[int, dict[str, Any]] = {}
    for link in links:
        out.setdefault(link.batch_id, {})[link.ref] = {"person_id": link.person_id,
                                                       "display_name": names.get(link.person_id, "")}  # fmt: skip
    return out


def identify(
    *, session: Session, actor: Actor, agreement_id: int, ref: str, person_id: int, reason: str
) -> RemainsIdentification:
    """Link a body of one of the agreement's batches, by its reference, to the person it was identified as.

    Only the mediator (or the local operator) identifies: the person is one of the mediator's space, and the link
    is what families are told, so it is never silently overwritten — another person for the same reference is a
    conflict naming the current one; the same person again changes nothing. The batch itself is not touched, so
    the accounting of remains is the same before and after.
    """
    agreement = agreements.get_or_raise(session=session, agreement_id=agreement_id)
    require_role(actor, frozenset({Role.MEDIATOR}), Text("identify remains"))
    cleaned, why = ref.strip(), reason.strip()
    if not why:
        raise InputError(
            Text("say what the identification rests on"),
            column="reason",
            hint=Text("e.g. DNA match with the mother's sample; documents found with the body"),
        )
    batch = next((b for b in session.scalars(select(RemainsBatch).where(RemainsBatch.agreement_id == agreement.id)
                                             .order_by(RemainsBatch.id)) if cleaned in b.refs), None)  # fmt: skip
    if batch is None:
        raise InputError(
            Text(
                "reference {ref!r} is in no remains batch of agreement {agreement_id}",
                ref=cleaned,
                agreement_id=agreement.id,
            ),
            column="ref",
            value=cleaned,
            hint=Text("use the reference exactly as recorded in its batch"),
        )
    mediator = get_mediator(session=session)
    person = persons.get_visible_or_raise(session=session, actor=actor, person_id=person_id)
    if mediator is None or person.space_id != mediator.id:
        raise NotFoundError(Text("no person with id {person_id}", person_id=person_id))  # the same 404 as a missing one
    same_ref = (RemainsIdentification.batch_id == batch.id, RemainsIdentification.ref == cleaned)
    current = session.scalars(select(RemainsIdentification).where(*same_ref)).first()
    if current is not None:
        if current.person_id == person.id:
            return current
        raise ConflictError(
            Text(
                "reference {ref} is already identified as person {person_id} ({person_label}) by {identified_by}",
                ref=cleaned,
                person_id=current.person_id,
                person_label=_person_label(session, actor, current.person_id),
                identified_by=current.identified_by,
            ),
            hint=Text("an identification is not overwritten; look into both before going on"),
        )
    link = RemainsIdentification(
        batch_id=batch.id, ref=cleaned, person_id=person.id, reason=why, identified_by=actor.name
    )
    session.add(link)
    session.flush()
    return link


def _person_label(session: Session, actor: Actor, person_id: int) -> str:
    """A person's display name as the actor may see it, for messages."""
    return persons.display_names(session=session, actor=actor, person_ids=[person_id]).get(person_id, "")
