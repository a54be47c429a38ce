"""Documents' files, stored content-addressed: ``<data dir>/documents/<sha[:2]>/<sha>``, written once, never changed.

The data dir sits next to the database (``talks.db`` → ``talks-data/``); for a server database, in the working
directory (``unforgotten-data/``). The same bytes are stored once however often they are recorded.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from unforgotten.errors import FileReadError, IntegrityError, Text

__all__ = ["data_dir", "read", "stored_path", "store"]


def data_dir(database_url: str) -> Path:
    """Where stored files live for this database."""
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and database_url[len(prefix) :] not in ("", ":memory:"):
        db = Path(database_url[len(prefix) :])
        return db.parent / f"{db.stem}-data"
    return Path("unforgotten-data")


def stored_path(root: Path, sha256: str) -> Path:
    """The path of the file with this hash under ``root``."""
    return root / "documents" / sha256[:2] / sha256


def store(root: Path, source: Path) -> tuple[str, int]:
    """Copy ``source`` into the store (once per content); return its SHA-256 and size."""
    if not source.is_file():
        raise FileReadError(Text("file not found"), file=str(source), hint=Text("check the path"))
    digest = hashlib.sha256()
    with source.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    sha = digest.hexdigest()
    target = stored_path(root, sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written to a temporary name and renamed: a crash never leaves a half file under a hash it does not have.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        os.close(fd)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    return sha, source.stat().st_size


def read(root: Path, sha256: str) -> bytes:
    """The stored bytes, checked against their hash."""
    path = stored_path(root, sha256)
    if not path.is_file():
        raise IntegrityError(
            Text("stored document {sha256} is missing", sha256=sha256),
            hint=Text("restore {path} from a backup", path=path),
        )
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise IntegrityError(
            Text("stored document {sha256} was changed", sha256=sha256),
            hint=Text("restore {path} from a backup", path=path),
        )
    return data
