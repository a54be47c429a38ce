"""The API under concurrent users (issue 11 item 8): search, person, review and import against a real server.

Run: .venv/bin/python -m bench.load [--persons 200000] [--users 16] [--requests 200 | --duration 60]
                                   [--backend postgresql|sqlite] [--url URL] [--workers 2] [--keep]

1. The scenario, through the product's own paths (``bench.database_bench``'s helpers: each list written as a CSV
   and submitted by ``persons.flows.submit_list`` in a child process): a registry list of every row of the
   synthetic scenario's lists (seeds 1, 2, … of up to 100,000 persons each) until ``--persons`` true persons are
   in (about 1.5 rows a person), submitted by UA; then
   a typo list: ``--second`` of those rows retyped (two letters of the surname swapped; the year of birth off by
   one, or only the names kept), whose doubtful links are the review queue's pending suggestions. ``--url``
   reuses a database built before (``--keep``).
2. The real API: ``uvicorn unforgotten.app:create_app --factory`` in a subprocess on 127.0.0.1, ``--workers`` worker
   processes (2: one per core, as we would deploy on this machine), production mode, so every request is
   authenticated: half the users are UA coordinators, half UA viewers, each with its own token; the HTML page is
   fetched with a server-side session opened by ``POST /login``.
3. ``--users`` concurrent clients (asyncio, one ``httpx.AsyncClient``, at most one request in flight per user), each
   picking its next operation at random among those its role may do: search by name (API), the search page (HTML),
   a person (API detail), a review decision (accept or reject a pending suggestion, each decided once) and an
   import (a 100-row list uploaded: the registry's persons as the scenario's other lists spell them, so it links
   into them).
   ``--requests N``: N of each operation; ``--duration S``: S seconds of the weighted mix (``WEIGHTS``).

Latencies are the client's (on the same cores as the server and the database). Prints a table; any answer not 2xx
is an error, counted and shown with its status and body.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import httpx

from bench.database_bench import _drop_postgres, _postgres_database, _run, _write

OPERATIONS = ("search", "search page", "person", "review", "import")
# Duration mode: what a working day looks like — mostly looking people up, some decisions, few uploads.
WEIGHTS = {"search": 35, "search page": 15, "person": 30, "review": 15, "import": 5}
COORDINATOR_ONLY = {"review", "import"}
UPLOAD_ROWS = 100


@dataclass
class Scenario:
    """What the clients need: names to search for, rows to upload (the registry's persons, spelled again)."""

    names: list[tuple[str, str]] = field(default_factory=list)  # (family, given) as the registry spells them
    second: list[dict[str, str]] = field(default_factory=list)  # registry rows retyped: the typo list
    uploads: list[dict[str, str]] = field(default_factory=list)  # the same persons as other lists spell them


def _typo(row: dict[str, str], rng: random.Random, number: int) -> dict[str, str]:
    """The row as a careless clerk retypes it: two letters of the surname swapped, and either the year of birth off
    by one or only the names kept.

    Such rows fall in the review band: in trials, 87 % of the first kind in a space of 2,000 persons, 45 % of the
    second in one of 300 (a small space links more broadly, and took every row of the first kind)."""
    family, born = row["family_name"], row["date_of_birth"]
    if len(family) >= 4:
        i = rng.randrange(1, len(family) - 2)
        family = family[:i] + family[i + 1] + family[i] + family[i + 2 :]
    record_id = f"T-{row['record_id']}"
    if number % 2:
        return {"family_name": family, "given_name": row["given_name"], "record_id": record_id}
    if born[:4].isdigit():
        born = f"{int(born[:4]) + 1}{born[4:]}"
    return {**row, "family_name": family, "date_of_birth": born, "record_id": record_id}


def _registry_rows(persons: int, seed: int, scenario: Scenario, second: int) -> Iterator[dict[str, str]]:
    """Every row of the scenario's lists, as ``bench.database_bench`` submits them (a person on several lists is
    several rows, as in real registries), until ``persons`` true persons are in; then the rest of those persons'
    rows go to the upload pool. The first ``second`` rows, retyped, make the typo list.

    (One row per person is not a registry the product can take: with no repeated person in a space of 2,000 rows
    or more, estimating the space's model fails — see docs/benchmarks.md, "Load (issue 11)".)"""
    from unforgotten.scenario import generate

    size = min(max(persons, 100), 100_000)
    rng = random.Random(seed)
    seen: set[tuple[int, int]] = set()
    while True:
        for generated in generate(size, seed=seed).lists.values():
            for person, row in zip(generated.person_ids, generated.rows(), strict=True):
                if (seed, person) not in seen:
                    if len(seen) >= persons:
                        continue
                    seen.add((seed, person))
                    if len(seen) % 37 == 1 and len(scenario.names) < 5000:
                        scenario.names.append((row["family_name"], row["given_name"]))
                    if len(scenario.second) < second:
                        scenario.second.append(_typo(row, rng, len(scenario.second)))
                elif len(seen) >= persons:
                    if len(scenario.uploads) < 50 * UPLOAD_ROWS:
                        scenario.uploads.append(row)
                    continue
                yield row
        if len(seen) >= persons:
            return
        seed += 1


def build(url: str, persons: int, second: int, seed: int, directory: Path) -> Scenario:
    """Submit the registry list and the typo list through the real use case; return the clients' pools."""
    scenario = Scenario()
    rows = _registry_rows(persons, seed, scenario, second)
    registry = _write(directory / "registry.csv", rows, 10 * persons)
    with registry.open(encoding="utf-8") as handle:
        lines = sum(1 for _ in handle) - 1
    start = time.perf_counter()
    result = _run(url, registry)
    print(f"registry: {lines:,} rows of {persons:,} true persons submitted in {result['seconds']:.0f} s "
          f"(peak {result['peak_mb']:.0f} MB), {int(result['persons']):,} persons", flush=True)  # fmt: skip
    typos = _write(directory / "typos.csv", iter(scenario.second), len(scenario.second))
    result = _run(url, typos)
    print(f"typo list: {len(scenario.second):,} rows submitted in {result['seconds']:.0f} s "
          f"(build {time.perf_counter() - start:.0f} s in all)", flush=True)  # fmt: skip
    return scenario


def analyze(url: str) -> None:
    """Refresh the planner's statistics after the build, as autovacuum would on a production server.

    The machine's PostgreSQL runs with autovacuum off, and nothing in the product analyses after an import: with no
    statistics a name search in a space of 5,000 persons planned a nested loop that re-ran the key scan per person
    and took 151 s (``--no-analyze`` shows it)."""
    import sqlalchemy as sa

    from unforgotten.db import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("ANALYZE"))
    engine.dispose()


