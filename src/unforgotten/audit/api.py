"""``/api/v1/audit`` and ``/api/v1/account`` — verification for auditors and admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from unforgotten.audit import service
from unforgotten.audit.flows import account
from unforgotten.auth.models import Role
from unforgotten.auth.permissions import Permission
from unforgotten.db import RowCount
from unforgotten.deps import ReadSession
from unforgotten.errors import Text

__all__ = ["router"]


class AuditorPermission(Permission):
    # Not the mediator: the proofs count across every space, and counts would tell a space what it may not see.
    roles = frozenset({Role.AUDITOR, Role.ADMIN})
    purpose = Text("verify the audit chain and the accounting")


router = APIRouter(tags=["audit"], dependencies=[Depends(AuditorPermission())])


@router.get("/audit/verify")
def verify_chain(session: ReadSession) -> dict[str, Any]:
    """Verify the event hash chain (problem+json naming the first bad event when broken)."""
    return {"intact": True, "events": service.verify(session=session)}


@router.get("/account")
def accounting(session: ReadSession) -> dict[str, Any]:
    """Run the accounting proof over the whole database and return every violation."""
    return account(session=session).as_dict()


@router.get("/audit/access")
def access_events(session: ReadSession, limit: RowCount = 200) -> list[dict[str, Any]]:
    """Who looked at whom, or exported what, and failed sign-ins — newest first."""
    events = [*service.get_all(session=session, limit=limit, action_prefix="access.")]
    events += service.get_all(session=session, limit=limit, action_prefix="auth.")
    events.sort(key=lambda e: e.id, reverse=True)
    return [
        {k: e[k] for k in ("id", "at", "actor", "action", "subject_type", "subject_id")} | {"details": e["after"]}
        for e in service.opened(session=session, events=events[:limit])
    ]


@router.get("/audit/events")
def events(
    session: ReadSession, limit: RowCount = 100, subject_type: str | None = None, action_prefix: str | None = None
) -> list[dict[str, Any]]:
    """The newest events: who did what to which record, when, and which fields changed — no value (``<hidden>``;
    a personal one ``<personal>``, or ``<erased>`` once its subject was erased). These roles verify both sides' log
    and may read neither side's data; the values stay with the spaces that hold them."""
    found = service.get_all(session=session, limit=limit, subject_type=subject_type, action_prefix=action_prefix)
    return service.opened(session=session, events=found, personal=False)
