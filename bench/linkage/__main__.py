"""Linkage benchmark: one command, one table, every method measured in the same run.

Run: .venv/bin/python -m bench.linkage [--sizes 2000,20000,200000] [--seeds 1,2,3] [--febrl] [--dedupe 1000000]
     [--heavy 200000] [--methods unforgotten,exact,splink_tutorial,splink_anyascii] [--thresholds]
     .venv/bin/python -m bench.linkage --stress [--size 3000] [--seed 11] [--kinds typo,missing_dob] [--no-cross]

Each method runs in its own child process; its wall time is the method alone (inputs already in memory) and its
peak memory is the child's own high-water RSS (VmHWM, read by the child at its end; ru_maxrss from os.wait4 would
include the forking parent's memory). The table is printed as Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.linkage.cases import Case, febrl4_case, heavy_case, scenario_case, top_family_names
from bench.linkage.methods import METHODS
from bench.linkage.score import Score, best_threshold, score

_KINDS = ("transliteration", "russian_forms", "date_error", "typo", "missing_patronymic")
_HARD = ("namesake", "brother", "twin")


def _child(args: list[str]) -> tuple[float, dict[str, object]]:
    """Run a child; return its peak RSS in MB (VmHWM, its own) and its JSON output."""
    completed = subprocess.run([sys.executable, *args], stdout=subprocess.DEVNULL, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"child {args} failed with exit code {completed.returncode}")
    result = json.loads(Path(args[-1]).read_text(encoding="utf-8"))
    return float(result["peak_mb"]), result


def run_method(method: str, case_path: Path, directory: Path) -> tuple[list[tuple[str, str, float]], float, float]:
    out = directory / f"{method}.json"
    peak, result = _child(["-m", "bench.linkage.methods", method, str(case_path), str(out)])
    pairs = [(str(a), str(b), float(p)) for a, b, p in result["pairs"]]  # type: ignore[attr-defined]
    return pairs, float(result["seconds"]), peak  # type: ignore[arg-type]


def _row(case: Case, method: str, result: Score, seconds: float, peak: float) -> str:
    recall_by_kind = " | ".join(_fmt(result.recall_by_kind.get(k)) for k in _KINDS)
    false_positives = " | ".join(_fmt_fp(result.hard_fp.get(k)) for k in _HARD)
    return (
        f"| {case.name} | {len(case.left)}×{len(case.right)} | {method} | {result.precision:.4f} | "
        f"{result.recall:.4f} | {result.f1:.4f} | {recall_by_kind} | {false_positives} | {seconds:.1f} | {peak:.0f} |"
    )


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _fmt_fp(value: tuple[int, int] | None) -> str:
    return "–" if value is None or value[1] == 0 else f"{value[0]}/{value[1]} ({100 * value[0] / value[1]:.2f}%)"


HEADER = (
    "| data | rows | method | precision | recall | F1 | "
    + " | ".join(f"recall {k.replace('_', ' ')}" for k in _KINDS)
    + " | "
    + " | ".join(f"FP {k}s" for k in _HARD)
    + " | wall s | peak MB |\n|"
    + "---|" * (8 + len(_KINDS) + len(_HARD))
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--febrl", action="store_true", help="also FEBRL4")
    parser.add_argument("--dedupe", type=int, default=0, help="also dedupe about this many records (e.g. 1000000)")
    parser.add_argument(
        "--heavy", type=int, default=0, help="also ROWS × ROWS with heavy-tailed surnames, per seed (issue 10: 200000)"
    )
    parser.add_argument("--thresholds", action="store_true", help="print F1 by threshold for every method")
    parser.add_argument("--stress", action="store_true", help="the stress grid instead (bench/linkage/stress.py)")
    parser.add_argument("--size", type=int, default=3000, help="--stress: persons per cell")
    parser.add_argument("--seed", type=int, default=11, help="--stress: scenario seed")
    parser.add_argument("--kinds", default="", help="--stress: only these kinds of error (comma-separated)")
    parser.add_argument("--no-cross", action="store_true", help="--stress: leave out the train/test cells")
    options = parser.parse_args()
    if options.stress:
        from bench.linkage.stress import main as stress

        stress(options.size, options.seed, [k for k in options.kinds.split(",") if k] or None, not options.no_cross)
        return
    methods = [m for m in options.methods.split(",") if m]
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(f"command: {' '.join([Path(sys.executable).name, '-m', 'bench.linkage', *sys.argv[1:]])}\n")
    cases: list[tuple[str, int, int]] = [
        ("scenario", int(size), int(seed))
        for size in options.sizes.split(",")
        if size
        for seed in options.seeds.split(",")
    ]
    if options.heavy:
        cases += [("heavy", options.heavy, int(seed)) for seed in options.seeds.split(",") if seed]
    if options.febrl:
        cases.append(("febrl", 0, 0))
    lines = [HEADER]
    threshold_curves: list[str] = []
    with tempfile.TemporaryDirectory(prefix="uf-bench-") as tmp:
        directory = Path(tmp)
        for kind, size, seed in cases:
            if kind == "febrl":
                case = febrl4_case()
            elif kind == "heavy":
                case = heavy_case(size, seed)
                print(
                    f"{case.name}: {len(case.truth)} true pairs; commonest family names, left: "
                    f"{top_family_names(case.left)}; right: {top_family_names(case.right)}",
                    flush=True,
                )
            else:
                case = scenario_case(size, seed)
            case_path = directory / "case.pickle"
            case.save_inputs(case_path)
            for method in methods:
                pairs, seconds, peak = run_method(method, case_path, directory)
                result = score(case, pairs)
                lines.append(_row(case, method, result, seconds, peak))
                print(lines[-1], flush=True)
                if options.thresholds:
                    threshold_curves.append(f"{case.name}, {method}: {best_threshold(case, pairs)}")
        if options.dedupe:
            lines.append(dedupe_row(options.dedupe, directory))
            print(lines[-1], flush=True)
    print("\n" + "\n".join(lines))
    if threshold_curves:
        print("\nF1 by threshold:\n" + "\n".join(threshold_curves))


def dedupe_row(records: int, directory: Path) -> str:
    """Deduplicate every list of one scenario together (about ``records`` rows): time and memory only."""
    from bench.linkage.dedupe import write_rows

    path = directory / "dedupe.pickle"
    started = time.perf_counter()
    count = write_rows(records, path)
    print(f"dedupe input: {count} rows in {time.perf_counter() - started:.0f} s", flush=True)
    peak, result = _child(["-m", "bench.linkage.dedupe", str(path), str(directory / "dedupe.json")])
    return (
        f"| dedupe all lists | {count} | unforgotten dedupe | F1 {result['f1']:.4f} | pairs {result['pairs']} | "
        f"persons {result['persons']} | | | | | | | | | {float(result['seconds']):.1f} | {peak:.0f} |"  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    main()
