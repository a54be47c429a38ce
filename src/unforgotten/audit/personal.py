"""Personal values in the audit log, sealed with a key per data subject that can be destroyed (crypto-shredding).

An audited model names its personal columns (``__audit_personal__``) and whose they are (``__audit_subject__``:
the subject kind and the attribute holding its id — ``("person", "person_id")``). The recorder moves those values
out of an event's before/after into one sealed box::

    {"id": 7, "status": "requested", "~sealed": {"key": "person:7", "fields": ["display_name"], "box": "<b64>"}}

``box`` is the nonce and the AES-256-GCM ciphertext of the values (JSON), under the subject's data key, with the key
name and field names as associated data. The chain hashes the event as stored, ciphertext included, so destroying
the data key later changes no byte of any event: the chain, the receipts and replay still verify, and the values
read as ``<erased>``. Ids, statuses, parties and who acted stay in clear; so do blank values (``None``, ``""``,
``{}``, ``[]``), which say nothing about anyone and keep replay exact after an erasure.

Data keys live in ``audit_data_keys`` (not audited, not chained), each wrapped with AES-GCM under a key derived
from ``UNFORGOTTEN_SECRET_KEY`` (HKDF), so a copy of the database alone does not open them. One data key per
subject, not per event: erasing a person destroys one row. Measured cost: see ``docs/security.md``.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from unforgotten.audit.models import DataKey
from unforgotten.db import copy_rows
from unforgotten.errors import ConfigurationError, ConflictError, Text

__all__ = [
    "ERASED",
    "HIDDEN",
    "PERSONAL",
    "SEALED",
    "UNREADABLE",
    "Personal",
    "is_blank",
    "mark_erased",
    "open_values",
    "personal_of",
    "personal_tables",
    "prefetch",
    "seal",
    "seal_changes",
    "subject_ref",
    "unseal",
]

SEALED = "~sealed"  # a key no column can have
ERASED = "<erased>"  # the subject's key was destroyed
PERSONAL = "<personal>"  # a sealed value shown to a reader who may verify the log but not read the persons
HIDDEN = "<hidden>"  # any other value, to the same readers
UNREADABLE = "<unreadable>"  # the key exists but does not open (another secret key), or is missing
_WRAP_INFO = b"unforgotten audit data-key wrapping key v1"
_CACHE = "_audit_data_keys"  # session.info: subject -> its cipher, or ERASED / UNREADABLE; for one transaction
_LOOKUP_CHUNK = 900  # below SQLite's default 999 bound parameters


@dataclass(frozen=True)
class Personal:
    """Which columns of a model are personal, and whose: ``subject`` kind and the attribute holding its id."""

    fields: frozenset[str]
    subject: str
    attribute: str


def personal_of(cls: type) -> Personal | None:
    """The personal columns a model declares, or ``None`` when it declares none."""
    fields: frozenset[str] = getattr(cls, "__audit_personal__", frozenset())
    if not fields:
        return None
    subject, attribute = getattr(cls, "__audit_subject__", ("person", "person_id"))
    return Personal(fields, subject, attribute)


@lru_cache(maxsize=1)
def personal_tables() -> dict[str, tuple[type, Personal]]:
    """Every mapped table that declares personal columns, by table name."""
    import unforgotten.models  # noqa: F401  (every table mapped)
    from unforgotten.db import Base

    found: dict[str, tuple[type, Personal]] = {}
    for mapper in Base.registry.mappers:
        spec = personal_of(mapper.class_)
        if spec is not None:
            found[mapper.class_.__tablename__] = (mapper.class_, spec)
    return found


def subject_ref(kind: str, subject_id: Any) -> str:
    """The name of a subject's key, e.g. ``person:42``."""
    return f"{kind}:{subject_id}"


def is_blank(value: Any) -> bool:
    """A value that says nothing about anyone: kept in clear, never sealed."""
    return value is None or value == "" or value == {} or value == []


@lru_cache(maxsize=4)
def _wrapping(secret: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_WRAP_INFO).derive(secret.encode("utf-8"))
    return AESGCM(key)


def _wrapping_key() -> AESGCM:
    from unforgotten.settings import get_settings

    return _wrapping(get_settings().secret_key)


# Subject -> its raw key (32 bytes), or ERASED / UNREADABLE. Raw keys, not ciphers: an AESGCM object holds
# some 2.4 KB, and a 200,000-row link makes 130,000 persons' keys in one transaction (+310 MB); one costs 1 µs to
# make when a value is sealed or opened.
_Cache = dict[str, bytes | str]


