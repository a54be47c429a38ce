"""Use cases for parties, users, credentials and who is acting — the access model's single source of truth.

Every service that reads or writes persons, lists or releases asks :func:`readable_spaces` which spaces the actor
may see, and scopes its query with it, so "not visible" and "does not exist" are the same query and the same 404.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from unforgotten.auth import factors
from unforgotten.auth.factors import TotpEnrolment
from unforgotten.auth.models import Party, PartyKind, Role, User, WebSession
from unforgotten.errors import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    SecondFactorMissingError,
    Text,
)

__all__ = [
    "REVIEWER_ROLES",
    "SECOND_FACTOR_ROLES",
    "SPACE_ROLES",
    "Actor",
    "actor_for",
    "authenticate",
    "change_own_password",
    "confirm_totp",
    "create",
    "create_user",
    "create_web_session",
    "deactivate_user",
    "end_web_session",
    "enrol_totp",
    "get_all",
    "get_all_users",
    "get_by_code",
    "get_by_code_or_raise",
    "get_mediator",
    "get_or_create",
    "get_user_by_name_or_raise",
    "offer_totp",
    "reopen_offer",
    "operator",
    "readable_spaces",
    "require_role",
    "rotate_token",
    "second_factor_required",
    "session_actor",
    "set_password",
    "sign_in",
    "working_space",
]

# Roles that work inside a space (a side's or the mediator's); admins and auditors have none and read no persons.
SPACE_ROLES = frozenset({Role.PARTY_COORDINATOR, Role.PARTY_VIEWER, Role.OFFICER, Role.TRACING_OFFICER, Role.MEDIATOR})
REVIEWER_ROLES = frozenset({Role.PARTY_COORDINATOR, Role.MEDIATOR, Role.ADMIN})
# Roles whose sign-in with a password also needs a one-time code: they confirm identities, approve plans and
# certify handovers, so a guessed or reused password alone must not be enough.
SECOND_FACTOR_ROLES = frozenset({Role.PARTY_COORDINATOR, Role.MEDIATOR})
_SIGN_IN_FAILED = Text("wrong user name, password or one-time code")
_CODE = re.compile(r"^[A-Z][A-Z0-9_-]{1,15}$")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands timezone-aware columns back naive; they were written in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


# ---- parties ---------------------------------------------------------------------------------------------------


def get_by_code(*, session: Session, code: str) -> Party | None:
    """Return the party with this code, if any."""
    return session.scalars(select(Party).where(Party.code == code.upper())).first()


def get_by_code_or_raise(*, session: Session, code: str) -> Party:
    """Return the party with this code or raise a NotFoundError naming the known ones."""
    party = get_by_code(session=session, code=code)
    if party is None:
        known = ", ".join(p.code for p in get_all(session=session)) or "none yet"
        raise NotFoundError(
            Text("no party with code {code!r}", code=code),
            hint=Text("known parties: {known}; add one with `unforgotten party add`", known=known),
        )
    return party


def get_all(*, session: Session) -> Sequence[Party]:
    """Return every party, sides first."""
    return session.scalars(select(Party).order_by(Party.kind.desc(), Party.code)).all()


def get_mediator(*, session: Session) -> Party | None:
    """The neutral intermediary's party (the first one, when a deployment has several)."""
    return session.scalars(select(Party).where(Party.kind == PartyKind.MEDIATOR).order_by(Party.id)).first()


def create(*, session: Session, code: str, name: str, kind: PartyKind = PartyKind.SIDE) -> Party:
    """Create a party; its code is what lists, users and shares name it by."""
    code = code.strip().upper()
    if not _CODE.match(code):
        raise InputError(
            Text("a party code is 2 to 16 letters, digits, '-' or '_', starting with a letter"),
            value=code,
            hint=Text("e.g. UA"),
        )
    if not name.strip():
        raise InputError(Text("a party needs a name"), column="name", hint=Text("e.g. --name Ukraine"))
    if get_by_code(session=session, code=code) is not None:
        raise ConflictError(Text("a party with code {code} already exists", code=code))
    party = Party(code=code, name=name.strip(), kind=PartyKind(kind).value)
    session.add(party)
    session.flush()
    return party


def get_or_create(*, session: Session, code: str, name: str, kind: PartyKind = PartyKind.SIDE) -> Party:
    """Return the party with this code, creating it when missing."""
    return get_by_code(session=session, code=code) or create(session=session, code=code, name=name, kind=kind)


