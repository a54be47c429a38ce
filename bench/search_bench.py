"""Search latency at scale on PostgreSQL: ``persons.service.search`` over N entries (issue 12 item 3).

Run: .venv/bin/python -m bench.search_bench [--entries 1000000] [--queries 300] [--url postgresql+psycopg://…]
Without ``--url`` a throwaway database is made on the server the tests use (``tests/postgres.py``). With ``--url``
of an empty database it is loaded and kept; ``--url … --no-load`` measures it again without rebuilding it (the
same sample, so the same queries). The machine's load average is printed before and after: the cores may be
shared, and a latency means little without it. The data are
synthetic and loaded with COPY, not through import and linking (which would take hours at this size): two sides,
half the entries each, names from the scenario generator's surname pool (Zipf, so the common surnames repeat by
tens of thousands) and the given-name lexicon, one person per entry, one accepted match. The keys are the real
ones (``names.search.entry_search_hashes``); the query is the real service, as one side's viewer, so the space
filter is in the plan. Queries: Latin surname + given name, Cyrillic full names, typos, record ids, dates.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import statistics
import time
from collections.abc import Iterator
from contextlib import ExitStack


def _rows(entries: int, seed: int, zipf: float) -> Iterator[tuple[int, int, str, str, str, str]]:
    """(entry id, side 0/1, family, given, date of birth, record id), deterministic by seed."""
    import numpy as np

    from unforgotten.names import lexicon
    from unforgotten.scenario.surnames import surname_pool

    rng = np.random.default_rng(seed)
    pool = surname_pool(seed)
    groups = [g for g in lexicon() if g.sex == "M" and g.uk and g.ru]
    weights = 1.0 / np.arange(1, len(groups) + 1) ** 1.1
    # The pool has ~2,000 surnames; its own weights (Zipf 0.9) give the first 8.5 % of all entries, where the
    # commonest real Ukrainian surname has well under 1 %. ``zipf`` reshapes them (0.5: the first has 1.2 %).
    surname_weights = 1.0 / np.arange(1, len(pool.weights) + 1) ** zipf
    surnames = rng.choice(len(pool.weights), size=entries, p=surname_weights / surname_weights.sum())
    given = rng.choice(len(groups), size=entries, p=weights / weights.sum())
    days = rng.integers(0, 365 * 40, size=entries)
    for i in range(entries):
        side = i % 2
        family = (pool.uk_m if side == 0 else pool.ru_m)[surnames[i]]
        name = (groups[given[i]].uk if side == 0 else groups[given[i]].ru)[0]
        born = time.strftime("%Y-%m-%d", time.gmtime(-315619200 + int(days[i]) * 86400))
        yield i + 1, side, str(family), str(name), born, f"{'UR'[side]}-{i + 1}"


_ENTRY_COLUMNS = (
    "id, list_id, sheet, row_number, status, raw, findings, family_name, given_name, date_of_birth, record_id"
)


def _copy(connection: object, table: str, columns: str, lines: io.StringIO) -> None:
    raw = connection.connection.driver_connection  # type: ignore[attr-defined]
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        copy.write(lines.getvalue())


def load(
    url: str, entries: int, seed: int, zipf: float = 0.5
) -> tuple[list[tuple[str, str, str, str]], dict[str, int]]:
    """Fill the database; return a sample of (family, given, date of birth, record id) of side 0, and party ids."""
    import sqlalchemy as sa

    from unforgotten.auth import service as auth
    from unforgotten.auth.models import PartyKind
    from unforgotten.db import make_engine
    from unforgotten.migrations import upgrade
    from unforgotten.names.search import entry_search_hashes

    engine = make_engine(url)
    upgrade(engine)
    with sa.orm.Session(engine) as session:
        parties = {
            code: auth.create(session=session, code=code, name=code, kind=kind).id
            for code, kind in (("UA", PartyKind.SIDE), ("RU", PartyKind.SIDE), ("ICRC", PartyKind.MEDIATOR))
        }
        session.commit()
    sample: list[tuple[str, str, str, str]] = []
    with engine.begin() as connection:
        for side, code in enumerate(("UA", "RU")):
            connection.execute(
                sa.text(
                    "INSERT INTO lists (id, party_id, kind, name, version, file_name, file_hash, file_format, "
                    "submitted_by, submitted_at, row_count, accepted_count, quarantined_count, blank_count, "
                    "read_report) VALUES (:id, :party, 'request', :name, 1, 'b.csv', :hash, 'csv', 'bench', now(), "
                    ":n, :n, 0, 0, '{}')"
                ),
                {"id": side + 1, "party": parties[code], "name": f"bench {code}", "hash": str(side) * 64,
                 "n": entries // 2},
            )  # fmt: skip
        chunk = 100_000
        rows = _rows(entries, seed, zipf)
        done = 0
        while done < entries:
            e, k, p, m = io.StringIO(), io.StringIO(), io.StringIO(), io.StringIO()
            for entry_id, side, family, given, born, record_id in (
                next(rows) for _ in range(min(chunk, entries - done))
            ):
                space = parties["UA" if side == 0 else "RU"]
                fields = (entry_id, side + 1, "", entry_id, "accepted", "{}", "[]", family, given, born, record_id)
                e.write("\t".join(map(str, fields)) + "\n")
                for key in entry_search_hashes({"family_name": family, "given_name": given, "date_of_birth": born,
                                                "record_id": record_id}):  # fmt: skip
                    k.write(f"{key}\t{entry_id}\n")
                p.write(f"{entry_id}\t{space}\tin_custody\t{family} {given}\tnow\n")
                m.write(f"{entry_id}\t{entry_id}\t{entry_id}\t{space}\t{{}}\tautomatic\taccepted\tbench\tnow\n")
                if side == 0 and len(sample) < 5000 and entry_id % 97 == 0:
                    sample.append((family, given, born, record_id))
            _copy(connection, "entries", _ENTRY_COLUMNS, e)
            _copy(connection, "entry_search_keys", "key, entry_id", k)
            _copy(connection, "persons", "id, space_id, status, display_name, created_at", p)
            _copy(
                connection,
                "matches",
                "id, entry_id, person_id, space_id, explanation, method, state, decided_by, decided_at",
                m,
            )
            done += chunk
        for table in ("entries", "persons", "matches"):
            connection.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {entries})"))
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()
    return sample, parties


def _sample(url: str) -> list[tuple[str, str, str, str]]:
    """The sample :func:`load` would return, read back from a database it loaded."""
    import sqlalchemy as sa

    from unforgotten.db import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT family_name, given_name, date_of_birth, record_id FROM entries "
                "WHERE list_id = 1 AND id % 97 = 0 ORDER BY id LIMIT 5000"
            )
        ).all()
    engine.dispose()
    return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def measure(
    url: str, sample: list[tuple[str, str, str, str]], queries: int, seed: int
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Time ``queries`` searches of each kind as UA's viewer (milliseconds), and count those that found someone."""
    from unforgotten.auth.models import Role
    from unforgotten.auth.service import Actor
    from unforgotten.db import make_engine
    from unforgotten.names import transliterate
    from unforgotten.names.transliteration import System
    from unforgotten.persons import service

    rng = random.Random(seed)
    engine = make_engine(url)
    import sqlalchemy as sa

    with sa.orm.Session(engine) as session:
        party = session.scalar(sa.text("SELECT id FROM parties WHERE code = 'UA'"))
    actor = Actor(name="bench", role=Role.PARTY_VIEWER, party_id=party, party_code="UA", operator=False)
    kinds = {
        "latin name": lambda f, g, b, r: (
            f"{transliterate(f, System.BGN_PCGN_UK)} {transliterate(g, System.BGN_PCGN_UK)}"
        ),
        "cyrillic name": lambda f, g, b, r: f"{f} {g}",
        "typo surname": lambda f, g, b, r: _typo(transliterate(f, System.BGN_PCGN_UK), rng),
        "record id": lambda f, g, b, r: r,
        "date of birth": lambda f, g, b, r: ".".join(reversed(b.split("-"))),
    }
    timings: dict[str, list[float]] = {}
    hits: dict[str, int] = {}
    with sa.orm.Session(engine) as session:
        for kind, make in kinds.items():
            times = timings.setdefault(kind, [])
            for family, given, born, record_id in rng.sample(sample, min(queries, len(sample))):
                query = make(family, given, born, record_id)
                start = time.perf_counter()
                found, total = service.search(session=session, actor=actor, query=query, limit=20)
                times.append((time.perf_counter() - start) * 1000)
                if found:
                    hits[kind] = hits.get(kind, 0) + 1
    engine.dispose()
    return timings, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--zipf", type=float, default=0.5, help="surname frequency exponent (0.9: the pool's own)")
    parser.add_argument("--url", default=None)
    parser.add_argument("--no-load", action="store_true", help="measure a database loaded before (with --url)")
    args = parser.parse_args()
    with ExitStack() as stack:
        url = args.url
        if url is None:
            from tests.postgres import scratch_database, server_url

            url = stack.enter_context(scratch_database(stack.enter_context(server_url())))
        start = time.perf_counter()
        sample = _sample(url) if args.no_load else load(url, args.entries, args.seed, args.zipf)[0]
        verb = "sampled" if args.no_load else "loaded"
        print(f"{verb} {args.entries:,} entries in {time.perf_counter() - start:.0f} s ({platform.python_version()})")  # noqa: T201
        print(f"load average before: {_load()}")  # noqa: T201 -- the cores are shared: say how busy they were
        timings, hits = measure(url, sample, args.queries, args.seed)
        for kind, times in timings.items():
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            print(  # noqa: T201
                f"{kind:15} n={len(times)} found={hits.get(kind, 0)} p50={statistics.median(times):.1f} ms "
                f"p95={p95:.1f} ms max={times[-1]:.1f} ms"
            )
        print(f"load average after: {_load()}")  # noqa: T201


def _load() -> str:
    """The 1, 5 and 15-minute load averages, as ``uptime`` prints them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
