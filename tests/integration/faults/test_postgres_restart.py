"""PostgreSQL restarted under load: the API, served by uvicorn in its own process against a private cluster this
test starts, keeps answering while the server is stopped (``pg_ctl stop -m fast``), left down, and started again.

While the database is away every request — reads and a write — gets 503 problem+json with Retry-After, promptly:
never a 500, never a hang. Once it is back, requests succeed again at once (the pool pings a connection before
handing it out, so the connections the restart killed are replaced). No write answered 503 was applied, every one
answered 201 was, and the accounting holds afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from tests.postgres import Cluster, _free_port, scratch_database, throwaway_cluster

from unforgotten.audit.flows import account
from unforgotten.auth import service as auth
from unforgotten.auth.models import PartyKind
from unforgotten.bootstrap import bootstrap
from unforgotten.settings import Settings

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BOUND = 10.0  # seconds: a request that takes longer than this has hung
OUTAGE_REQUESTS = 3  # of each kind, answered while the server is down
WRITE = "POST /api/v1/negotiations"
KINDS = ("GET /api/v1/me", "GET /api/v1/lists", "GET /api/v1/persons", WRITE)


@dataclass
class Outcome:
    kind: str
    started: float
    ended: float
    status: int | None = None
    content_type: str = ""
    retry_after: str | None = None
    body: object = None
    title: str | None = None  # the negotiation a write asked for
    error: str | None = None  # no answer at all (timeout, connection refused): always a failure

    def ok(self) -> bool:
        return self.status == (201 if self.kind == WRITE else 200)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    try:
        with throwaway_cluster() as started:
            yield started
    except RuntimeError as error:  # no binaries, or root without a postgres user: said loudly, as conftest does
        pytest.skip(f"PostgreSQL unavailable: a throwaway cluster to restart cannot be had: {error}")


def _prepare(url: str) -> str:
    """Two sides, the mediator and a mediator user; return that user's API token."""
    database = bootstrap(Settings(database_url=url))
    with database.unit_of_work(actor="test:setup") as uow:
        for code, kind in (("UA", PartyKind.SIDE), ("RU", PartyKind.SIDE), ("ICRC", PartyKind.MEDIATOR)):
            auth.create(session=uow.session, code=code, name=code, kind=kind)
        _, token = auth.create_user(session=uow.session, name="marie", role="mediator", party_code="ICRC")
        uow.commit()
    database.engine.dispose()
    return token


