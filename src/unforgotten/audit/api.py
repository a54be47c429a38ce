"""``/api/v1/audit`` and ``/api/v1/account`` — verification for auditors and admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from unforgotten.audit import service
from unforgotten.audit.flows import account
from unforgotten.auth.models import Role
from unforgotten.auth.permissions import Permission
from unforgotten.deps import ReadSession

__all__ = ["router"]


class AuditorPermission(Permission):
    roles = frozenset({Role.AUDITOR, Role.ADMIN, Role.MEDIATOR})
    purpose = "verify the audit chain and the accounting"


router = APIRouter(tags=["audit"], dependencies=[Depends(AuditorPermission())])


@router.get("/audit/verify")
def verify_chain(session: ReadSession) -> dict[str, Any]:
    """Verify the event hash chain (problem+json naming the first bad event when broken)."""
    return {"intact": True, "events": service.verify(session=session)}


@router.get("/account")
def accounting(session: ReadSession) -> dict[str, Any]:
    """Run the accounting proof over the whole database and return every violation."""
    return account(session=session).as_dict()