# ---- who is acting ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who is acting: what services check spaces, roles and parties against.

    ``operator`` is the local operator — whoever can open the database (a command without ``--as``, or a page in
    local mode on loopback): unscoped, audited as ``cli:<os-user>``, and treated as an admin by the state machine.
    """

    name: str
    role: Role
    party_id: int | None
    party_code: str | None
    party_kind: str | None = None
    operator: bool = False

    @property
    def label(self) -> str:
        if self.operator:
            return f"{self.name} (local operator)"
        return f"{self.name} ({self.role}{'/' + self.party_code if self.party_code else ''})"

    @property
    def space_id(self) -> int | None:
        """The space this actor works in: its party's, for the side roles and the mediator; else none."""
        return self.party_id if self.role in SPACE_ROLES else None

    @property
    def is_mediator(self) -> bool:
        return self.role == Role.MEDIATOR


def operator(name: str) -> Actor:
    """The local operator, named as the audit log records it (``cli:<os-user>``)."""
    return Actor(name=name, role=Role.ADMIN, party_id=None, party_code=None, operator=True)


def readable_spaces(actor: Actor) -> frozenset[int] | None:
    """The spaces whose persons the actor may read (``None``: every space — the local operator only).

    Admins and auditors get none: they manage users and verify the proofs, and read persons only if also given a
    side's or the mediator's role.
    """
    if actor.operator:
        return None
    return frozenset() if actor.space_id is None else frozenset({actor.space_id})


def working_space(*, session: Session, actor: Actor) -> int:
    """The space an actor works in; the local operator works in the mediator's (where the exchange lives)."""
    if actor.space_id is not None:
        return actor.space_id
    if actor.operator:
        mediator = get_mediator(session=session)
        if mediator is not None:
            return mediator.id
        raise NotFoundError(
            Text("there is no mediator party"), hint=Text("add one: unforgotten party add ICRC --name ... --mediator")
        )
    raise PermissionDeniedError(
        Text("{actor} works in no space", actor=actor.label), hint=Text("this needs a side's or the mediator's role")
    )


def require_role(actor: Actor, roles: frozenset[Role], purpose: str) -> None:
    """Raise PermissionDeniedError unless the actor has one of ``roles`` (the operator always may)."""
    if actor.operator:
        return
    if actor.role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise PermissionDeniedError(
            Text("{actor} may not {purpose}", actor=actor.label, purpose=purpose),
            hint=Text("this needs one of: {allowed}", allowed=allowed),
        )


# ---- users and credentials -------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token(user: User, ttl_days: int) -> str:
    token = secrets.token_urlsafe(32)
    user.token_hash = _token_hash(token)
    user.token_expires_at = _now() + dt.timedelta(days=ttl_days)
    return token


def create_user(
    *, session: Session, name: str, role: str, party_code: str | None, ttl_days: int = 90
) -> tuple[User, str]:
    """Create a user; return it with its API token, which is shown once and stored only as a hash."""
    try:
        role_value = Role(role)
    except ValueError as error:
        raise InputError(
            Text("unknown role"), value=role, hint=Text("use one of: {roles}", roles=", ".join(r.value for r in Role))
        ) from error
    if not name.strip():
        raise InputError(Text("a user needs a name"), column="name")
    party = None
    if role_value in SPACE_ROLES:
        if not party_code:
            raise InputError(
                Text("role {role} needs a party", role=role_value),
                hint=Text("pass --party, e.g. --party UA"),
            )
        party = get_by_code_or_raise(session=session, code=party_code)
        if (role_value == Role.MEDIATOR) != (party.kind == PartyKind.MEDIATOR):
            raise InputError(
                Text(
                    "role {role} does not fit party {party}, which is a {kind}",
                    role=role_value,
                    party=party.code,
                    kind=party.kind,
                ),
                hint=Text("mediators belong to the mediator party; coordinators and viewers to a side"),
            )
    elif party_code:
        raise InputError(
            Text("role {role} has no party", role=role_value),
            value=party_code,
            hint=Text("leave out --party"),
        )
    if session.scalars(select(User).where(User.name == name)).first() is not None:
        raise ConflictError(Text("a user named {name!r} already exists", name=name))
    user = User(name=name, role=role_value.value, party_id=party.id if party else None, token_hash="")
    token = _new_token(user, ttl_days)
    session.add(user)
    session.flush()
    return user, token


def _user_or_raise(session: Session, name: str, *, active_only: bool = True) -> User:
    query = select(User).where(User.name == name)
    if active_only:
        query = query.where(User.active.is_(True))
    user = session.scalars(query).first()
    if user is None:
        raise NotFoundError(
            Text("no active user named {name!r}", name=name), hint=Text("`unforgotten user list` shows them")
        )
    return user


def get_user_by_name_or_raise(*, session: Session, name: str) -> User:
    """Return the active user with this name or raise NotFoundError."""
    return _user_or_raise(session, name)


