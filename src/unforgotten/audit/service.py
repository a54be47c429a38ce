"""Use cases of the audit log: reading events and verifying the chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Mapping, Sequence
from contextlib import closing
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from unforgotten.audit.chain import first_break
from unforgotten.audit.models import ChainHead, Event
from unforgotten.db import Database
from unforgotten.errors import AuditChainError, IntegrityError, Text

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

__all__ = ["checkpoint", "get_all", "opened", "record_access", "verify", "verify_receipts"]

_FIELDS = ("id", "occurred_at", "actor", "action", "subject_type", "subject_id", "before", "after", "reason")


def _rows(session: Session) -> Generator[Mapping[str, Any], None, None]:
    columns = [getattr(Event, name) for name in (*_FIELDS, "prev_hash", "hash")]
    result = session.execute(select(*columns).order_by(Event.id).execution_options(yield_per=5000))
    try:
        for row in result:
            yield dict(row._mapping)
    finally:
        result.close()  # a server-side cursor on PostgreSQL must not outlive an early stop


def verify(*, session: Session) -> int:
    """Verify the whole chain; return the number of events, or raise naming the first bad event."""
    head_row = session.execute(select(ChainHead.last_event_id, ChainHead.last_hash).where(ChainHead.id == 1)).first()
    head = None if head_row is None else (int(head_row[0]), str(head_row[1]))
    with closing(_rows(session)) as rows:
        count, problem = first_break(rows, head=head)
    if problem is not None:
        raise AuditChainError(
            Text(
                "audit chain broken at event {event_id}: {reason} ({count} events before it verify)",
                event_id=problem.event_id,
                reason=problem.reason,
                count=count,
            ),
            event_id=problem.event_id,
            hint=Text("the event log was changed outside Unforgotten; restore it from a backup and investigate"),
        )
    return count


def checkpoint(*, session: Session, key: Ed25519PrivateKey) -> dict[str, Any]:
    """Verify the chain, then sign its head; return the receipt."""
    from unforgotten.audit.checkpoints import Head, sign

    count = verify(session=session)
    head = session.execute(select(ChainHead.last_event_id, ChainHead.last_hash).where(ChainHead.id == 1)).first()
    if head is None:
        raise IntegrityError(
            Text("the event log is empty: there is no head to sign"), hint=Text("sign after the first change")
        )
    signed_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return sign(Head(event_id=int(head[0]), hash=str(head[1]), count=count, signed_at=signed_at), key)


def verify_receipts(*, session: Session, receipts: Mapping[str, Mapping[str, Any]]) -> int:
    """Verify the chain, then that every receipted head is still in it; raise naming each receipt that fails.

    A wholesale rewrite (every hash recomputed after a change) passes the chain check but not a receipt signed after
    the changed event: the event the receipt names no longer has the hash it signed. Return the number of events.
    """
    from unforgotten.audit.checkpoints import open_receipt

    count = verify(session=session)
    problems: list[str] = []
    for name, receipt in sorted(receipts.items()):
        try:
            head = open_receipt(receipt, name=name)
        except IntegrityError as error:
            problems.append(error.message)
            continue
        stored = session.scalar(select(Event.hash).where(Event.id == head.event_id))
        before = int(session.scalar(select(func.count()).select_from(Event).where(Event.id <= head.event_id)) or 0)
        if stored is None:
            problems.append(
                Text(
                    "receipt {name} (signed {signed_at}): event {event_id} is no longer in the chain, which ends at "
                    "event {count} (the newest events were removed and the head reset)",
                    name=name,
                    signed_at=head.signed_at,
                    event_id=head.event_id,
                    count=count,
                )
            )
        elif stored != head.hash:
            problems.append(
                Text(
                    "receipt {name} (signed {signed_at}): event {event_id} has hash {stored}…, the receipt signed "
                    "{hash}… (the log up to event {event_id} was rewritten)",
                    name=name,
                    signed_at=head.signed_at,
                    event_id=head.event_id,
                    stored=stored[:12],
                    hash=head.hash[:12],
                )
            )
        elif before != head.count:
            problems.append(
                Text(
                    "receipt {name}: {before} events up to event {event_id}, the receipt signed {count}",
                    name=name,
                    before=before,
                    event_id=head.event_id,
                    count=head.count,
                )
            )
    if problems:
        raise IntegrityError(
            Text.joined("; ", problems),
            hint=Text("the event log was rewritten outside Unforgotten; restore it from a backup"),
        )
    return count


def get_all(
    *, session: Session, limit: int = 100, subject_type: str | None = None, action_prefix: str | None = None
) -> Sequence[Event]:
    """Return the newest events first (of one subject type, or whose action starts with a prefix)."""
    query = select(Event).order_by(Event.id.desc()).limit(limit)
    if subject_type is not None:
        query = query.where(Event.subject_type == subject_type)
    if action_prefix is not None:
        query = query.where(Event.action.startswith(action_prefix))
    return session.scalars(query).all()


def opened(*, session: Session, events: Sequence[Event], personal: bool = True) -> list[dict[str, Any]]:
    """The events as readers show them: sealed personal values opened, or ``<erased>`` once the key is destroyed.

    With ``personal=False`` no value is shown, only which fields changed (:func:`~unforgotten.audit.personal.
    masked_values`): the auditor and the admin verify the log across both sides' spaces, and a side's data must
    not reach anyone outside it through them.
    """
    from unforgotten.audit.personal import masked_values, open_values, prefetch

    prefetch(session, [value for e in events for value in (e.before, e.after)])
    shown = open_values if personal else masked_values
    return [
        {"id": e.id, "at": e.occurred_at.isoformat(), "actor": e.actor, "action": e.action,
         "subject_type": e.subject_type, "subject_id": e.subject_id, "reason": e.reason,
         "before": shown(session, e.before), "after": shown(session, e.after)}
        for e in events
    ]  # fmt: skip


def record_access(
    database: Database,
    *,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | int | None,
    details: dict[str, Any],
) -> None:
    """Chain an access event — who looked at whom, or exported what — in a transaction of its own.

    Reads happen in read-only sessions, so the event is written apart from them: one event per request or
    command, never one per row. The auditor queries them like any event (``action`` starts with ``access.``).
    """
    from unforgotten.audit.recorder import record

    with database.unit_of_work(actor=actor) as uow:
        record(uow.session, action=action, subject_type=subject_type, subject_id=subject_id, after=details)
        uow.commit()
