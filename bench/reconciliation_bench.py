"""Reconciliation quality on generated scenarios with truth: requests acknowledged correctly, false acknowledgements.

Run: .venv/bin/python -m bench.reconciliation_bench [--sizes 2000,20000] [--seeds 1,2]
Loads each scenario through the real path (files → submit: import, share with the mediator, link into each space
that sees them, with each space's own re-estimated model → reconcile in the mediator's space) into a throwaway
SQLite database, then compares every request entry's outcome with the generator's truth.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def run(size: int, seed: int) -> dict[str, float]:
    from unforgotten.auth import service as auth
    from unforgotten.bootstrap import bootstrap
    from unforgotten.demo import load_scenario
    from unforgotten.lists import service as lists
    from unforgotten.lists.flows import ReconciliationStatus, reconcile
    from unforgotten.scenario import generate
    from unforgotten.settings import Settings

    scenario = generate(size, seed)
    with tempfile.TemporaryDirectory() as tmp:
        database = bootstrap(Settings(database_url=f"sqlite:///{tmp}/r.db"))
        start = time.perf_counter()
        with database.unit_of_work(actor="bench") as uow:
            load_scenario(session=uow.session, size=size, seed=seed, directory=Path(tmp) / "files", actor="bench")
            uow.commit()
        load_seconds = time.perf_counter() - start
        with database.read() as session:
            by_name = {lst.name: lst for lst in lists.get_all(session=session)}
            mediator = auth.get_mediator(session=session)
            assert mediator is not None
            result = reconcile(
                session=session, request=by_name["ua_request"], custody=by_name["ru_custody"], space_id=mediator.id
            )
        database.engine.dispose()
    request, custody = scenario.lists["ua_request"], scenario.lists["ru_custody"]
    person_of_request = dict(zip(request.columns["record_id"], request.person_ids, strict=True))
    person_of_custody = dict(zip(custody.columns["record_id"], custody.person_ids, strict=True))
    held = defaultdict(set)
    for record_id, person in person_of_custody.items():
        held[person].add(record_id)
    should = sum(1 for person in person_of_request.values() if held.get(person))
    found = right = wrong = 0
    for row in result.rows:
        if row.status in (ReconciliationStatus.ACKNOWLEDGED, ReconciliationStatus.CONFLICTING):
            found += 1
            truth = person_of_request[str(row.request_record_id)]
            if row.custody_record_id in held.get(truth, set()):
                right += 1
            else:
                wrong += 1
    return {
        "requests": len(person_of_request),
        "held_requested": should,
        "acknowledged": found,
        "recall": right / should if should else 1.0,
        "false_ack_rate": wrong / found if found else 0.0,
        "seconds": load_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--seeds", default="1,2")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {__import__('os').cpu_count()} cores")
    header = (
        ("persons", 8),
        ("seed", 6),
        ("requests", 10),
        ("held+req", 10),
        ("acked", 8),
        ("recall", 9),
    )
    header += ("false ack", 11), ("load s", 9)
    print("".join(f"{name:>{width}}" for name, width in header))
    for size in (int(s) for s in args.sizes.split(",")):
        for seed in (int(s) for s in args.seeds.split(",")):
            r = run(size, seed)
            print(f"{size:>8}{seed:>6}{r['requests']:>10,}{r['held_requested']:>10,}{r['acknowledged']:>8,}"
                  f"{r['recall']:>9.4f}{r['false_ack_rate']:>11.4f}{r['seconds']:>9.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
