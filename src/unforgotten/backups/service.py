"""Backing up and restoring the whole database, encrypted: SQLite's online backup, ``pg_dump``/``pg_restore``.

Each is an audited event in the database it concerns: ``database.backed_up`` before the copy is taken (so the
backup holds its own record), ``database.restored`` after the restore, appended to the restored chain — so
``audit verify`` and ``account`` pass on the restored database, and its log says when and from what it came back.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

from unforgotten import __version__
from unforgotten.audit.recorder import record
from unforgotten.backups.crypto import check_passphrase, decrypt_file, encrypt_file
from unforgotten.db import Database
from unforgotten.errors import ConfigurationError, ConflictError, Text, UnforgottenError

__all__ = ["backup", "passphrase_from", "restore"]


def _tool(name: str) -> str:
    """``pg_dump``/``pg_restore``: on the PATH, else the newest of the distribution's PostgreSQL binaries."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise ConfigurationError(
            Text("{name} is not installed", name=name),
            hint=Text("install the PostgreSQL client tools (postgresql-client)"),
        )
    return found


def _libpq(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str], doing: str) -> None:
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise UnforgottenError(
            Text("{doing} failed: {stderr}", doing=doing, stderr=completed.stderr.strip()[-500:]),
            hint=Text("see the message above"),
        )


def backup(*, database: Database, output: Path, passphrase: str, actor: str) -> dict[str, str]:
    """Write an encrypted copy of the whole database to ``output``; return the backup's header."""
    check_passphrase(passphrase)  # before anything is recorded or copied
    url = database.engine.url
    with database.unit_of_work(actor=actor, reason=f"backup to {output.name}") as uow:
        record(uow.session, action="database.backed_up", subject_type="database", subject_id=None,
               after={"file": output.name})  # fmt: skip
        uow.commit()
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain"
        if url.get_backend_name() == "sqlite":
            source = sqlite3.connect(str(url.database))
            target = sqlite3.connect(str(plain))
            try:
                source.backup(target)  # online: a consistent copy while others keep working
            finally:
                target.close()
                source.close()
        else:
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "-f", str(plain),
                  "--dbname", _libpq(url)], Text("pg_dump"))  # fmt: skip
        meta = {"dialect": url.get_backend_name(), "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "unforgotten": __version__, "sha256": _sha256(plain)}  # fmt: skip
        encrypt_file(plain, output, passphrase, meta)
    return meta


def restore(*, url: str, source: Path, passphrase: str, actor: str, force: bool = False) -> dict[str, str]:
    """Restore an encrypted backup into the database at ``url`` (a new SQLite file, or an empty PostgreSQL
    database; ``force`` replaces what is there). Returns the backup's header."""
    target = sa.make_url(url)
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain"
        meta = decrypt_file(source, plain, passphrase)
        if meta.get("sha256") != _sha256(plain):
            raise UnforgottenError(
                Text("the backup's content does not match its checksum"), hint=Text("use an unaltered copy")
            )
        if meta["dialect"] != target.get_backend_name():
            raise ConflictError(
                Text(
                    "this is a {dialect} backup; it cannot be restored into {backend_name}",
                    dialect=meta["dialect"],
                    backend_name=target.get_backend_name(),
                )
            )
        if target.get_backend_name() == "sqlite":
            path = Path(str(target.database))
            if path.exists() and path.stat().st_size and not force:
                raise ConflictError(
                    Text("{path} exists", path=path),
                    hint=Text("restore into a new file, or pass --force to replace it"),
                )
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(plain, path)
        else:
            command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
                       "--dbname", _libpq(target), str(plain)]  # fmt: skip
            if force:
                command[1:1] = ["--clean", "--if-exists"]
            _run(command, Text("pg_restore"))
    from unforgotten.bootstrap import bootstrap
    from unforgotten.settings import Settings

    database = bootstrap(Settings(database_url=url))  # the schema upgraded if the backup is older than the code
    try:
        with database.unit_of_work(actor=actor, reason=f"restore from {source.name}") as uow:
            record(uow.session, action="database.restored", subject_type="database", subject_id=None,
                   after={"file": source.name, "backup_created_at": meta["created_at"]})  # fmt: skip
            uow.commit()
    finally:
        database.engine.dispose()
    return meta


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def passphrase_from(file: Path | None) -> str:
    """The passphrase: from a file (first line), else ``UNFORGOTTEN_BACKUP_PASSPHRASE``; never a prompt."""
    if file is not None:
        return file.read_text(encoding="utf-8").splitlines()[0] if file.stat().st_size else ""
    value = os.environ.get("UNFORGOTTEN_BACKUP_PASSPHRASE", "")
    if not value:
        raise ConfigurationError(
            Text("no backup passphrase"), hint=Text("set UNFORGOTTEN_BACKUP_PASSPHRASE or pass --passphrase-file FILE")
        )
    return value
