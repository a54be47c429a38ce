"""Signing keys: one active Ed25519 key per user, registered by its fingerprint, rotated and revoked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from unforgotten.auth.service import get_user_by_name_or_raise
from unforgotten.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError, Text
from unforgotten.exchanges import acts
from unforgotten.exchanges.models import SigningKey

__all__ = ["create", "get_active", "get_all", "private_key_for", "revoke"]


def create(*, session: Session, user_name: str, passphrase: str | None = None, store: bool = False) -> tuple[
    SigningKey, bytes
]:  # fmt: skip
    """Make a key pair for a user; register its public key (revoking the previous one: rotation).

    Returns the key and its private PEM (encrypted when a passphrase is given). With ``store``, the PEM is also
    kept in the database — only encrypted, so a passphrase is then required.
    """
    user = get_user_by_name_or_raise(session=session, name=user_name)
    if store and not passphrase:
        raise InputError(Text("a stored private key must be encrypted"), hint=Text("give a passphrase"))
    private = acts.generate_private_key()
    pem = acts.private_key_pem(private, passphrase)
    now = dt.datetime.now(dt.UTC)
    for old in session.scalars(
        select(SigningKey).where(SigningKey.user_id == user.id, SigningKey.revoked_at.is_(None))
    ):
        old.revoked_at = now
    public = acts.public_key_b64(private)
    key = SigningKey(user_id=user.id, public_key=public, fingerprint=acts.fingerprint(public),
                     encrypted_private_key=pem.decode("ascii") if store else None)  # fmt: skip
    session.add(key)
    session.flush()
    return key, pem


def get_all(*, session: Session, user_name: str) -> Sequence[SigningKey]:
    """A user's keys, newest first, revoked ones too."""
    user = get_user_by_name_or_raise(session=session, name=user_name)
    return session.scalars(select(SigningKey).where(SigningKey.user_id == user.id).order_by(SigningKey.id.desc())).all()


def get_active(*, session: Session, user_name: str) -> SigningKey:
    """The user's key in force, or NotFoundError saying how to make one."""
    user = get_user_by_name_or_raise(session=session, name=user_name)
    key = session.scalars(
        select(SigningKey).where(SigningKey.user_id == user.id, SigningKey.revoked_at.is_(None))
    ).first()
    if key is None:
        raise NotFoundError(
            Text("{user_name} has no signing key in force", user_name=user_name),
            hint=Text("unforgotten user key {user_name}", user_name=user_name),
        )
    return key


def revoke(*, session: Session, user_name: str, fingerprint: str | None = None) -> SigningKey:
    """Revoke the user's key in force (or the named one): it signs nothing more; past signatures stay."""
    user = get_user_by_name_or_raise(session=session, name=user_name)
    query = select(SigningKey).where(SigningKey.user_id == user.id, SigningKey.revoked_at.is_(None))
    if fingerprint:
        query = query.where(SigningKey.fingerprint == fingerprint.lower())
    key = session.scalars(query).first()
    if key is None:
        raise NotFoundError(Text("{user_name} has no such key in force", user_name=user_name))
    key.revoked_at = dt.datetime.now(dt.UTC)
    session.flush()
    return key


def private_key_for(
    *, session: Session, user_name: str, pem: bytes | None, passphrase: str | None
) -> tuple[Ed25519PrivateKey, SigningKey]:
    """The user's private key (from their file, or the stored encrypted one), checked against their key in force."""
    key = get_active(session=session, user_name=user_name)
    if pem is None:
        if key.encrypted_private_key is None:
            raise InputError(
                Text("the private key is not stored here"), hint=Text("pass --key FILE (the file `user key` wrote)")
            )
        pem = key.encrypted_private_key.encode("ascii")
    private = acts.load_private_key(pem, passphrase)
    if acts.public_key_b64(private) != key.public_key:
        revoked = session.scalars(
            select(SigningKey).where(SigningKey.public_key == acts.public_key_b64(private))
        ).first()
        if revoked is not None:
            raise PermissionDeniedError(
                Text("this key of {user_name} was revoked", user_name=user_name), hint=Text("use the key in force")
            )
        raise ConflictError(
            Text("this is not {user_name}'s registered key", user_name=user_name),
            hint=Text("in force: {fingerprint}", fingerprint=key.fingerprint),
        )
    return private, key
