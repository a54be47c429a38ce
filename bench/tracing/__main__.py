"""Tracing bench: precision and recall of the children's matcher on generated requests and records.

Run: /work/main/.venv/bin/python -m bench.tracing [--children 500] [--seeds 1,2,3] [--changed 0.3,0.5]

For every seed and every share of changed surnames: the children's matcher (``unforgotten.linkage.children``,
re-estimated on each pair of lists as the service does) runs on the generated lists. *At the threshold*: the
request's best candidate is a proposal when it reaches ``CHILD_THRESHOLD``; precision is the share of proposals that
name the true record, recall the share of children the other side holds that got the true record as a proposal.
*Review band*: the true record among a request's candidates from ``CHILD_REVIEW_FLOOR`` up (at most
``CHILD_PER_REQUEST``), which is what the mediator's queue shows; after review precision is 1 by construction (a
reviewer accepts only what the explanation bears out). Recall per kind of change is at the threshold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import time
from collections import Counter

from bench.tracing.generate import GeneratorSetting, generate
from unforgotten.linkage.children import CHILD_REVIEW_FLOOR, CHILD_THRESHOLD, match_children

_KINDS = ("surname_changed", "russified", "dob_year", "dob_swap", "dob_missing", "parents_missing")


def run(children: int, seed: int, changed: float, threshold: float) -> dict[str, object]:
    scenario = generate(children, seed, GeneratorSetting(changed_surname=changed))
    started = time.perf_counter()
    result = match_children(scenario.requests, scenario.records, threshold=min(threshold, CHILD_THRESHOLD), seed=seed)
    seconds = time.perf_counter() - started
    truth = scenario.truth
    proposals = {c.request_id: c.record_id for c in result.candidates if c.rank == 1 and c.probability >= threshold}
    band: dict[str, set[str]] = {}
    for c in result.candidates:
        band.setdefault(c.request_id, set()).add(c.record_id)
    right = sum(1 for r, rec in proposals.items() if truth.get(r) == rec)
    held = len(truth)
    per_kind: Counter[str] = Counter()
    per_kind_found: Counter[str] = Counter()
    for request, record in truth.items():
        for kind in scenario.kinds[request]:
            per_kind[kind] += 1
            per_kind_found[kind] += proposals.get(request) == record
    both = [r for r, k in scenario.kinds.items() if r in truth and {"surname_changed", "russified"} <= set(k)]
    return {
        "seed": seed,
        "changed": changed,
        "requests": len(scenario.requests),
        "records": len(scenario.records),
        "held": held,
        "proposals": len(proposals),
        "precision": right / len(proposals) if proposals else 1.0,
        "recall": right / held if held else 1.0,
        "band_recall": sum(1 for r, rec in truth.items() if rec in band.get(r, ())) / held if held else 1.0,
        "band_per_request": sum(len(v) for v in band.values()) / len(scenario.requests),
        "false_on_absent": sum(1 for r in proposals if r not in truth),
        "changed_and_russified": (sum(proposals.get(r) == truth[r] for r in both), len(both)),
        "kinds": {k: (per_kind_found[k], per_kind[k]) for k in _KINDS},
        "estimated": not result.settings.get("trained_on", {}).get("prior_kept", True),
        "seconds": seconds,
        "pairs": result.candidate_pairs,
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tracing")
    parser.add_argument("--children", type=int, default=500)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--changed", default="0.3,0.5", help="shares of changed surnames (generator settings)")
    parser.add_argument("--threshold", type=float, default=CHILD_THRESHOLD)
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    changed = [float(c) for c in args.changed.split(",")]
    print(
        f"`python -m bench.tracing --children {args.children} --seeds {args.seeds} --changed {args.changed}` — "
        f"{dt.date.today()}, {platform.machine()} {os.cpu_count()} cores (shared), Python {platform.python_version()}; "
        f"threshold {args.threshold}, review floor {CHILD_REVIEW_FLOOR}\n"
    )
    print(
        "| changed surnames | seed | requests / records / held | precision | recall | F1 | band recall "
        "| band per request | false on absent | changed + Russified found | estimated | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for share in changed:
        for seed in seeds:
            row = run(args.children, seed, share, args.threshold)
            rows.append(row)
            p, r = float(row["precision"]), float(row["recall"])  # type: ignore[arg-type]
            found, total = row["changed_and_russified"]  # type: ignore[misc]
            print(
                f"| {share:.0%} | {seed} | {row['requests']} / {row['records']} / {row['held']} | {p:.3f} | {r:.3f} "
                f"| {_f1(p, r):.3f} | {float(row['band_recall']):.3f} | {float(row['band_per_request']):.2f} "  # type: ignore[arg-type]
                f"| {row['false_on_absent']} | {found}/{total} | {'yes' if row['estimated'] else 'prior'} "
                f"| {float(row['seconds']):.1f} |",  # type: ignore[arg-type]
                flush=True,
            )
    print("\nRecall at the threshold per kind of change (found / held, all seeds):\n")
    print("| changed surnames | " + " | ".join(_KINDS) + " |")
    print("|---|" + "---|" * len(_KINDS))
    for share in changed:
        cells = []
        for kind in _KINDS:
            found = sum(r["kinds"][kind][0] for r in rows if r["changed"] == share)  # type: ignore[index]
            total = sum(r["kinds"][kind][1] for r in rows if r["changed"] == share)  # type: ignore[index]
            cells.append(f"{found / total:.3f} ({found}/{total})" if total else "–")
        print(f"| {share:.0%} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
