"""Micro-benchmark: what sealing personal values costs ``record_inserts`` (100,000 person events, SQLite file).

Run: ``python bench/sealing_bench.py [rows]``. Times are CPU time of this process (``process_time``): on a shared
machine wall clock measures the neighbours too. "clear" is the same code with no column declared personal (the
recorder as it was before sealing); "sealed" seals ``display_name`` with a new key per person, as linking does.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from unforgotten.audit import recorder
from unforgotten.auth import service as parties
from unforgotten.bootstrap import bootstrap
from unforgotten.settings import Settings

SPENT = {"sealing": 0.0}


def _timed_seal(session: object, changes: list[dict[str, object]]) -> None:
    started = time.process_time()
    SEAL(session, changes)  # type: ignore[arg-type]
    SPENT["sealing"] += time.process_time() - started


SEAL = recorder.seal_changes


def run(rows: int, *, sealed: bool) -> float:
    with tempfile.TemporaryDirectory() as folder:
        database = bootstrap(Settings(database_url=f"sqlite:///{Path(folder) / 'bench.db'}"))
        with database.unit_of_work(actor="bench") as uow:
            space = parties.create(session=uow.session, code="ICRC", name="ICRC").id
            uow.commit()
        now = dt.datetime.now(dt.UTC)
        batch = [
            {"id": i, "space_id": space, "status": "requested", "display_name": f"Шевченко Тарас Григорович {i}",
             "merged_into_id": None, "retired_reason": None, "created_at": now, "version": 1}
            for i in range(1, rows + 1)
        ]  # fmt: skip
        patch = (
            mock.patch.object(recorder, "personal_tables", dict)
            if not sealed
            else mock.patch.object(recorder, "personal_tables", recorder.personal_tables)
        )
        timing = mock.patch.object(recorder, "seal_changes", _timed_seal)
        with patch, timing, database.unit_of_work(actor="bench") as uow:
            started = time.process_time()
            for start in range(0, rows, 20_000):  # as linking writes them, in chunks
                recorder.record_inserts(uow.session, "persons", batch[start : start + 20_000])
            uow.commit()
            elapsed = time.process_time() - started
        database.engine.dispose()
        return elapsed


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    results: dict[str, list[float]] = {"clear": [], "sealed": []}
    sealing: list[float] = []
    for _ in range(3):
        for name in results:
            SPENT["sealing"] = 0.0
            results[name].append(run(rows, sealed=name == "sealed"))
            if name == "sealed":
                sealing.append(SPENT["sealing"])
    for name, times in results.items():
        best = min(times)
        print(f"{name:>6}: best {best:.2f} s of {len(times)} ({best / rows * 1e6:.1f} µs per event)")  # noqa: T201
    extra = (min(results["sealed"]) - min(results["clear"])) / rows * 1e6
    print(f"sealed - clear: {extra:.1f} µs per event (CPU; includes the larger hash and row)")  # noqa: T201
    inside = min(sealing) / rows * 1e6
    print(f"in seal_changes (keys made, wrapped, written; boxes sealed): best {inside:.1f} µs per event")  # noqa: T201


if __name__ == "__main__":
    main()
