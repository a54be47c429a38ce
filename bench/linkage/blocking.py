"""Blocking: how many true pairs the blocking rules keep, and how many candidate pairs they cost.

Run: .venv/bin/python -m bench.linkage.blocking [--sizes 20000,200000] [--seed 1]
"""

from __future__ import annotations

import argparse
import time

from bench.linkage.cases import scenario_case


def main() -> None:
    from unforgotten.linkage import default_model, features
    from unforgotten.linkage.backend import open_backend
    from unforgotten.linkage.engine import LEFT, RIGHT, score_pairs

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20000")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    print("| persons | rows | candidate pairs (cross) | true pairs | kept | recall | seconds |\n" + "|---" * 7 + "|")
    for size in (int(s) for s in options.sizes.split(",")):
        case = scenario_case(size, options.seed)
        left, right = features(case.left, id_prefix=LEFT), features(case.right, id_prefix=RIGHT)
        backend = open_backend()
        started = time.perf_counter()
        scored = score_pairs(backend, [left, right], default_model(), "link_only", 0.0, (len(left), len(right)))
        seconds = time.perf_counter() - started
        backend.close()
        flip = scored["unique_id_l"].str.startswith(RIGHT)
        lefts = scored["unique_id_l"].where(~flip, scored["unique_id_r"]).str[2:]
        rights = scored["unique_id_r"].where(~flip, scored["unique_id_l"]).str[2:]
        candidates = set(zip(lefts, rights, strict=True))
        kept = len(candidates & case.truth)
        print(
            f"| {size} | {len(left)}×{len(right)} | {len(candidates)} | {len(case.truth)} | {kept} | "
            f"{kept / len(case.truth):.4f} | {seconds:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
