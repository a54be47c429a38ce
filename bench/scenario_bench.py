"""Scenario generator speed: persons and list rows per second, for 1k, 100k and 1M persons.

Run: .venv/bin/python -m bench.scenario_bench [--sizes 1000,100000,1000000]
"""

from __future__ import annotations

import argparse
import platform
import resource
import time


def main() -> None:
    from unforgotten.scenario import generate

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,100000,1000000")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {__import__('os').cpu_count()} cores")
    print(f"{'persons':>10}{'list rows':>12}{'seconds':>10}{'peak MB':>10}")
    for size in (int(s) for s in args.sizes.split(",")):
        start = time.perf_counter()
        scenario = generate(size, seed=1)
        seconds = time.perf_counter() - start
        rows = sum(len(lst) for lst in scenario.lists.values())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{size:>10,}{rows:>12,}{seconds:>10.1f}{peak:>10.0f}")
        del scenario


if __name__ == "__main__":
    main()
