"""Signed checkpoints: the chain head signed with Ed25519, as a receipt that each side and the mediator keep.

Whoever controls the database can rewrite the whole log and recompute every hash, and the chain still verifies.
They cannot re-sign the receipts already handed out: a receipt names an event id and its hash, signed with a key
kept outside the database, and ``unforgotten audit verify --receipts DIR`` checks that this event still has that
hash. The receipt carries its public key, so it verifies alone.

The key is derived from ``UNFORGOTTEN_SECRET_KEY`` when that is set (not the local default), else read from a key
file that ``unforgotten init`` creates with mode 0600: beside a SQLite database (``<db>.checkpoint.key``), or in
the user's configuration directory for other databases (one file per database URL).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from unforgotten.errors import ConfigurationError, IntegrityError, Text
from unforgotten.settings import DEFAULT_SECRET, Settings

__all__ = ["RECEIPT_FORMAT", "Head", "checkpoint_key", "key_file", "open_receipt", "sign"]

RECEIPT_FORMAT = "unforgotten-checkpoint/1"
_HKDF_INFO = b"unforgotten checkpoint signing key v1"


@dataclass(frozen=True)
class Head:
    """What a receipt proves: at ``signed_at`` the chain had ``count`` events, the newest ``event_id`` with ``hash``."""

    event_id: int
    hash: str
    count: int
    signed_at: str


def key_file(database_url: str) -> Path | None:
    """Where the checkpoint key of this database lives; ``None`` for an in-memory SQLite database."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return Path(f"{url.database}.checkpoint.key").resolve()
    name = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return _config_dir() / f"checkpoint-{name}.key"


def _config_dir() -> Path:
    if os.name == "nt" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "unforgotten"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "unforgotten"


def checkpoint_key(settings: Settings, *, create: bool = False) -> Ed25519PrivateKey:
    """The signing key: derived from the secret key when one is set, else the key file (created if asked)."""
    if settings.secret_key != DEFAULT_SECRET:
        seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
            settings.secret_key.encode("utf-8")
        )
        return Ed25519PrivateKey.from_private_bytes(seed)
    path = key_file(settings.database_url)
    if path is None:
        raise ConfigurationError(
            Text("an in-memory database has no place for a checkpoint key"),
            hint=Text("set UNFORGOTTEN_SECRET_KEY, or use a database file"),
        )
    if not path.exists():
        if not create:
            raise ConfigurationError(
                Text("no checkpoint key at {path}", path=path),
                hint=Text("run `unforgotten init`, or set UNFORGOTTEN_SECRET_KEY"),
            )
        _write_new_key(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(
            Text("{path} does not hold an Ed25519 key", path=path), hint=Text("move it away and run `unforgotten init`")
        )
    return key


def _write_new_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:  # O_EXCL: two processes starting at once keep the first key, never overwrite it
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


def _payload(head: Head) -> bytes:
    return json.dumps({"format": RECEIPT_FORMAT, **asdict(head)}, sort_keys=True, separators=(",", ":")).encode()


def _public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign(head: Head, key: Ed25519PrivateKey) -> dict[str, Any]:
    """Sign a chain head; return the receipt (JSON-ready), public key included."""
    public = _public_raw(key.public_key())
    return {
        "format": RECEIPT_FORMAT,
        "head": asdict(head),
        "public_key": base64.b64encode(public).decode("ascii"),
        "key_id": hashlib.sha256(public).hexdigest()[:16],
        "signature": base64.b64encode(key.sign(_payload(head))).decode("ascii"),
    }


def open_receipt(receipt: Mapping[str, Any], *, name: str) -> Head:
    """Check a receipt's signature against the public key it carries; return the head it proves."""
    try:
        if receipt.get("format") != RECEIPT_FORMAT:
            raise ValueError(f"format {receipt.get('format')!r}, expected {RECEIPT_FORMAT!r}")
        fields = receipt["head"]
        head = Head(
            event_id=int(fields["event_id"]),
            hash=str(fields["hash"]),
            count=int(fields["count"]),
            signed_at=str(fields["signed_at"]),
        )
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(receipt["public_key"]))
        signature = base64.b64decode(receipt["signature"])
    except (KeyError, TypeError, ValueError) as error:
        raise IntegrityError(
            Text("receipt {name} cannot be read: {error}", name=name, error=error),
            hint=Text("is it a checkpoint receipt?"),
        ) from error
    try:
        public.verify(signature, _payload(head))
    except InvalidSignature as error:
        raise IntegrityError(
            Text(
                "receipt {name}: its signature does not match its content (the receipt itself was altered)", name=name
            ),
            hint=Text("compare it with the copy another side keeps"),
        ) from error
    return head