def _cache(session: Session) -> _Cache:
    cache: _Cache | None = session.info.get(_CACHE)
    if cache is None:
        cache = session.info[_CACHE] = {}
        if not event.contains(session, "after_soft_rollback", _forget):
            # A key made in a transaction (or savepoint) that rolls back is gone; a key cached across a commit
            # could be destroyed by another process meanwhile: the cache lives for one transaction.
            event.listen(session, "after_soft_rollback", _forget)
            event.listen(session, "after_commit", _forget)
    return cache


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_CACHE, None)


def mark_erased(session: Session, ref: str) -> None:
    """Tell this transaction's key cache that ``ref``'s key was just destroyed."""
    _cache(session)[ref] = ERASED


def _load(session: Session, cache: _Cache, refs: Iterable[str]) -> None:
    """Cache the keys of ``refs`` not cached yet: a raw key, ERASED, or UNREADABLE; a subject with no key stays out."""
    missing = sorted({r for r in refs if r not in cache})
    wrapping = _wrapping_key()
    connection = session.connection()
    for start in range(0, len(missing), _LOOKUP_CHUNK):
        chunk = missing[start : start + _LOOKUP_CHUNK]
        rows = connection.execute(select(DataKey.subject, DataKey.wrapped).where(DataKey.subject.in_(chunk)))
        for ref, wrapped in rows:
            if wrapped is None:
                cache[ref] = ERASED
                continue
            try:
                cache[ref] = wrapping.decrypt(wrapped[:12], wrapped[12:], ref.encode())
            except InvalidTag:
                cache[ref] = UNREADABLE  # wrapped under another secret key


def _create(session: Session, cache: _Cache, refs: list[str]) -> None:
    if not refs:
        return
    wrapping = _wrapping_key()
    now = dt.datetime.now(dt.UTC)
    # copy_rows, not insert(): linking makes a key per new person, 200,000 for a big list, and SQLAlchemy's
    # per-row parameter processing would cost more than the keys themselves. SQLite stores times as text.
    created: Any = now if session.connection().dialect.name == "postgresql" else f"{now:%Y-%m-%d %H:%M:%S.%f}"
    rows = []
    randomness = memoryview(os.urandom(44 * len(refs)))  # one system call, not two per key
    for index, ref in enumerate(refs):
        key, nonce = (
            bytes(randomness[44 * index : 44 * index + 32]),
            bytes(randomness[44 * index + 32 : 44 * index + 44]),
        )
        rows.append((ref, nonce + wrapping.encrypt(nonce, key, ref.encode()), created))
        cache[ref] = key
    copy_rows(session, DataKey.__tablename__, ("subject", "wrapped", "created_at"), rows)


def seal_changes(session: Session, changes: list[dict[str, Any]]) -> None:
    """Seal the personal values of ``changes`` in place; each may name ``personal`` (its subject ref, fields and,
    optionally, whether the change inserts the subject itself, which then has no key to look up).

    Keys are looked up, and made for new subjects, once per batch, so a bulk write of 200,000 persons costs a few
    hundred lookups, not one per event. A subject already erased refuses new personal values.
    """
    wanted: dict[str, None] = {}
    fresh: dict[str, None] = {}  # subjects inserted by these very changes: no key to look up
    for change in changes:
        target = change.get("personal")
        if target is not None and _has_values(change, target[1]):
            (fresh if len(target) > 2 and target[2] else wanted)[target[0]] = None
    if not wanted and not fresh:
        return
    cache = _cache(session)
    _load(session, cache, [ref for ref in wanted if ref not in fresh])
    _create(session, cache, [ref for ref in {**fresh, **wanted} if ref not in cache])
    nonces = _Nonces(2 * len(changes))
    for change in changes:
        target = change.pop("personal", None)
        if target is None:
            continue
        ref, fields = target[0], target[1]
        for side in ("before", "after"):
            values = change[side]
            if values is not None:
                change[side] = _seal(cache, ref, fields, values, nonces)


def _has_values(change: Mapping[str, Any], fields: frozenset[str]) -> bool:
    for side in ("before", "after"):
        values = change.get(side)
        if values and any(not is_blank(values.get(f)) for f in fields if f in values):
            return True
    return False


class _Nonces:
    """Random 96-bit nonces drawn from one ``os.urandom`` call per batch (a system call costs about a seal)."""

    def __init__(self, count: int) -> None:
        self._pool = memoryview(os.urandom(12 * count))
        self._next = 0

    def __call__(self) -> bytes:
        if self._next + 12 > len(self._pool):
            return os.urandom(12)
        nonce = bytes(self._pool[self._next : self._next + 12])
        self._next += 12
        return nonce


