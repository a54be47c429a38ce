"""Finding a PostgreSQL server for the integration tests — the machine's, or a throwaway one we start ourselves.

Order: ``UNFORGOTTEN_TEST_POSTGRES_URL``; the conventional local server (127.0.0.1:5432, user postgres, trust);
else a throwaway cluster made with the distribution's ``initdb``/``pg_ctl`` in a temporary directory. When none
of these works, the PostgreSQL tests are skipped and the session summary says so loudly, with the count.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _reachable(url: str) -> bool:
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def _binaries() -> str | None:
    for pattern in ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/usr/local/bin"):
        for directory in sorted(glob.glob(pattern), reverse=True):
            if os.path.exists(os.path.join(directory, "initdb")) and os.path.exists(os.path.join(directory, "pg_ctl")):
                return directory
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """A private PostgreSQL cluster this process started: its URL, and the means to stop and start it again on the
    same port (the fault tests restart it under load)."""

    url: str
    bindir: str
    datadir: str
    workdir: str
    port: int
    run_as: list[str]

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run([*self.run_as, f"{self.bindir}/pg_ctl", "-D", self.datadir, *args], check=True,
                       capture_output=True, timeout=120)  # fmt: skip

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.workdir} -h 127.0.0.1"
        self._pg_ctl("-o", options, "-l", os.path.join(self.workdir, "log"), "-w", "start")
        for _ in range(50):
            if _reachable(self.url):
                return
            time.sleep(0.2)
        raise RuntimeError(f"the throwaway server on port {self.port} did not come back")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: roll back open transactions and close every connection) and wait."""
        self._pg_ctl("-m", mode, "-w", "stop")


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """Start a private PostgreSQL cluster; yield it; stop and remove it afterwards."""
    bindir = _binaries()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server reachable and no initdb/pg_ctl binaries found")
    workdir = tempfile.mkdtemp(prefix="unforgotten-pg-")
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: use the postgres system user when there is one
        try:
            pwd.getpwnam("postgres")
        except KeyError as error:
            raise RuntimeError("running as root and no 'postgres' system user for a throwaway cluster") from error
        shutil.chown(workdir, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    datadir, port = os.path.join(workdir, "data"), _free_port()
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    cluster = Cluster(url, bindir, datadir, workdir, port, run_as)
    try:
        subprocess.run(
            [*run_as, f"{bindir}/initdb", "-D", datadir, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            check=True,
            capture_output=True,
        )
        cluster.start()
        yield cluster
    finally:
        subprocess.run([*run_as, f"{bindir}/pg_ctl", "-D", datadir, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def throwaway_server() -> Iterator[str]:
    """Start a private PostgreSQL cluster for this test session; yield its URL; remove it afterwards."""
    with throwaway_cluster() as cluster:
        yield cluster.url


@contextmanager
def server_url() -> Iterator[str]:
    """Yield the URL of a reachable server (raising RuntimeError with the reason when there is none)."""
    configured = os.environ.get("UNFORGOTTEN_TEST_POSTGRES_URL")
    if configured:
        if not _reachable(configured):
            raise RuntimeError(f"UNFORGOTTEN_TEST_POSTGRES_URL={configured} is not reachable")
        yield configured
        return
    if _reachable(DEFAULT_URL):
        yield DEFAULT_URL
        return
    with throwaway_server() as url:
        yield url


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """Create a uniquely named database on the server, yield its URL, drop it afterwards."""
    name = f"unforgotten_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)  # the server may restart
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
