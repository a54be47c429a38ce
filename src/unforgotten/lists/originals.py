"""The files lists came from, kept whole: content-addressed (SHA-256), compressed, in the database.

Why: a quarantined or warned row must be showable as it was, and a dispute about what a party sent is settled by
the file itself, not by what the reader made of it. Stored once per distinct content (a re-sent file costs
nothing); read back only through the list, so only those who may see the list may see its file, and the bytes
are checked against the hash the list recorded at import.
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path

from sqlalchemy.orm import Session

from unforgotten.auth.service import Actor
from unforgotten.errors import IntegrityError, NotFoundError, Text
from unforgotten.lists.models import StoredFile

__all__ = ["read_original", "store_original"]

_CHUNK = 1 << 20


def store_original(*, session: Session, path: Path, sha256: str) -> None:
    """Keep the file (once per content), deflate-compressed; ``sha256`` is the file's hash, as the list has it."""
    if session.get(StoredFile, sha256) is not None:
        return
    compressor = zlib.compressobj(level=1)  # fast: a 200,000-row CSV in well under a second
    parts: list[bytes] = []
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            size += len(chunk)
            parts.append(compressor.compress(chunk))
    parts.append(compressor.flush())
    session.add(StoredFile(sha256=sha256, size=size, compression="deflate", content=b"".join(parts)))
    session.flush()


def read_original(*, session: Session, actor: Actor, list_id: int) -> tuple[str, bytes]:
    """The list's file name and bytes, for someone who may see the list; checked against the recorded hash."""
    from unforgotten.lists.service import get_visible_or_raise

    found = get_visible_or_raise(session=session, actor=actor, list_id=list_id)
    stored = session.get(StoredFile, found.file_hash)
    if stored is None:
        raise NotFoundError(
            Text("the file of list {list_id} was not kept (it was imported before files were stored)", list_id=list_id),
            hint=Text("ask its party for the file; lists imported from now on keep theirs"),
        )
    content = zlib.decompress(stored.content)
    if hashlib.sha256(content).hexdigest() != found.file_hash or len(content) != stored.size:
        raise IntegrityError(
            Text("the stored file of list {list_id} does not match the hash recorded at import", list_id=list_id),
            hint=Text("the database was altered: run `unforgotten account` and restore from a backup"),
        )
    return found.file_name, content
