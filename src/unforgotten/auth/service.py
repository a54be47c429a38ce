"""Use cases for parties."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth.models import Party, PartyKind
from unforgotten.errors import NotFoundError

__all__ = ["create", "get_all", "get_by_code", "get_by_code_or_raise", "get_or_create"]


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
