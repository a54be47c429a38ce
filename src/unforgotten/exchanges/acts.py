"""Handover acts as documents anyone can check offline: canonical JSON, SHA-256, Ed25519 signatures.

Pure: no database, no web. An act is ``{"payload": {...}, "sha256": hex, "signatures": [...]}``. The payload's
canonical serialisation (keys sorted, no insignificant whitespace, UTF-8, no ASCII escaping) is what is hashed;
each signer signs the 32 raw bytes of that SHA-256 with their own Ed25519 key. A key's fingerprint is
``sha256:`` + the hex SHA-256 of its 32 raw public bytes — what the parties compare out of band.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from unforgotten.errors import InputError, Text

__all__ = [
    "OFFICER_ROLES",
    "Verification",
    "canonical",
    "digest",
    "fingerprint",
    "generate_private_key",
    "load_private_key",
    "parse_trusted_keys",
    "private_key_pem",
    "public_key_b64",
    "sign",
    "verify_act",
]

# Who may sign for a side at the crossing: its officers, and its coordinators acting as officers.
OFFICER_ROLES = frozenset({"officer", "party_coordinator"})


def canonical(payload: Mapping[str, Any]) -> bytes:
    """The canonical serialisation of a payload: what is hashed and signed.

    Examples:
        >>> canonical({"b": 1, "a": "Шевчук"})
        b'{"a":"\\xd0\\xa8\\xd0\\xb5\\xd0\\xb2\\xd1\\x87\\xd1\\x83\\xd0\\xba","b":1}'
    """
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(payload: Mapping[str, Any]) -> str:
    """The hex SHA-256 of the canonical payload."""
    return hashlib.sha256(canonical(payload)).hexdigest()


def fingerprint(public_key: str) -> str:
    """``sha256:<hex>`` of a base64 raw Ed25519 public key."""
    return "sha256:" + hashlib.sha256(base64.b64decode(public_key)).hexdigest()


def generate_private_key() -> Ed25519PrivateKey:
    """A new Ed25519 private key."""
    return Ed25519PrivateKey.generate()


def public_key_b64(key: Ed25519PrivateKey) -> str:
    """The base64 of the key's 32 raw public bytes."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def private_key_pem(key: Ed25519PrivateKey, passphrase: str | None = None) -> bytes:
    """PKCS#8 PEM of the private key, encrypted with the passphrase when one is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def load_private_key(pem: bytes, passphrase: str | None = None) -> Ed25519PrivateKey:
    """Read a PEM private key (decrypting it with the passphrase); an InputError says what is wrong."""
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase.encode("utf-8") if passphrase else None)
    except (ValueError, TypeError) as error:
        raise InputError(
            Text("the private key cannot be read"), hint=Text("{error}; check the file and the passphrase", error=error)
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(
            Text("the private key is not an Ed25519 key"), hint=Text("make one with `unforgotten user key NAME`")
        )
    return key


def sign(key: Ed25519PrivateKey, sha256: str) -> str:
    """Sign the 32 raw bytes of a hex SHA-256; return the base64 signature."""
    return base64.b64encode(key.sign(bytes.fromhex(sha256))).decode("ascii")


def parse_trusted_keys(text: str) -> set[str]:
    """Fingerprints pinned in a trusted-keys file: one ``sha256:…`` per line, anything after it a comment."""
    pinned: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        word = line.split("#", 1)[0].strip().split(maxsplit=1)
        if not word:
            continue
        if not word[0].startswith("sha256:") or len(word[0]) != 71:
            raise InputError(
                Text("not a key fingerprint"), row=number, value=word[0], hint=Text("expected sha256:<64 hex>")
            )
        pinned.add(word[0].lower())
    return pinned


@dataclass
class Verification:
    """What `act verify` found: failures (exit 7) and warnings (still exit 0)."""

    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    verified: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _required(payload: Mapping[str, Any]) -> list[tuple[str, frozenset[str]]]:
    parties = payload.get("parties") if isinstance(payload.get("parties"), dict) else {}
    assert isinstance(parties, dict)
    out = [(str(side), OFFICER_ROLES) for side in parties.get("sides", []) or []]
    if parties.get("mediator"):
        out.append((str(parties["mediator"]), frozenset({"mediator"})))
    return out


def verify_act(document: object, trusted: Iterable[str] | None = None) -> Verification:
    """Check an act offline: its hash, every signature, that each side's officer and the mediator signed.

    Args:
        document: the decoded ACT.json.
        trusted: pinned fingerprints; without them, keys are taken from the act itself (with a warning).

    Returns:
        The verification, naming each failure.
    """
    result = Verification()
    if not isinstance(document, dict) or not isinstance(document.get("payload"), dict):
        result.failures.append("the act has no payload object")
        return result
    payload: dict[str, Any] = document["payload"]
    recomputed = digest(payload)
    if document.get("sha256") != recomputed:
        result.failures.append(
            f"sha256 does not match the payload: the act says {document.get('sha256')!r}, the payload hashes to "
            f"{recomputed} (the payload or the hash was changed)"
        )
    signatures = document.get("signatures")
    if not isinstance(signatures, list) or not signatures:
        result.failures.append("the act carries no signatures")
        return result
    pinned = None if trusted is None else {t.lower() for t in trusted}
    good: list[Mapping[str, Any]] = []
    for index, signature in enumerate(signatures):
        good.extend(_check_signature(result, index, signature, recomputed, pinned))
    for party, roles in _required(payload):
        if not any(s.get("party") == party and s.get("role") in roles for s in good):
            who = "the mediator" if roles == frozenset({"mediator"}) else f"an officer of {party}"
            result.failures.append(f"no valid signature of {who}")
    if pinned is None:
        result.warnings.append(
            "the signers' keys are not pinned (--trusted-keys): anyone could have made these keys; compare the "
            "fingerprints with those the parties registered"
        )
    return result


def _check_signature(
    result: Verification, index: int, signature: object, sha256: str, pinned: set[str] | None
) -> Sequence[Mapping[str, Any]]:
    if not isinstance(signature, dict) or not all(
        isinstance(signature.get(k), str) for k in ("signer", "role", "party", "public_key", "signature")
    ):
        result.failures.append(f"signatures[{index}] lacks signer, role, party, public_key or signature")
        return []
    name = f"signature {index + 1} ({signature['signer']}, {signature['role']} of {signature['party']})"
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(signature["public_key"], validate=True))
        public.verify(base64.b64decode(signature["signature"], validate=True), bytes.fromhex(sha256))
    except (ValueError, InvalidSignature):
        result.failures.append(f"{name} does not verify over the payload's SHA-256")
        return []
    key_print = fingerprint(signature["public_key"])
    if pinned is not None and key_print not in pinned:
        result.failures.append(f"{name} is made with a key that is not pinned: {key_print}")
        return []
    result.verified.append(f"{name}, key {key_print}")
    return [signature]
