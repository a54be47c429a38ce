"""Stage-planning benchmark: is the lexicographic optimum proven, how fast, and what does a greedy plan lose?

Run: .venv/bin/python -m bench.planning [--sizes 2000x12,2000x30,20000x12,20000x30] [--seeds 1] [--workers 1]
     [--time-limit 60] [--write DIR]

For each size and seed it generates an instance (``bench/planning/generate.py``), solves it with the engine
(``unforgotten.planning.solve``: level 1 most persons, level 2 least urgency-weighted delay, level 3 fewest stages,
each proven before the next) and with an urgent-first greedy plan (``bench/planning/greedy.py``), and prints one
table row: proven per level, seconds per level and in all, and both plans' persons and cost. ``--workers 1,2,8``
compares CP-SAT's worker counts on the same instances. ``--write DIR`` saves each instance as JSON for
``unforgotten plan solve``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.planning.generate import generate_instance
from bench.planning.greedy import greedy_plan
from unforgotten.planning import Instance, parse_instance, solve
from unforgotten.planning.units import make_units, pool_units


def _cost(instance: Instance, assignments: dict[str, str]) -> int:
    index = {stage.id: number + 1 for number, stage in enumerate(instance.stages)}
    left_out = len(instance.stages) + 1
    return sum(p.urgency * (index[assignments[p.id]] if p.id in assignments else left_out) for p in instance.persons)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2000x12,2000x30,20000x12,20000x30", help="PERSONSxSTAGES, comma-separated")
    parser.add_argument("--seeds", default="1", help="generator seeds, comma-separated")
    parser.add_argument("--workers", default="1", help="CP-SAT worker counts to compare, comma-separated")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per instance, all levels together")
    parser.add_argument("--write", type=Path, help="save each instance as JSON in this folder")
    args = parser.parse_args()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.machine()} · Python {platform.python_version()} · "
        f"time limit {args.time_limit:g} s per instance"
    )
    print()
    print(
        "| persons | stages | seed | pools | workers | proven (1/2/3) | s level 1 | s level 2 | s level 3 | s total "
        "| assigned | cost | stages used | greedy assigned | greedy cost | greedy extra cost | greedy extra delay |"
    )
    print("| " + " | ".join(["---:"] * 5 + ["---"] + ["---:"] * 11) + " |")
    for size in args.sizes.split(","):
        persons, stages = (int(part) for part in size.lower().split("x"))
        for seed in (int(s) for s in args.seeds.split(",")):
            data = generate_instance(persons, stages, seed=seed)
            if args.write is not None:
                args.write.mkdir(parents=True, exist_ok=True)
                (args.write / f"planning_{persons}x{stages}_s{seed}.json").write_text(json.dumps(data), "utf-8")
            instance = parse_instance(data)
            pools = len(pool_units(make_units(instance)))
            greedy = greedy_plan(instance)
            greedy_cost = _cost(instance, greedy)
            for workers in (int(w) for w in args.workers.split(",")):
                started = time.perf_counter()
                plan = solve(instance, time_limit=args.time_limit, num_workers=workers)
                total = time.perf_counter() - started
                proven = "/".join(
                    "yes" if level.proven else f"no ({level.status}, gap {level.gap or 0:.1%})" for level in plan.levels
                )
                seconds = " | ".join(f"{level.seconds:.1f}" for level in plan.levels)
                extra = (greedy_cost - plan.cost) / plan.cost if plan.cost else 0.0
                # Delay: the cost above everyone crossing at stage 1, the part a plan can avoid or not.
                delay = plan.cost - sum(person.urgency for person in instance.persons)
                extra_delay = (greedy_cost - plan.cost) / delay if delay else 0.0
                print(
                    f"| {persons:,} | {stages} | {seed} | {pools} | {workers} | {proven} | {seconds} | {total:.1f} "
                    f"| {plan.assigned:,} | {plan.cost:,} | {plan.stages_used} | {len(greedy):,} | {greedy_cost:,} "
                    f"| +{extra:.1%} | +{extra_delay:.1%} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