def _users(url: str, count: int) -> tuple[list[tuple[str, str]], list[int], list[int]]:
    """Create ``count`` users (coordinators and viewers of UA, alternately); return (role, token) per user, the
    pending suggestions of UA's space and a sample of its persons."""
    import sqlalchemy as sa

    from unforgotten.auth import service as auth
    from unforgotten.bootstrap import bootstrap
    from unforgotten.persons.models import Match, MatchState, Person, current_persons
    from unforgotten.settings import Settings

    database = bootstrap(Settings(database_url=url))
    users: list[tuple[str, str]] = []
    with database.unit_of_work(actor="bench") as uow:
        space = auth.get_by_code_or_raise(session=uow.session, code="UA").id
        for number in range(count):
            role = "party_coordinator" if number % 2 == 0 else "party_viewer"
            name = f"load{os.getpid()}-{number}"
            users.append((role, auth.create_user(session=uow.session, name=name, role=role, party_code="UA")[1]))
        uow.commit()
    with database.read() as session:
        pending = session.scalars(
            sa.select(Match.id).where(Match.space_id == space, Match.state == MatchState.PENDING).order_by(Match.id)
        ).all()
        persons = session.scalars(
            sa.select(Person.id).where(Person.space_id == space, current_persons()).order_by(Person.id)
        ).all()
    database.engine.dispose()
    return users, list(pending), random.Random(1).sample(list(persons), min(5000, len(persons)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# One secret key for the build's child processes and the server: personal values in the audit log are sealed
# with keys wrapped under it, and a server with another key could not record a linked person's next change.
SECRET_KEY = "load-bench-" + "k" * 40


def start_server(url: str, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The app as deployed: uvicorn with its worker processes, production mode, loopback only."""
    port = _free_port()
    env = {**os.environ, "UNFORGOTTEN_DATABASE_URL": url, "UNFORGOTTEN_ENVIRONMENT": "production",
           "UNFORGOTTEN_SECRET_KEY": SECRET_KEY, "UNFORGOTTEN_LOG_LEVEL": "WARNING"}  # fmt: skip
    command = [sys.executable, "-m", "uvicorn", "unforgotten.app:create_app", "--factory", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    with log.open("wb") as output:  # the server writes to its own copy of the descriptor
        # A session of its own: stopping it stops its workers too, even those stuck in a request.
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.terminate()
    raise RuntimeError(f"the server did not answer within 120 s:\n{log.read_text()[-3000:]}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})
    errors: dict[str, Counter[str]] = field(default_factory=lambda: {op: Counter() for op in OPERATIONS})
    samples: list[str] = field(default_factory=list)  # the first error bodies, to report
    spans: dict[str, list[float]] = field(default_factory=dict)  # op -> [first start, last end]
    skipped: Counter[str] = field(default_factory=Counter)  # wanted but nothing left to do (no pending suggestion)


@dataclass
class Load:
    """Shared state of one run: what each operation may still do, and what it needs."""

    base: str
    scenario: Scenario
    persons: list[int]
    pending: list[int]
    budget: dict[str, int] | None  # per operation (--requests), or None (--duration)
    deadline: float
    results: Results = field(default_factory=Results)
    uploads: int = 0

    def upload(self) -> bytes:
        """100 rows of the registry's persons, spelled again; record ids made unique so no file repeats one."""
        from unforgotten.columns import CANONICAL_COLUMNS

        self.uploads += 1
        pool = self.scenario.uploads or self.scenario.second
        start = (self.uploads * UPLOAD_ROWS) % max(1, len(pool))
        rows = [pool[(start + i) % len(pool)] for i in range(UPLOAD_ROWS)]
        lines = [",".join(CANONICAL_COLUMNS)]
        for i, row in enumerate(rows):
            values = {**row, "record_id": f"L{os.getpid()}-{self.uploads}-{i}"}
            lines.append(",".join(_csv_field(values.get(c, "")) for c in CANONICAL_COLUMNS))
        return ("\n".join(lines) + "\n").encode()


def _csv_field(value: str) -> str:
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _next_operation(load: Load, role: str, rng: random.Random) -> str | None:
    allowed = [op for op in OPERATIONS if role == "party_coordinator" or op not in COORDINATOR_ONLY]
    if load.budget is not None:
        left = [op for op in allowed if load.budget[op] > 0]
        if not left:
            return None
        op = rng.choice(left)
        load.budget[op] -= 1
        return op
    if time.monotonic() >= load.deadline:
        return None
    return rng.choices(allowed, weights=[WEIGHTS[op] for op in allowed])[0]


async def _request(client: httpx.AsyncClient, load: Load, op: str, token: str, cookie: str, rng: random.Random) -> (
    httpx.Response | None
):  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    family, given = rng.choice(load.scenario.names)
    if op == "search":
        return await client.get("/api/v1/persons", params={"q": f"{family} {given}", "limit": 20}, headers=headers)
    if op == "search page":
        return await client.get("/search", params={"q": f"{family} {given}"}, headers={"Cookie": cookie})
    if op == "person":
        return await client.get(f"/api/v1/persons/{rng.choice(load.persons)}", headers=headers)
    if op == "review":
        if not load.pending:
            return None
        match = load.pending.pop()
        verb = "accept" if match % 2 else "reject"
        return await client.post(f"/api/v1/review/{match}/{verb}", json={"reason": "load bench"}, headers=headers)
    files = {"file": (f"upload{load.uploads + 1}.csv", load.upload(), "text/csv")}
    return await client.post("/api/v1/lists", data={"kind": "custody"}, files=files, headers=headers)


async def _user(client: httpx.AsyncClient, load: Load, role: str, token: str, number: int) -> None:
    rng = random.Random(number)
    signed_in = await client.post("/login", data={"token": token, "next": "/"})
    cookie = "; ".join(f"{k}={v}" for k, v in signed_in.cookies.items())
    results = load.results
    while (op := _next_operation(load, role, rng)) is not None:
        start = time.perf_counter()
        try:
            response = await _request(client, load, op, token, cookie, rng)
        except httpx.HTTPError as error:
            results.errors[op][type(error).__name__] += 1
            if len(results.samples) < 10:
                results.samples.append(f"{op}: {type(error).__name__}: {error}")
            continue
        end = time.perf_counter()
        if response is None:
            results.skipped[op] += 1
            continue
        span = results.spans.setdefault(op, [start, end])
        span[0], span[1] = min(span[0], start), max(span[1], end)
        results.times[op].append((end - start) * 1000)
        if not response.is_success:
            results.errors[op][str(response.status_code)] += 1
            if len(results.samples) < 10:
                results.samples.append(f"{op}: {response.status_code} {response.text[:300]}")


async def run(load: Load, users: list[tuple[str, str]]) -> float:
    limits = httpx.Limits(max_connections=len(users), max_keepalive_connections=len(users))
    async with httpx.AsyncClient(base_url=load.base, limits=limits, timeout=300) as client:
        start = time.perf_counter()
        await asyncio.gather(*(_user(client, load, role, token, n) for n, (role, token) in enumerate(users)))
        return time.perf_counter() - start


def _percentile(ordered: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least ``share`` of the values at or below it."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def table(results: Results, seconds: float) -> str:
    lines = ["| operation | requests | errors | p50 ms | p95 ms | p99 ms | max ms | req/s |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    total = 0
    for op in OPERATIONS:
        times = sorted(results.times[op])
        errors = sum(results.errors[op].values())
        total += len(times)
        if not times:
            lines.append(f"| {op} | 0 | {errors} | – | – | – | – | – |")
            continue
        first, last = results.spans[op]
        rate = len(times) / max(last - first, 1e-9)
        lines.append(f"| {op} | {len(times):,} | {errors} | {_percentile(times, 0.50):,.0f} | "
                     f"{_percentile(times, 0.95):,.0f} | {_percentile(times, 0.99):,.0f} | {times[-1]:,.0f} | "
                     f"{rate:.1f} |")  # fmt: skip
    lines.append(f"| all | {total:,} | {sum(sum(c.values()) for c in results.errors.values())} | | | | | "
                 f"{total / seconds:.1f} |")  # fmt: skip
    return "\n".join(lines)


def _server_errors(log: Path) -> list[str]:
    text = log.read_text(errors="replace")
    return [line for line in text.splitlines() if "Traceback" in line or line.startswith(("ERROR", "CRITICAL"))]


def main(argv: list[str] | None = None) -> Results:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=200_000, help="true persons in the registry list")
    parser.add_argument("--second", type=int, default=None, help="typo list rows (default persons/10, 200 to 5,000)")
    parser.add_argument("--users", type=int, default=16, help="concurrent clients")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--requests", type=int, default=None, help="requests of each operation (default 100)")
    mode.add_argument("--duration", type=float, default=None, help="seconds of the weighted mix")
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--url", default=None, help="a database built by an earlier run (with --keep)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-analyze", action="store_true", help="leave the planner's statistics as the build did")
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    args = parser.parse_args(argv)
    second = args.second if args.second is not None else max(200, min(5000, args.persons // 10))
    requests = args.requests if args.requests is not None or args.duration is not None else 100
    now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f} at start; {now}")  # fmt: skip
    print("command: python -m bench.load " + " ".join(argv if argv is not None else sys.argv[1:]), flush=True)
    with ExitStack() as stack:
        stack.enter_context(mock.patch.dict(os.environ, {"UNFORGOTTEN_SECRET_KEY": SECRET_KEY}))  # for the children
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url = args.url
        if url is None:
            if args.backend == "sqlite":
                db_path = (Path.cwd() if args.keep else directory) / f"load-{os.getpid()}.db"
                url = f"sqlite:///{db_path}"
            else:
                name, url = _postgres_database()
                if not args.keep:
                    stack.callback(_drop_postgres, name)
            scenario = build(url, args.persons, second, args.seed, directory)
        else:  # the same pools, regenerated (deterministic by seed); the database is not touched
            scenario = Scenario()
            for _ in _registry_rows(args.persons, args.seed, scenario, second):
                pass
        if args.keep:
            print(f"database kept: {url}")
        if not args.no_analyze:
            analyze(url)
        users, pending, persons = _users(url, args.users)
        print(f"{args.users} users; {len(pending):,} pending suggestions, {len(persons):,} persons sampled", flush=True)
        log = directory / "server.log"
        process, base = start_server(url, args.workers, log)
        stack.callback(stop_server, process)
        budget = None if args.duration is not None else dict.fromkeys(OPERATIONS, requests)
        deadline = time.monotonic() + (args.duration or 0)
        random.Random(args.seed).shuffle(pending)
        load = Load(base=base, scenario=scenario, persons=persons, pending=pending, budget=budget, deadline=deadline)
        seconds = asyncio.run(run(load, users))
        results = load.results
        print(f"\n{args.users} users, {args.workers} workers, {args.backend}: {seconds:.1f} s; "
              f"load average {os.getloadavg()[0]:.1f} at the end\n")  # fmt: skip
        print(table(results, seconds))
        for op, count in results.skipped.items():
            print(f"not done: {count} {op} requests (no pending suggestion left)")
        for sample in results.samples:
            print(f"error: {sample}")
        for line in _server_errors(log)[:20]:
            print(f"server: {line}")
    return results


if __name__ == "__main__":
    main()
