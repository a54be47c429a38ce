"""The methods compared: Unforgotten, exact match, and Splink 5 in issue 10's comparison setup (plain, romanised).

Run one in a child process (so its peak memory is its own):
    python -m bench.linkage.methods METHOD CASE.pickle OUT.json
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.linkage.cases import Case, Row, Rows

Pairs = list[tuple[str, str, float]]


def unforgotten(case: Case) -> Pairs:
    """The product: unsupervised training on the two lists, default threshold, one-to-one with duplicates."""
    from unforgotten.linkage import link_lists

    return [(p.left_id, p.right_id, p.score) for p in link_lists(case.left, case.right).pairs]


def exact(case: Case) -> Pairs:
    """Baseline (a): lower-cased family, given and patronymic names and the date of birth, all equal."""

    def key(row: Row) -> tuple[str, ...]:
        names = tuple((row.get(c) or "").strip().lower() for c in ("family_name", "given_name", "patronymic"))
        return (*names, row.get("date_of_birth") or "")

    index: dict[tuple[str, ...], list[str]] = {}
    for row in case.right:
        index.setdefault(key(row), []).append(row["record_id"])
    return [(row["record_id"], other, 1.0) for row in case.left for other in index.get(key(row), [])]


def _tutorial_rows(rows: Rows, romanise: bool) -> list[dict[str, Any]]:
    """Issue 10's preparation: every text field lower-cased and trimmed; romanised with anyascii for (c)."""
    from anyascii import anyascii

    def clean(value: str | None) -> str | None:
        text = (value or "").strip().lower()
        if romanise:
            text = anyascii(text).strip().lower()
        return text or None

    return [
        {
            "unique_id": row["record_id"],
            "family_name": clean(row.get("family_name")),
            "given_name": clean(row.get("given_name")),
            "patronymic": clean(row.get("patronymic")),
            "dob": (row.get("date_of_birth") or "").strip() or None,
            "place_of_birth": clean(row.get("place_of_birth")),
            "service_number": (row.get("service_number") or "").strip() or None,
        }
        for row in rows
    ]


def splink_tutorial(case: Case, romanise: bool = False) -> Pairs:
    """Baseline (b)/(c): Splink 5 in issue 10's comparison setup (item 6, "Speed"); (c) romanised with anyascii.

    Names lower-cased and trimmed. Blocking on family + given name, on date of birth, on the first 3 letters of the
    family name + birth year, and on service number. Comparisons NameComparison on family and given name with term
    frequency adjustments, NameComparison on the patronymic, DateOfBirthComparison, Jaro-Winkler 0.9 on place of
    birth, Levenshtein 1 on service number. λ from family + given name + date of birth at recall 0.7, u by random
    sampling (10⁷ pairs), m by EM on date of birth and on family + given name; pairs at match probability ≥ 0.05.
    """
    import logging

    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    left = pd.DataFrame(_tutorial_rows(case.left, romanise))
    right = pd.DataFrame(_tutorial_rows(case.right, romanise))
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("patronymic"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.JaroWinklerAtThresholds("place_of_birth", [0.9]),
            cl.LevenshteinAtThresholds("service_number", [1]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("family_name", "given_name"),
            block_on("dob"),
            block_on("substr(family_name, 1, 3)", "substr(dob, 1, 4)"),
            block_on("service_number"),
        ],
    )
    db_api = DuckDBAPI()
    tables = [db_api.register(left, table_name="l"), db_api.register(right, table_name="r")]
    linker = Linker(tables, settings, log_level=logging.ERROR)
    logging.getLogger("splink").setLevel(logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("family_name", "given_name", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    for rule in (block_on("dob"), block_on("family_name", "given_name")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as error:  # a baseline may fail to train on these data; say so, keep going
            print(f"EM on {rule} failed: {type(error).__name__}: {error}", file=sys.stderr)
    predictions = linker.inference.predict(threshold_match_probability=0.05, warning_mode="never")
    frame = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    left_ids = set(left["unique_id"])
    out: Pairs = []
    for a, b, p in zip(frame["unique_id_l"], frame["unique_id_r"], frame["match_probability"], strict=True):
        out.append((a, b, float(p)) if a in left_ids else (b, a, float(p)))
    return out


def splink_romanised(case: Case) -> Pairs:
    """Baseline (c): the same setup after anyascii romanisation of names and places."""
    return splink_tutorial(case, romanise=True)


METHODS: dict[str, Callable[[Case], Pairs]] = {
    "unforgotten": unforgotten,
    "exact": exact,
    "splink_tutorial": splink_tutorial,
    "splink_anyascii": splink_romanised,
}


def main() -> None:
    method, case_path, out_path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    case = Case.load(case_path)
    started = time.perf_counter()
    pairs = METHODS[method](case)
    seconds = time.perf_counter() - started
    out_path.write_text(json.dumps({"seconds": seconds, "pairs": pairs, "peak_mb": peak_mb()}), encoding="utf-8")


def peak_mb() -> float:
    """This process's own peak RSS (VmHWM, reset at exec — unlike ru_maxrss, which keeps the forking parent's)."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    main()
