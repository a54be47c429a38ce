"""Permissions as named classes, attached to routes with ``dependencies=[Depends(...)]`` — never ad-hoc ``if``s.

Services check the same rules again for the CLI (role guards live in the service layer); these classes make the
API refuse early, with problem+json, and document in one place who may call what.
"""

from __future__ import annotations

from typing import ClassVar

from unforgotten.auth.models import Role
from unforgotten.auth.service import REVIEWER_ROLES, Actor, require_role
from unforgotten.deps import CurrentActor
from unforgotten.errors import Text

__all__ = [
    "AdminPermission",
    "AnyUserPermission",
    "CoordinatorPermission",
    "MediatorPermission",
    "Permission",
    "ReviewerPermission",
]


class Permission:
    """Allows the roles in ``roles``; subclasses name a purpose."""

    roles: ClassVar[frozenset[Role]] = frozenset(Role)
    purpose: ClassVar[str] = Text("use the API")

    def __call__(self, actor: CurrentActor) -> Actor:
        require_role(actor, self.roles, self.purpose)
        return actor


class AnyUserPermission(Permission):
    purpose = Text("read")


class CoordinatorPermission(Permission):
    roles = frozenset({Role.PARTY_COORDINATOR, Role.ADMIN})
    purpose = Text("submit or change a party's data")


class MediatorPermission(Permission):
    roles = frozenset({Role.MEDIATOR, Role.ADMIN})
    purpose = Text("act as the neutral intermediary")


class ReviewerPermission(Permission):
    roles = REVIEWER_ROLES
    purpose = Text("review matches or change case statuses")


class AdminPermission(Permission):
    roles = frozenset({Role.ADMIN})
    purpose = Text("administer users and parties")