def _seal(
    cache: _Cache, ref: str, fields: frozenset[str], values: dict[str, Any], nonces: _Nonces | None = None
) -> dict[str, Any]:
    hidden = {f: values[f] for f in fields if f in values and not is_blank(values[f])}
    if not hidden:
        return values
    cipher = cache[ref]
    if cipher == ERASED:
        raise ConflictError(
            Text(
                "{ref} was erased: its personal data ({hidden}) cannot be recorded again",
                ref=ref.replace(":", " "),
                hidden=", ".join(sorted(hidden)),
            ),
            hint=Text("an erased subject's personal fields stay blank"),
        )
    if not isinstance(cipher, bytes):
        raise ConfigurationError(
            Text("the key of {ref} does not open with this UNFORGOTTEN_SECRET_KEY", ref=ref),
            hint=Text("run with the secret key the database was written with"),
        )
    return seal(AESGCM(cipher), ref, hidden, values, nonce=None if nonces is None else nonces())


def seal(
    cipher: AESGCM, ref: str, hidden: Mapping[str, Any], values: Mapping[str, Any], *, nonce: bytes | None = None
) -> dict[str, Any]:
    """``values`` with the ``hidden`` ones replaced by one box sealed under ``cipher`` (key name and fields bound)."""
    names = sorted(hidden)
    nonce = nonce or os.urandom(12)
    box = cipher.encrypt(nonce, orjson.dumps([hidden[n] for n in names]), f"{ref}|{','.join(names)}".encode())
    kept = {k: v for k, v in values.items() if k not in hidden}
    kept[SEALED] = {"key": ref, "fields": names, "box": base64.b64encode(nonce + box).decode("ascii")}
    return kept


def unseal(cipher: AESGCM, sealed: Mapping[str, Any]) -> dict[str, Any]:
    """The values in a sealed box; raise ``InvalidTag`` for another key, a changed box or changed field names."""
    ref, names = str(sealed["key"]), [str(n) for n in sealed["fields"]]
    raw = base64.b64decode(sealed["box"])
    plain = orjson.loads(cipher.decrypt(raw[:12], raw[12:], f"{ref}|{','.join(names)}".encode()))
    return dict(zip(names, plain, strict=True))


def _cipher(session: Session, ref: str) -> AESGCM | str:
    """The subject's cipher for this transaction, or ``<erased>`` / ``<unreadable>`` in its place."""
    cache = _cache(session)
    if ref not in cache:
        _load(session, cache, [ref])
    key = cache.get(ref, UNREADABLE)
    return AESGCM(key) if isinstance(key, bytes) else key


def open_values(session: Session, values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """An event's before/after with its sealed values opened, or ``<erased>`` / ``<unreadable>`` in their place."""
    if values is None or SEALED not in values:
        return None if values is None else dict(values)
    sealed = values[SEALED]
    names = [str(n) for n in sealed["fields"]]
    opened = {k: v for k, v in values.items() if k != SEALED}
    cipher = _cipher(session, str(sealed["key"]))
    if isinstance(cipher, str):
        opened.update(dict.fromkeys(names, cipher))
        return opened
    try:
        opened.update(unseal(cipher, sealed))
    except (InvalidTag, ValueError):
        opened.update(dict.fromkeys(names, UNREADABLE))
    return opened


def masked_values(session: Session, values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """An event's before/after with its fields named and no value shown: a sealed one reads ``<personal>`` (or
    ``<erased>`` once its subject's key is destroyed), any other ``<hidden>`` (``None`` stays ``None``).

    For readers who verify the log across both sides (the auditor, the admin): they see what changed, when and by
    whom, never a side's names, file names or free text — those are the sides' data, not the log's.
    """
    if values is None:
        return None
    shown: dict[str, Any] = {k: (None if v is None else HIDDEN) for k, v in values.items() if k != SEALED}
    if SEALED in values:
        sealed = values[SEALED]
        cipher = _cipher(session, str(sealed["key"]))
        shown.update(dict.fromkeys(map(str, sealed["fields"]), cipher if isinstance(cipher, str) else PERSONAL))
    return shown


def prefetch(session: Session, rows: Iterable[Mapping[str, Any] | None]) -> None:
    """Load at once the keys that a batch of before/after values is sealed with (readers of many events)."""
    refs = [str(v[SEALED]["key"]) for v in rows if v and SEALED in v]
    if refs:
        _load(session, _cache(session), refs)
