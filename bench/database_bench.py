"""Linking into the database at scale (issue 10, item 7): import and link lists through the real use case.

Run: .venv/bin/python -m bench.database_bench [--list-rows 200000] [--registry 1000000] [--small 1000]
                                             [--daily 3] [--backends sqlite,postgresql] [--keep DIR] [--warm]

For each backend, into a fresh database: a list of ``--list-rows`` rows into the empty database (the first row of
the table), more such lists until the database holds ``--registry`` entries, then a list of ``--small`` rows into
it (``--daily`` such lists, one after another, each of another scenario: one timing is one sample). With ``--keep``
the databases are left in place (SQLite file in DIR, PostgreSQL database named in the output), to time or profile
more lists against them. With ``--warm`` as many more small lists follow, each run in a warm process (Splink,
DuckDB and pandas imported, the name lexicons loaded before the clock starts), as the web server and the job
worker run them; a fresh process spends ~1 s on those whatever the database holds (~3–5 s if its bytecode
is not compiled: ``make install`` compiles it). Every list is submitted as
a coordinator would (``persons.flows.submit_list``: import, link into the party's space with its re-estimated
model) in a child process of its own, so each row's wall time
and peak memory (VmHWM) are that import's alone. The rows come from the synthetic scenario (several seeds, every
list of each, so the registry holds the same person several times, as real ones do, and Zipf-distributed surnames).

PostgreSQL: ``UNFORGOTTEN_BENCH_POSTGRES_URL``, default the local server (postgres@127.0.0.1:5432); a database of
its own is created and dropped.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

_PG = os.environ.get("UNFORGOTTEN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _rows(seed: int) -> Iterator[dict[str, str]]:
    """Every row of every list of a scenario of 100,000 persons, then of the next seed, and so on."""
    from unforgotten.scenario import generate

    while True:
        for generated in generate(100_000, seed=seed).lists.values():
            yield from generated.rows()
        seed += 1


def _small_rows(seed: int = 999) -> Iterator[dict[str, str]]:
    """A daily list: persons of a scenario of its own, whose surnames (same Zipf pool) the registry shares."""
    from unforgotten.scenario import generate

    for generated in generate(3_000, seed=seed).lists.values():
        yield from generated.rows()


def _write(path: Path, rows: Iterator[dict[str, str]], count: int) -> Path:
    from unforgotten.columns import CANONICAL_COLUMNS

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CANONICAL_COLUMNS)
        for number, row in enumerate(rows):
            if number >= count:
                break
            writer.writerow([row.get(c, "") for c in CANONICAL_COLUMNS])
    return path


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _vm_hwm_mb() -> float:
    return _status_mb("VmHWM")


_PHASES = (
    ("unforgotten.lists.service", "import_file"),
    ("unforgotten.linkage", "features"),
    ("unforgotten.linkage", "compact_features"),
    ("unforgotten.persons.linking", "space_frequencies"),
    ("unforgotten.linkage.incremental", "score_pairs"),
    ("unforgotten.linkage", "estimate_from_features"),
    ("unforgotten.linkage", "link_into_persons"),
    ("unforgotten.persons.linking", "index_unlinked"),
    ("unforgotten.persons.linking", "_new_keys"),
    ("unforgotten.persons.writing", "write_assignments"),
    ("unforgotten.persons.linking", "_write_keys"),
)


def _log_phases() -> None:
    """Print each phase's wall time (and the process's CPU time: above the wall time, both cores were busy) and
    resident memory before and after it (MiB), and the peak so far, to stderr:
    where a list's seconds and memory go (docs/benchmarks.md quotes these lines)."""
    import functools
    import importlib

    for module_name, name in _PHASES:
        module = importlib.import_module(module_name)
        inner = getattr(module, name)

        def timed(*args: object, _inner: object = inner, _name: str = name, **kwargs: object) -> object:
            start, cpu, before = time.perf_counter(), time.process_time(), _status_mb("VmRSS")
            out = _inner(*args, **kwargs)  # type: ignore[operator]
            print(f"{_name}: {time.perf_counter() - start:.1f} s (CPU {time.process_time() - cpu:.1f} s), "
                  f"RSS {before:.0f} -> {_status_mb('VmRSS'):.0f} MiB, peak {_vm_hwm_mb():.0f} MiB",
                  file=sys.stderr, flush=True)  # fmt: skip
            return out

        setattr(module, name, functools.wraps(inner)(timed))