class Load:
    """Threads sending each kind of request in turn, without pause, recording every outcome."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token
        self.outcomes: list[Outcome] = []
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(kind,), daemon=True) for kind in KINDS]
        self._counter = 0

    def _run(self, kind: str) -> None:
        method, path = kind.split(" ", 1)
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.base, headers=headers, timeout=BOUND) as client:
            while not self._stop.is_set():
                with self._lock:
                    self._counter += 1
                    title = f"talks {self._counter}" if kind == WRITE else None
                outcome = Outcome(kind, started=time.monotonic(), ended=0.0, title=title)
                try:
                    body = {"title": title, "side_a": "UA", "side_b": "RU"} if title else None
                    response = client.request(method, path, json=body)
                    outcome.status, outcome.content_type = (
                        response.status_code,
                        response.headers.get("content-type", ""),
                    )
                    outcome.retry_after = response.headers.get("retry-after")
                    outcome.body = response.json() if "json" in outcome.content_type else response.text[:300]
                except httpx.HTTPError as error:
                    outcome.error = f"{type(error).__name__}: {error}"
                outcome.ended = time.monotonic()
                with self._lock:
                    self.outcomes.append(outcome)
                time.sleep(0.02)

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=BOUND + 5)

    def wait_for(self, what: str, enough: Callable[[Outcome], bool], *, each: int, within: float = 60) -> None:
        """Wait until every kind of request has ``each`` outcomes for which ``enough`` holds."""
        deadline = time.monotonic() + within
        while True:
            with self._lock:
                counts = {k: sum(1 for o in self.outcomes if o.kind == k and enough(o)) for k in KINDS}
            if min(counts.values()) >= each:
                return
            assert time.monotonic() < deadline, f"{what}: after {within:.0f} s only {counts}"
            time.sleep(0.05)


@pytest.fixture
def server(cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str, str]]:
    """The API served by uvicorn in its own process; yields its base URL, the database URL and a token."""
    with scratch_database(cluster.url) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("UNFORGOTTEN_")}
        env |= {"UNFORGOTTEN_DATABASE_URL": url, "XDG_CONFIG_HOME": str(tmp_path)}
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # where a PostgreSQL database's checkpoint key goes
        token = _prepare(url)
        port, log = _free_port(), tmp_path / "server.log"
        with log.open("w") as handle:
            process = subprocess.Popen([sys.executable, "-m", "unforgotten", "serve", "--port", str(port)], env=env,
                                       cwd=tmp_path, stdout=handle, stderr=subprocess.STDOUT)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                assert process.poll() is None, f"the server exited {process.returncode}:\n{log.read_text()[-3000:]}"
                try:
                    if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"the server did not start:\n{log.read_text()[-3000:]}"
                time.sleep(0.2)
            yield base, url, token
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            assert "Traceback" not in log.read_text(), f"the server logged an error:\n{log.read_text()[-3000:]}"


def test_the_api_answers_503_while_postgresql_restarts_and_recovers(
    cluster: Cluster, server: tuple[str, str, str]
) -> None:
    base, url, token = server
    with Load(base, token) as load:
        load.wait_for("before the restart", Outcome.ok, each=3)
        stopping = time.monotonic()
        cluster.stop("fast")
        down = time.monotonic()
        load.wait_for("while the server is down", lambda o: o.started > down, each=OUTAGE_REQUESTS)
        starting = time.monotonic()
        cluster.start()
        up = time.monotonic()
        load.wait_for("after the server is back", lambda o: o.started > up, each=3)
    outcomes = sorted(load.outcomes, key=lambda o: o.started)

    hung = [o for o in outcomes if o.error or o.ended - o.started >= BOUND]
    assert not hung, f"requests without an answer within {BOUND} s: {hung[:5]}"
    wrong = [o for o in outcomes if not o.ok() and o.status != 503]
    assert not wrong, f"answers other than success or 503: {[(o.kind, o.status, o.body) for o in wrong[:5]]}"
    unavailable = [o for o in outcomes if o.status == 503]
    for o in unavailable:
        assert o.content_type.startswith("application/problem+json"), (o.kind, o.content_type, o.body)
        assert o.retry_after is not None and int(o.retry_after) > 0, (o.kind, o.retry_after)
        assert isinstance(o.body, dict) and o.body.get("status") == 503, o.body
    during = [o for o in outcomes if o.started > down and o.ended < starting]
    assert {o.kind for o in during} == set(KINDS), "every kind of request was sent while the server was down"
    assert all(o.status == 503 for o in during), [(o.kind, o.status) for o in during if o.status != 503]
    before = [o for o in outcomes if o.ended < stopping]
    assert before and all(o.ok() for o in before), [(o.kind, o.status, o.body) for o in before if not o.ok()]
    after = [o for o in outcomes if o.started > up]
    assert all(o.ok() for o in after), [(o.kind, o.status, o.body) for o in after if not o.ok()][:5]

    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        stored = set(connection.scalars(sa.text("SELECT title FROM negotiations")))
    engine.dispose()
    writes = [o for o in outcomes if o.kind == WRITE]
    assert {o.title for o in writes if o.ok()} == stored, "a write answered 503 was applied, or one answered 201 lost"
    database = bootstrap(Settings(database_url=url), migrate=False)
    with database.read() as session:
        report = account(session=session)
    database.engine.dispose()
    assert report.ok, report.violations[:5]
