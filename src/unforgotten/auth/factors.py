"""Sign-in factors without a database: argon2 password hashes, the password policy, TOTP (RFC 6238) secrets.

The TOTP secret has to be readable to check a code, so unlike a password it cannot be hashed. It is wrapped the way
``audit/personal.py`` wraps data keys: AES-256-GCM under a key derived (HKDF-SHA256) from ``UNFORGOTTEN_SECRET_KEY``,
with the user's reference as associated data, so a copy of the database alone gives nobody a second factor and a
wrapped secret cannot be moved onto another user's row.
"""

from __future__ import annotations

import hmac
import os
import time
from dataclasses import dataclass
from functools import lru_cache

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from unforgotten.errors import ConfigurationError, InputError, Text

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "TOTP_ISSUER",
    "TotpEnrolment",
    "check_password_policy",
    "dummy_verify",
    "hash_password",
    "matching_step",
    "needs_rehash",
    "new_totp_secret",
    "secret_ref",
    "unwrap_secret",
    "verify_password",
    "wrap_secret",
]

MIN_PASSWORD_LENGTH = 12
_MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a megabyte "password" is a way to burn our CPU, not a secret
TOTP_ISSUER = "Unforgotten"
_STEP_SECONDS = 30  # RFC 6238's default, what every authenticator app uses
_WINDOW = 1  # accept the previous and next step too: a phone's clock a little off, a code typed as it rolls over
_WRAP_INFO = b"unforgotten totp-secret wrapping key v1"

# argon2-cffi's defaults are RFC 9106's second recommended profile (argon2id, 64 MiB, t=3, p=4).
_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not a password anyone has: " + os.urandom(16).hex())


@dataclass(frozen=True)
class TotpEnrolment:
    """What the user's authenticator needs, shown once: the ``otpauth://`` URI (a QR code's content) and the secret."""

    uri: str
    secret: str


def check_password_policy(*, name: str, password: str) -> None:
    """Raise InputError unless the password is long enough, not absurdly long, and not the user's own name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            Text(
                "the password is {length} characters long; it needs at least {minimum}",
                length=len(password),
                minimum=MIN_PASSWORD_LENGTH,
            ),
            hint=Text("a few unrelated words make a long password that is easy to type"),
        )
    if len(password) > _MAX_PASSWORD_LENGTH:
        raise InputError(
            Text("the password is longer than {maximum} characters", maximum=_MAX_PASSWORD_LENGTH),
            hint=Text("choose a shorter one"),
        )
    if password.strip().casefold() == name.strip().casefold():
        raise InputError(
            Text("the password may not be the user name"), hint=Text("choose something nobody can read off a list")
        )


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string, salt included) to store instead of the password."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored``; with nothing stored, spend the same time and say False."""
    if stored is None:
        dummy_verify(password)
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify(password: str) -> None:
    """Spend what a real verification costs, so an unknown user name answers as slowly as a wrong password."""
    try:
        _hasher.verify(_dummy_hash(), password)
    except VerificationError:
        pass


def needs_rehash(stored: str) -> bool:
    """True when the stored hash uses weaker parameters than today's: rehash it while the password is at hand."""
    return _hasher.check_needs_rehash(stored)


def new_totp_secret(*, name: str) -> TotpEnrolment:
    """A fresh random TOTP secret (160 bits, base32) and its ``otpauth://`` URI for an authenticator app."""
    return enrolment_for(name=name, secret=pyotp.random_base32(32))


def enrolment_for(*, name: str, secret: str) -> TotpEnrolment:
    """The ``otpauth://`` URI of a known secret, for showing it again."""
    uri = pyotp.TOTP(secret, interval=_STEP_SECONDS).provisioning_uri(name=name, issuer_name=TOTP_ISSUER)
    return TotpEnrolment(uri=uri, secret=secret)


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step whose code ``code`` is, within one step either side of now; ``None`` when it matches none.

    The caller refuses a step at or before the last one it accepted, so a code works once.
    """
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret, interval=_STEP_SECONDS)
    current = int((time.time() if now is None else now) // _STEP_SECONDS)
    found = None
    for step in range(current - _WINDOW, current + _WINDOW + 1):
        # Check every step (no early exit) and compare in constant time: timing says nothing about which matched.
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


@lru_cache(maxsize=4)
def _wrapping(secret_key: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_WRAP_INFO).derive(secret_key.encode("utf-8"))
    return AESGCM(key)


def _wrapping_key() -> AESGCM:
    from unforgotten.settings import get_settings

    return _wrapping(get_settings().secret_key)


def secret_ref(user_id: int) -> str:
    """What a user's wrapped TOTP secret is bound to (associated data): its row, so it cannot be moved."""
    return f"users:{user_id}"


def wrap_secret(secret: str, *, ref: str) -> bytes:
    """The TOTP secret sealed for storage: nonce + AES-GCM ciphertext, bound to ``ref`` (e.g. ``users:7``)."""
    nonce = os.urandom(12)
    return nonce + _wrapping_key().encrypt(nonce, secret.encode("ascii"), ref.encode("utf-8"))


def unwrap_secret(wrapped: bytes, *, ref: str) -> str:
    """The stored TOTP secret in clear, or ConfigurationError when it was wrapped under another secret key."""
    try:
        return _wrapping_key().decrypt(wrapped[:12], wrapped[12:], ref.encode("utf-8")).decode("ascii")
    except (InvalidTag, ValueError) as error:  # ValueError: too short to hold a nonce (a form's field cut short)
        raise ConfigurationError(
            Text("the one-time-code secret of {ref} does not open with this UNFORGOTTEN_SECRET_KEY", ref=ref),
            hint=Text(
                "run with the secret key the database was written with, or enrol again: unforgotten user totp NAME"
            ),
        ) from error
