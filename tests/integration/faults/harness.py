"""The fault tests' tools: the CLI as a subprocess, and watching a command's transaction from outside.

A kill proves something only if it lands while the command has written and not yet committed. Neither database
shows another connection's uncommitted rows, but both show that they exist: on SQLite the command holds the write
lock while pages it wrote pile up in the write-ahead log (emptied before the command starts); on PostgreSQL its
transaction is open while the table it writes grows on disk. Whatever is seen there is uncommitted work — no test
hook in the product is needed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

__all__ = ["Cli", "PostgresWatch", "SqliteWatch", "Watch", "kill_when", "snapshot"]

COMMAND_TIMEOUT = 300  # seconds: far beyond any command here, so a hang fails instead of blocking the suite


class Cli:
    """``python -m unforgotten`` against one database, as a user runs it."""

    def __init__(self, url: str, home: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("UNFORGOTTEN_")}
        self.env |= {"UNFORGOTTEN_DATABASE_URL": url, "XDG_CONFIG_HOME": str(home), "COLUMNS": "200"}
        self.cwd = home

    def _argv(self, args: tuple[str, ...]) -> list[str]:
        return [sys.executable, "-m", "unforgotten", *args]

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(self._argv(args), env=self.env, cwd=self.cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)  # fmt: skip

    def run(self, *args: str) -> str:
        """Run a command to its end; fail with its output unless it exits 0; return its standard output."""
        done = subprocess.run(self._argv(args), env=self.env, cwd=self.cwd, capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT)  # fmt: skip
        assert done.returncode == 0, f"`unforgotten {' '.join(args)[:200]}` exited {done.returncode}:\n" + (
            done.stdout[-2000:] + done.stderr[-2000:]
        )
        return done.stdout

    def run_together(self, *commands: tuple[str, ...]) -> list[str]:
        """Run read-only commands side by side (the machine has two cores); each must exit 0."""
        running = [(args, self.start(*args)) for args in commands]
        outputs = []
        for args, process in running:
            out, err = process.communicate(timeout=COMMAND_TIMEOUT)
            assert process.returncode == 0, f"`unforgotten {' '.join(args)}` exited {process.returncode}:\n{out}{err}"
            outputs.append(out)
        return outputs


class Watch(Protocol):
    def writing(self) -> bool:
        """True while a command's transaction is open and has written at least the watched amount."""
        ...

    def settled(self) -> bool:
        """True once the database has let go of every other session (a killed one included)."""
        ...


class SqliteWatch:
    """The write lock is held, and the write-ahead log — empty when the command started — holds what it wrote."""

    def __init__(self, path: Path, *, min_bytes: int) -> None:
        self.path, self.wal, self.min_bytes = path, Path(f"{path}-wal"), min_bytes
        self._held_since: float | None = None
        with sqlite3.connect(path) as connection:
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0 and self._wal_size() == 0, "the write-ahead log could not be emptied before the command"

    def _wal_size(self) -> int:
        return self.wal.stat().st_size if self.wal.exists() else 0

    def _locked(self) -> bool:
        connection = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # "database is locked": a writer is inside its transaction
            return True
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            connection.close()
        return False

    # A writer may keep all it wrote in its page cache (32 MiB, db._sqlite_pragmas) until the commit, so the log
    # can stay empty to the end: a transaction open this long is at work too (the commands open it as they start;
    # on a quiet machine the 600-person transition commits within 1.5 s, so a longer wait saw it only finished).
    HELD_SECONDS = 0.5

    def writing(self) -> bool:
        # The size first: if the lock is still held afterwards, what was measured is not committed yet.
        grown = self._wal_size() >= self.min_bytes
        if not self._locked():
            self._held_since = None
            return False
        if self._held_since is None:
            self._held_since = time.monotonic()
        return grown or time.monotonic() - self._held_since >= self.HELD_SECONDS

    def settled(self) -> bool:
        return not self._locked()


class PostgresWatch:
    """Another session's transaction is open, and ``table`` (with its indexes and TOAST) has grown on disk since
    the command started — PostgreSQL extends a table's files as rows are written, committed or not."""

    def __init__(self, url: str, *, table: str, min_bytes: int) -> None:
        self.engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        self.table, self.min_bytes = table, min_bytes
        self.baseline = self._size()

    def _size(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(sa.text("SELECT pg_total_relation_size(:t)"), {"t": self.table}) or 0)

    def _others(self, *, in_transaction: bool) -> int:
        condition = " AND xact_start IS NOT NULL" if in_transaction else ""
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        with self.engine.connect() as connection:
            return int(connection.scalar(sa.text(query + condition)) or 0)

    def writing(self) -> bool:
        # The size first: if a transaction is still open afterwards, what was measured is not committed yet.
        return self._size() - self.baseline >= self.min_bytes and self._others(in_transaction=True) > 0

    def settled(self) -> bool:
        return self._others(in_transaction=False) == 0

    def close(self) -> None:
        self.engine.dispose()


def kill_when(process: subprocess.Popen[str], watch: Watch, *, what: str, timeout: float = 180) -> None:
    """SIGKILL ``process`` as soon as ``watch`` sees its uncommitted work; fail if it ends before that."""
    deadline = time.monotonic() + timeout
    while not watch.writing():
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"{what}: the command ended (exit {process.returncode}) before it was seen at work — "
                                 f"give it more to do\n{out[-1000:]}{err[-1000:]}")  # fmt: skip
        if time.monotonic() > deadline:
            process.kill()
            process.communicate()
            raise AssertionError(f"{what}: not seen at work within {timeout:.0f} s")
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, f"{what}: the command finished (exit {process.returncode}) first"
    deadline = time.monotonic() + 60
    while not watch.settled():  # PostgreSQL ends the dead client's session (and its transaction) on its own
        assert time.monotonic() < deadline, f"{what}: the killed command's session was still open after 60 s"
        time.sleep(0.05)


def snapshot(url: str) -> dict[str, object]:
    """Every table's row count and the audit chain's head: what a command that did nothing leaves as it was."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            tables = sorted(sa.inspect(connection).get_table_names())
            found: dict[str, object] = {t: connection.scalar(sa.text(f'SELECT count(*) FROM "{t}"')) for t in tables}
            head = connection.execute(sa.text("SELECT last_event_id, last_hash FROM chain_head")).all()
            found["chain head (id, hash)"] = [tuple(row) for row in head]
        return found
    finally:
        engine.dispose()