def get_all_users(*, session: Session) -> Sequence[User]:
    """Return every user by name."""
    return session.scalars(select(User).order_by(User.name)).all()


def deactivate_user(*, session: Session, name: str) -> User:
    """Deactivate a user: the token stops working and every browser session ends at once."""
    user = _user_or_raise(session, name)
    user.active = False
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.flush()
    return user


def rotate_token(*, session: Session, name: str, ttl_days: int = 90) -> tuple[User, str]:
    """Issue a new token (the old one stops working) and end the user's browser sessions."""
    user = _user_or_raise(session, name)
    token = _new_token(user, ttl_days)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.flush()
    return user, token


def actor_for(*, session: Session, user: User) -> Actor:
    """The acting identity of a user, with its party resolved."""
    party = session.get(Party, user.party_id) if user.party_id is not None else None
    return Actor(
        name=user.name,
        role=Role(user.role),
        party_id=user.party_id,
        party_code=party.code if party else None,
        party_kind=party.kind if party else None,
    )


def authenticate(*, session: Session, token: str) -> Actor:
    """Return the actor owning this API token, or raise AuthenticationError (unknown, revoked or expired)."""
    user = session.scalars(select(User).where(User.token_hash == _token_hash(token), User.active.is_(True))).first()
    if user is None:
        raise AuthenticationError(Text("invalid or revoked API token"), hint=Text("ask an admin for a token"))
    if user.token_expires_at is not None and _aware(user.token_expires_at) <= _now():
        raise AuthenticationError(
            Text("the API token has expired"), hint=Text("ask an admin: unforgotten user rotate-token")
        )
    return actor_for(session=session, user=user)


def _open_web_session(session: Session, user: User, ttl_hours: int) -> str:
    raw = secrets.token_urlsafe(32)
    session.add(
        WebSession(id_hash=_token_hash(raw), user_id=user.id, expires_at=_now() + dt.timedelta(hours=ttl_hours))
    )
    session.flush()
    return raw


def create_web_session(*, session: Session, token: str, ttl_hours: int = 12) -> tuple[Actor, str]:
    """Sign in with a token; return the actor and a session id for the cookie (stored only as its hash)."""
    actor = authenticate(session=session, token=token)
    user = _user_or_raise(session, actor.name)
    return actor, _open_web_session(session, user, ttl_hours)


# ---- passwords and the second factor -----------------------------------------------------------------------------


def _ref(user: User) -> str:
    return factors.secret_ref(user.id)


def set_password(*, session: Session, name: str, password: str) -> User:
    """Set a user's password (policy-checked, stored as an argon2 hash) and end their browser sessions."""
    user = _user_or_raise(session, name)
    factors.check_password_policy(name=user.name, password=password)
    user.password_hash = factors.hash_password(password)
    # Whoever signed in with the old password (perhaps the reason for the change) is signed out.
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.flush()
    return user


def enrol_totp(*, session: Session, name: str) -> TotpEnrolment:
    """Give a user a new TOTP secret (any old one stops working); return its otpauth URI and secret, shown once."""
    user = _user_or_raise(session, name)
    enrolment = factors.new_totp_secret(name=user.name)
    user.totp_secret = factors.wrap_secret(enrolment.secret, ref=_ref(user))
    user.totp_last_step = None
    session.flush()
    return enrolment


def change_own_password(*, session: Session, name: str, current: str, new: str, again: str) -> User:
    """A signed-in user changes their own password: the current one first, then the new one twice.

    Why the current password: a browser left signed in must not let the next person at it take the account over.
    A wrong current password is an AuthenticationError, which the caller counts in the sign-in limiter as a guess.
    Every browser session of the user ends, this one included (:func:`set_password`).
    """
    user = _user_or_raise(session, name)
    _require_password(user, current)
    if new != again:
        raise InputError(Text("the two new passwords differ"), hint=Text("type the same new password in both fields"))
    if new == current:
        raise InputError(
            Text("the new password is the current one"), hint=Text("choose a password you have not used here")
        )
    return set_password(session=session, name=name, password=new)


def _require_password(user: User, password: str) -> None:
    if not factors.verify_password(user.password_hash, password):
        raise AuthenticationError(
            Text("the current password is wrong"), hint=Text("type the password you signed in with")
        )


def _pending_ref(user: User) -> str:
    # A secret offered but not yet confirmed is bound to the user and to its being pending, so it can never be
    # replayed as a stored secret (or moved to another user) through the form that carries it.
    return f"{_ref(user)}:pending"


