"""Use cases for parties, users and who is acting."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth.models import Party, PartyKind, Role, User
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError

__all__ = [
    "REVIEWER_ROLES",
    "Actor",
    "actor_for",
    "authenticate",
    "create",
    "create_user",
    "get_all",
    "get_all_users",
    "get_by_code",
    "get_by_code_or_raise",
    "get_or_create",
    "get_user_by_name_or_raise",
    "require_role",
]


def get_by_code(*, session: Session, code: str) -> Party | None:
    """Return the party with this code, if any."""
    return session.scalars(select(Party).where(Party.code == code.upper())).first()


def get_by_code_or_raise(*, session: Session, code: str) -> Party:
    """Return the party with this code or raise a NotFoundError naming the known ones."""
    party = get_by_code(session=session, code=code)
    if party is None:
        known = ", ".join(p.code for p in get_all(session=session)) or "none yet"
        raise NotFoundError(f"no party with code {code!r}", hint=f"known parties: {known}")
    return party


def get_all(*, session: Session) -> Sequence[Party]:
    """Return every party, sides first."""
    return session.scalars(select(Party).order_by(Party.kind.desc(), Party.code)).all()


def create(*, session: Session, code: str, name: str, kind: PartyKind = PartyKind.SIDE) -> Party:
    """Create a party."""
    party = Party(code=code.upper(), name=name, kind=kind.value)
    session.add(party)
    session.flush()
    return party


def get_or_create(*, session: Session, code: str, name: str, kind: PartyKind = PartyKind.SIDE) -> Party:
    """Return the party with this code, creating it when missing."""
    return get_by_code(session=session, code=code) or create(session=session, code=code, name=name, kind=kind)


@dataclass(frozen=True)
class Actor:
    """Who is acting: what services check roles and party scope against."""

    name: str
    role: Role
    party_id: int | None
    party_code: str | None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role}{'/' + self.party_code if self.party_code else ''})"


_PARTY_ROLES = {Role.PARTY_COORDINATOR, Role.PARTY_VIEWER, Role.MEDIATOR}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(*, session: Session, name: str, role: str, party_code: str | None) -> tuple[User, str]:
    """Create a user; return it with its API token, which is shown once and stored only as a hash."""
    try:
        role_value = Role(role)
    except ValueError as error:
        raise InputError("unknown role", value=role, hint=f"use one of: {', '.join(r.value for r in Role)}") from error
    party = None
    if role_value in _PARTY_ROLES:
        if not party_code:
            raise InputError(f"role {role_value} needs a party", hint="pass --party, e.g. --party UA")
        party = get_by_code_or_raise(session=session, code=party_code)
        if (role_value == Role.MEDIATOR) != (party.kind == PartyKind.MEDIATOR):
            raise InputError(
                f"role {role_value} does not fit party {party.code}, which is a {party.kind}",
                hint="mediators belong to the mediator party; coordinators and viewers to a side",
            )
    if session.scalars(select(User).where(User.name == name)).first() is not None:
        raise ConflictError(f"a user named {name!r} already exists")
    token = secrets.token_urlsafe(32)
    user = User(name=name, role=role_value.value, party_id=party.id if party else None, token_hash=_token_hash(token))
    session.add(user)
    session.flush()
    return user, token


def get_user_by_name_or_raise(*, session: Session, name: str) -> User:
    """Return the active user with this name or raise NotFoundError."""
    user = session.scalars(select(User).where(User.name == name, User.active.is_(True))).first()
    if user is None:
        raise NotFoundError(f"no active user named {name!r}", hint="create one with: unforgotten user add NAME ...")
    return user


def get_all_users(*, session: Session) -> Sequence[User]:
    """Return every user by name."""
    return session.scalars(select(User).order_by(User.name)).all()


def actor_for(*, session: Session, user: User) -> Actor:
    """The acting identity of a user, with its party code resolved."""
    party = session.get(Party, user.party_id) if user.party_id is not None else None
    return Actor(name=user.name, role=Role(user.role), party_id=user.party_id, party_code=party.code if party else None)


def authenticate(*, session: Session, token: str) -> Actor:
    """Return the actor owning this API token or raise PermissionDeniedError."""
    user = session.scalars(select(User).where(User.token_hash == _token_hash(token), User.active.is_(True))).first()
    if user is None:
        raise PermissionDeniedError("invalid or revoked API token", hint="ask an admin for a token")
    return actor_for(session=session, user=user)


REVIEWER_ROLES = frozenset({Role.PARTY_COORDINATOR, Role.MEDIATOR, Role.ADMIN})


def require_role(actor: Actor, roles: frozenset[Role], purpose: str) -> None:
    """Raise PermissionDeniedError unless the actor has one of ``roles`` — the guard every interface shares."""
    if actor.role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise PermissionDeniedError(f"{actor.label} may not {purpose}", hint=f"this needs one of: {allowed}")