def _warm_up() -> None:
    """What a long-running process (the web server's job thread, :meth:`JobRunner._warm_up`) has done before its
    next list: :func:`unforgotten.linkage.warm_up` (Splink, DuckDB and pandas imported, the name lexicons built)."""
    from unforgotten.linkage import warm_up

    warm_up()


def _child(url: str, path: str, warm: bool = False) -> None:
    """Submit one list for UA (made if missing); print seconds, peak MB and the database's entries afterwards."""
    import sqlalchemy as sa

    from unforgotten.auth import service as auth
    from unforgotten.bootstrap import bootstrap
    from unforgotten.persons.flows import submit_list
    from unforgotten.persons.models import Match
    from unforgotten.settings import Settings

    database = bootstrap(Settings(database_url=url))
    with database.unit_of_work(actor="bench") as uow:
        if auth.get_by_code(session=uow.session, code="UA") is None:
            auth.create(session=uow.session, code="UA", name="UA")
        uow.commit()
    if warm:
        _warm_up()
    start = time.perf_counter()
    with database.unit_of_work(actor="bench") as uow:
        submission = submit_list(
            session=uow.session, actor=auth.operator("bench"), path=Path(path), party_code="UA", kind="custody"
        )
        uow.commit()
    seconds = time.perf_counter() - start
    with database.read() as session:
        entries = session.scalar(sa.select(sa.func.count()).select_from(Match).where(Match.state == "accepted"))
        persons = session.scalar(sa.text("SELECT count(DISTINCT person_id) FROM matches WHERE state = 'accepted'"))
    out = {"seconds": seconds, "peak_mb": _vm_hwm_mb(), "linked": submission.linked_total, "entries": entries,
           "persons": persons}  # fmt: skip
    print(json.dumps(out))


def _run(url: str, path: Path, warm: bool = False) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.database_bench", "--child", url, str(path), *(["--warm"] if warm else [])]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"{path.name} failed:\n{completed.stderr[-3000:]}")
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _postgres_database() -> tuple[str, str]:
    import sqlalchemy as sa

    name = f"uf_bench_{os.getpid()}"
    admin = sa.create_engine(_PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, _PG.rsplit("/", 1)[0] + f"/{name}"


def _drop_postgres(name: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(_PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list-rows", type=int, default=200_000)
    parser.add_argument("--registry", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--daily", type=int, default=1, help="how many small lists, one after another")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--keep", type=Path, help="keep the databases (the SQLite file goes in this directory)")
    parser.add_argument("--warm", action="store_true", help="as many more small lists, each in a warm process")
    parser.add_argument("--phases", action="store_true", help="with --child URL CSV: each phase's time and memory")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.phases:
            _log_phases()
        _child(args.child[0], args.child[1], warm=args.warm)
        return
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, cores: {os.cpu_count()}")
    print(
        f"command: python -m bench.database_bench --list-rows {args.list_rows} --registry {args.registry} "
        f"--small {args.small} --daily {args.daily} --backends {args.backends}\n"
    )
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        rows = _rows(seed=1000)
        big = [_write(directory / f"list{i}.csv", rows, args.list_rows)
               for i in range(max(1, args.registry // args.list_rows))]  # fmt: skip
        small = [_write(directory / f"small{i}.csv", _small_rows(999 - i), args.small) for i in range(args.daily)]
        warm = [_write(directory / f"warm{i}.csv", _small_rows(899 - i), args.small) for i in range(args.daily)]
        runs = [(path, False) for path in [*big, *small]] + [(path, True) for path in warm if args.warm]
        print("| backend | list | process | entries before | seconds | peak MB (VmHWM) | persons after |")
        print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
        for backend in args.backends.split(","):
            pg_name = None
            if backend == "sqlite":
                url = f"sqlite:///{(args.keep or directory) / 'bench.db'}"
            else:
                pg_name, url = _postgres_database()
                if args.keep:
                    print(f"PostgreSQL database kept: {url}", flush=True)
            try:
                before = 0
                for path, hot in runs:
                    result = _run(url, path, hot)
                    rows_in = int(result["linked"])
                    process = "warm" if hot else "fresh"
                    print(f"| {backend} | {rows_in:,} rows | {process} | {before:,} | {result['seconds']:.1f} | "
                          f"{result['peak_mb']:.0f} | {int(result['persons']):,} |", flush=True)  # fmt: skip
                    before = int(result["entries"])
            finally:
                if pg_name is not None and not args.keep:
                    _drop_postgres(pg_name)


if __name__ == "__main__":
    main()