def offer_totp(*, session: Session, name: str, password: str) -> tuple[TotpEnrolment, bytes]:
    """Start enrolling a new authenticator: check the password, and return a new secret with that secret sealed for
    the form that confirms it. Nothing is stored yet, so the old authenticator keeps working until a code from the
    new one proves it was added (a secret replaced at once would lock out someone who never scanned it)."""
    user = _user_or_raise(session, name)
    _require_password(user, password)
    enrolment = factors.new_totp_secret(name=user.name)
    return enrolment, factors.wrap_secret(enrolment.secret, ref=_pending_ref(user))


def reopen_offer(*, session: Session, name: str, sealed: bytes) -> TotpEnrolment | None:
    """The offered secret again (to show it beside a mistyped code), or ``None`` if ``sealed`` is not this user's."""
    user = _user_or_raise(session, name)
    secret = _offered_secret(user, sealed)
    return None if secret is None else factors.enrolment_for(name=user.name, secret=secret)


def _offered_secret(user: User, sealed: bytes) -> str | None:
    """The secret :func:`offer_totp` sealed for this user, or ``None`` when ``sealed`` is not that."""
    try:
        return factors.unwrap_secret(sealed, ref=_pending_ref(user))
    except ConfigurationError:
        return None


def confirm_totp(*, session: Session, name: str, sealed: bytes, code: str) -> User:
    """Store the offered secret once ``code`` is a current code of it; the old secret stops working."""
    user = _user_or_raise(session, name)
    secret = _offered_secret(user, sealed)
    if secret is None:
        raise InputError(Text("this enrolment form is not valid any more"), hint=Text("start the enrolment again"))
    step = factors.matching_step(secret, code)
    if step is None:
        raise InputError(
            Text("the code does not match the new authenticator entry"),
            hint=Text("type the six digits the app shows now for Unforgotten (the newest entry), before they change"),
        )
    user.totp_secret = factors.wrap_secret(secret, ref=_ref(user))
    user.totp_last_step = step
    session.flush()
    return user


def second_factor_required(user: User) -> bool:
    """Whether a password sign-in also needs a code: always for coordinators and the mediator, or once enrolled."""
    return Role(user.role) in SECOND_FACTOR_ROLES or user.totp_secret is not None


def sign_in(
    *, session: Session, name: str, password: str, code: str | None = None, ttl_hours: int = 12
) -> tuple[Actor, str]:
    """Sign in with name, password and (when required) a one-time code; return the actor and a session id.

    An unknown name, a wrong password and a wrong, stale or reused code all raise the same AuthenticationError, in
    about the same time, so a guesser learns nothing about which was wrong. A coordinator or mediator whose password
    is right but who has no second factor yet is told how to enrol: only someone holding the password sees that.
    """
    # FOR UPDATE: two sign-ins racing with one code must not both pass the replay check (PostgreSQL; SQLite has a
    # single writer, and the later transaction fails on its stale read).
    user = session.scalars(select(User).where(User.name == name, User.active.is_(True)).with_for_update()).first()
    if user is None:
        factors.dummy_verify(password)
        raise AuthenticationError(_SIGN_IN_FAILED, hint=Text("check them and try again"))
    if not factors.verify_password(user.password_hash, password):
        raise AuthenticationError(_SIGN_IN_FAILED, hint=Text("check them and try again"))
    if second_factor_required(user):
        if user.totp_secret is None:
            raise SecondFactorMissingError(
                Text("{user} must also give a one-time code, and has no authenticator enrolled yet", user=user.name),
                hint=Text(
                    "ask an administrator to run: unforgotten user totp {user} — then add the secret it prints to an "
                    "authenticator app",
                    user=user.name,
                ),
            )
        secret = factors.unwrap_secret(user.totp_secret, ref=_ref(user))
        step = factors.matching_step(secret, code or "")
        if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
            raise AuthenticationError(_SIGN_IN_FAILED, hint=Text("check them and try again"))
        user.totp_last_step = step
    if user.password_hash is not None and factors.needs_rehash(user.password_hash):
        user.password_hash = factors.hash_password(password)
    return actor_for(session=session, user=user), _open_web_session(session, user, ttl_hours)


def session_actor(*, session: Session, session_id: str) -> Actor:
    """The actor of a live browser session, or AuthenticationError when it ended, expired or never was."""
    row = session.scalars(select(WebSession).where(WebSession.id_hash == _token_hash(session_id))).first()
    user = session.get(User, row.user_id) if row is not None else None
    if row is None or user is None or not user.active or _aware(row.expires_at) <= _now():
        raise AuthenticationError(Text("your session has ended"), hint=Text("sign in again"))
    return actor_for(session=session, user=user)


def end_web_session(*, session: Session, session_id: str) -> bool:
    """End a browser session server-side (logout); True when there was one."""
    result = session.execute(delete(WebSession).where(WebSession.id_hash == _token_hash(session_id)))
    return bool(getattr(result, "rowcount", 0))
