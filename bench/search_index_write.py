"""What the search index's second index, by (entry, key), costs to write: the keys of N entries COPYed into a
migrated database with and without it, on SQLite and PostgreSQL, alternated in the same run.

Run: PYTHONPATH=src:. .venv/bin/python -m bench.search_index_write [--entries 200000] [--repeats 2]
The entries are the search bench's synthetic ones (``bench.search_bench``); the keys are written sorted in batches,
as ``lists.search`` writes them at an entry's first link. PostgreSQL is the tests' server (``tests/postgres.py``),
in a scratch database per run. Prints one line per run and the ratio with/without per database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

_INDEX = "ix_entry_search_keys_entry_key"


def _keys(entries: int) -> list[tuple[int, int]]:
    from bench.search_bench import _rows
    from unforgotten.names.search import entry_search_hashes

    rows = [
        (key, entry_id)
        for entry_id, _side, family, given, born, record_id in _rows(entries, 1, 0.5)
        for key in entry_search_hashes(
            {"family_name": family, "given_name": given, "date_of_birth": born, "record_id": record_id}
        )
    ]
    rows.sort()
    return rows


def _write(url: str, rows: list[tuple[int, int]], *, with_index: bool) -> float:
    import sqlalchemy as sa

    from unforgotten.db import copy_rows, make_engine
    from unforgotten.migrations import upgrade

    engine = make_engine(url)
    upgrade(engine)
    if not with_index:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP INDEX {_INDEX}"))
    start = time.perf_counter()
    with engine.begin() as connection:
        for i in range(0, len(rows), 120_000):
            copy_rows(connection, "entry_search_keys", ("key", "entry_id"), rows[i : i + 120_000])
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


def _seconds(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    from tests.postgres import scratch_database, server_url

    rows = _keys(args.entries)
    print(f"{args.entries:,} entries, {len(rows):,} keys; load average {os.getloadavg()[0]:.2f}")  # noqa: T201
    results: dict[tuple[str, bool], list[float]] = {}
    with tempfile.TemporaryDirectory() as folder, server_url() as server:
        for run in range(args.repeats):
            for with_index in (False, True):
                sqlite = f"sqlite:///{Path(folder) / f'w{run}{with_index}.db'}"
                results.setdefault(("sqlite", with_index), []).append(_write(sqlite, rows, with_index=with_index))
                with scratch_database(server) as url:
                    seconds = _write(url, rows, with_index=with_index)
                results.setdefault(("postgresql", with_index), []).append(seconds)
    for backend in ("sqlite", "postgresql"):
        without, with_ = results[(backend, False)], results[(backend, True)]
        ratio = statistics.median(with_) / statistics.median(without)
        print(  # noqa: T201
            f"{backend:10} without {_seconds(without)} s; with {_seconds(with_)} s; ratio of medians {ratio:.2f}"
        )
    print(f"load average after {os.getloadavg()[0]:.2f}")  # noqa: T201


if __name__ == "__main__":
    main()
