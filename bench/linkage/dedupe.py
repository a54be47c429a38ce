"""The 1M-record dedupe: every list of one scenario deduplicated together (time, memory, and F1 on pairs).

Child: python -m bench.linkage.dedupe ROWS.pickle OUT.json
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from collections import defaultdict
from pathlib import Path

_ROWS_PER_PERSON = 1.7  # measured: a scenario writes about 1.7 list entries per person
_COLUMNS = ("record_id", "family_name", "given_name", "patronymic", "full_name", "date_of_birth", "place_of_birth",
            "service_number", "military_unit")  # fmt: skip


def write_rows(records: int, path: Path) -> int:
    from unforgotten.scenario import generate

    scenario = generate(int(records / _ROWS_PER_PERSON), 7)
    rows: list[dict[str, str]] = []
    persons: list[int] = []
    for generated in scenario.lists.values():
        # Only the columns the engine reads: 23 text cells a row would cost the child 3 GB before it starts.
        rows.extend({k: row[k] for k in _COLUMNS} for row in generated.rows())
        persons.extend(generated.person_ids)
    path.write_bytes(pickle.dumps((rows, persons), protocol=pickle.HIGHEST_PROTOCOL))
    return len(rows)


def main() -> None:
    from unforgotten.linkage import dedupe_list

    rows, persons = pickle.loads(Path(sys.argv[1]).read_bytes())
    started = time.perf_counter()
    result = dedupe_list(rows)
    seconds = time.perf_counter() - started
    by_person: dict[int, list[str]] = defaultdict(list)
    for row, person in zip(rows, persons, strict=True):
        by_person[person].append(row["record_id"])
    truth = {tuple(sorted((a, b))) for ids in by_person.values() for i, a in enumerate(ids) for b in ids[i + 1 :]}
    predicted = {tuple(sorted((p.left_id, p.right_id))) for p in result.pairs}
    hits = len(predicted & truth)
    precision, recall = hits / max(len(predicted), 1), hits / max(len(truth), 1)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    from bench.linkage.methods import peak_mb

    out = {
        "seconds": seconds,
        "pairs": len(predicted),
        "persons": len(set(result.clusters.values())),
        "f1": f1,
        "peak_mb": peak_mb(),
    }
    Path(sys.argv[2]).write_text(json.dumps(out), encoding="utf-8")


if __name__ == "__main__":
    main()
