"""Calendar subscriptions: calendar programs cannot send a bearer token, so a feed URL carries a secret of its own
that reads one user's negotiation calendar and nothing else. Stored only as its SHA-256; a new feed ends the old
one, and deactivating the user ends it too."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from unforgotten.auth import service as auth
from unforgotten.auth.models import User
from unforgotten.auth.service import Actor
from unforgotten.errors import AuthenticationError, PermissionDeniedError, Text
from unforgotten.negotiations.models import CalendarFeed

__all__ = ["create", "feed_actor"]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(*, session: Session, actor: Actor) -> str:
    """Issue the actor's calendar feed secret (shown once), replacing any earlier one."""
    if actor.operator:
        raise PermissionDeniedError(
            Text("the local operator has no calendar feed"), hint=Text("use `unforgotten calendar -o`")
        )
    user = auth.get_user_by_name_or_raise(session=session, name=actor.name)
    session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    token = secrets.token_urlsafe(32)
    session.add(CalendarFeed(user_id=user.id, token_hash=_hash(token)))
    session.flush()
    return token


def feed_actor(*, session: Session, token: str) -> Actor:
    """The user whose feed this secret opens, or AuthenticationError (unknown, replaced, or user deactivated)."""
    user = session.scalars(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == _hash(token), User.active.is_(True))
    ).first()
    if user is None:
        raise AuthenticationError(Text("unknown or ended calendar feed"), hint=Text("ask for a new feed URL"))
    return auth.actor_for(session=session, user=user)
