"""The stress grid: every kind of error at 0, 1×, 2× and 4× its default rate, and models trained on one setting and
tested on another — recall per kind, precision, F1, namesake false positives, calibration and the review band.

Run: .venv/bin/python -m bench.linkage --stress [--size 3000] [--seed 11] [--kinds typo,missing_dob]

Each cell is the scenario's UA request list against RU's custody list. ``recall kind`` counts the true pairs with
that kind on either side. ``namesake FP`` is the issue's measure: predicted pairs between two different persons
with the same family and given name (their keys), one on each list, over all such cross pairs. The reliability
table pools every scored cross pair of every cell; the review band is [DEFAULT_REVIEW_FLOOR, threshold), and the
suggestions are what link_lists(review=DEFAULT_REVIEW_FLOOR) shows: that band, namesakes that lost the one-to-one
choice, and the review pass (unforgotten.linkage.review) for request entries left without a match.
UNFORGOTTEN_STRESS_MISSES=<file> appends every missed true pair (both rows) and every suggestion as JSON lines.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from unforgotten.scenario import ScenarioConfig, generate
from unforgotten.scenario.variations import RATE_KINDS

if TYPE_CHECKING:
    from unforgotten.linkage import LinkageModel

FACTORS = (0.0, 1.0, 2.0, 4.0)
_BINS = (0.0, 1e-4, 0.001, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0000001)
_LOWEST = 0.0  # every candidate pair is scored: a missed pair is either never compared or scored below a floor
_FLOORS = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2)
_REVIEW_LOWEST, _REVIEW_MOST = 1e-12, 3  # the review pass is weighed down to here (floors and caps)
_REVIEW_FLOORS = (1e-12, 1e-9, 1e-6, 1e-4, 0.01, 0.1)


@dataclass
class Cell:
    """One linked pair of lists and what it scored."""

    name: str
    precision: float
    recall: float
    f1: float
    kind_recall: float | None
    namesake_fp: tuple[int, int]
    missed: int = 0
    missed_in_band: int = 0
    band_pairs: int = 0
    requests: int = 0
    seconds: float = 0.0
    missed_scores: list[float] = field(default_factory=list)  # best score of each true pair missed (0: not scored)
    suggested: int = 0  # pairs suggested for review, both passes (link_lists(review=DEFAULT_REVIEW_FLOOR))
    missed_suggested: int = 0  # true pairs missed at the threshold among them
    review_seconds: float = 0.0
    review_items: list[tuple[float, int, bool]] = field(default_factory=list)  # (rank, place, a missed true pair)
    missed_kinds: list[str] = field(default_factory=list)  # both sides' kinds of error of each never-compared miss
    missed_compared: int = 0  # true pairs missed at the threshold that blocking made candidates (the rest never were)
    band_scores: list[float] = field(default_factory=list)  # scores of the pairs not predicted, down to _LOWEST


@dataclass
class Pool:
    """Scored cross pairs of every cell, for the reliability table."""

    bins: dict[int, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0.0]))

    def add(self, probability: float, true: bool) -> None:
        for index in range(len(_BINS) - 1):
            if _BINS[index] <= probability < _BINS[index + 1]:
                self.bins[index][0] += 1
                self.bins[index][1] += true
                self.bins[index][2] += probability
                return

    def table(self) -> str:
        """Per bin: pairs, mean predicted probability, observed share of true pairs, and true pairs expected (the
        sum of the probabilities) against those found; then the pooled gap, weighted by pairs (ECE)."""
        lines = [
            "| predicted probability | pairs | mean predicted | observed match rate | true pairs expected / found |",
            "|---|---|---|---|---|",
        ]
        gap, total = 0.0, 0
        for index in sorted(self.bins):
            count, true, summed = self.bins[index]
            high = min(_BINS[index + 1], 1.0)
            lines.append(
                f"| [{_BINS[index]:g}, {high:g}) | {count:.0f} | {summed / count:.4f} | {true / count:.4f} "
                f"| {summed:.1f} / {true:.0f} |"
            )
            gap += abs(summed - true)
            total += int(count)
        lines.append(f"\nExpected calibration error (pairs at {_BINS[1]:g} or more): {gap / max(total, 1):.5f}")
        return "\n".join(lines)


def _case(config: ScenarioConfig, size: int, seed: int) -> tuple[list[dict[str, str]], list[dict[str, str]], Any]:
    scenario = generate(size, seed, config)
    left, right = scenario.lists["ua_request"], scenario.lists["ru_custody"]
    meta = {
        "left_person": dict(zip(left.columns["record_id"], left.person_ids, strict=True)),
        "right_person": dict(zip(right.columns["record_id"], right.person_ids, strict=True)),
        "left_kinds": dict(zip(left.columns["record_id"], left.variations, strict=True)),
        "right_kinds": dict(zip(right.columns["record_id"], right.variations, strict=True)),
    }
    return list(left.rows()), list(right.rows()), meta


def _namesake_keys(rows: Sequence[dict[str, str]]) -> dict[str, tuple[str, str]]:
    from unforgotten.linkage import features

    frame = features(rows)
    return {
        r: (str(f), str(g))
        for r, f, g in zip(frame["record_id"], frame["family_key"], frame["given_group"], strict=True)
        if f and g
    }


def run_cell(
    name: str,
    config: ScenarioConfig,
    size: int,
    seed: int,
    kind: str | None,
    pool: Pool | None,
    model: LinkageModel | None = None,
) -> tuple[Cell, LinkageModel]:
    """Link one generated pair (training on it unless ``model`` is given) and score it."""
    from unforgotten.linkage import DEFAULT_REVIEW_FLOOR
    from unforgotten.linkage.backend import open_backend
    from unforgotten.linkage.engine import (
        LEFT,
        RIGHT,
        _resolve_link,
        _review_pairs,
        _trained_or_shipped,
        score_pairs,
    )
    from unforgotten.linkage.features import features
    from unforgotten.linkage.review import REVIEW_FLOOR, REVIEW_PER_ENTRY

    left, right, meta = _case(config, size, seed)
    lp, rp = meta["left_person"], meta["right_person"]
    by_person: dict[int, list[str]] = defaultdict(list)
    for record, person in rp.items():
        by_person[person].append(record)
    truth = {(a, b) for a, person in lp.items() for b in by_person.get(person, [])}
    started = time.perf_counter()
    # One scoring pass down to _LOWEST serves both the decision (pairs at the threshold, resolved as link_lists
    # resolves them) and the calibration and review-band measures.
    left_frame, right_frame = features(left, id_prefix=LEFT), features(right, id_prefix=RIGHT)
    backend = open_backend()
    try:
        chosen = model if model is not None else _trained_or_shipped(left_frame, right_frame, backend)
        scored = score_pairs(
            backend, [left_frame, right_frame], chosen, "link_and_dedupe", _LOWEST, (len(left), len(right))
        )
        cut = chosen.threshold
        result = _resolve_link(scored[scored["match_probability"] >= cut], left_frame, right_frame, chosen, cut, False)
        seconds = time.perf_counter() - started
        # What a reviewer is shown (link_lists(review=DEFAULT_REVIEW_FLOOR)): the first pass's unlinked pairs from the
        # floor up, and the second pass's best few for each request entry left without a match.
        # Down to _REVIEW_LOWEST and _REVIEW_MOST per entry, to weigh other floors and caps (review_table); what
        # link_lists shows is the part at REVIEW_FLOOR and REVIEW_PER_ENTRY.
        ranked = _review_pairs(
            backend,
            scored,
            left_frame,
            right_frame,
            result,
            DEFAULT_REVIEW_FLOOR,
            lowest=_REVIEW_LOWEST,
            per_entry=_REVIEW_MOST,
        )
        suggestions = [
            pair for pair, rank, place in ranked if place < 0 or (rank >= REVIEW_FLOOR and place < REVIEW_PER_ENTRY)
        ]
        review_seconds = time.perf_counter() - started - seconds
    finally:
        backend.close()
    predicted = {(p.left_id, p.right_id) for p in result.pairs}
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    kind_recall = None
    if kind is not None:
        labelled = [
            pair
            for pair in truth
            if kind in meta["left_kinds"][pair[0]].split("|") or kind in meta["right_kinds"][pair[1]].split("|")
        ]
        kind_recall = sum(pair in predicted for pair in labelled) / len(labelled) if labelled else None
    left_keys, right_keys = _namesake_keys(left), _namesake_keys(right)
    right_by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record, key in right_keys.items():
        right_by_key[key].append(record)
    namesakes = {
        (a, b) for a, key in left_keys.items() for b in right_by_key.get(key, []) if lp[a] != rp[b]
    }  # fmt: skip
    namesake_fp = (len(namesakes & predicted), len(namesakes))
    best: dict[tuple[str, str], float] = {}
    for a, b, p in zip(scored["unique_id_l"], scored["unique_id_r"], scored["match_probability"], strict=True):
        if a[:2] == b[:2]:
            continue
        pair = (a[2:], b[2:]) if a.startswith(LEFT) else (b[2:], a[2:])
        best[pair] = max(best.get(pair, 0.0), float(p))
    if pool is not None:
        for pair, p in best.items():
            if p >= _BINS[1]:
                pool.add(p, pair in truth)
    missed = truth - predicted
    threshold = result.threshold
    in_band = sum(DEFAULT_REVIEW_FLOOR <= best.get(pair, 0.0) < threshold for pair in missed)
    band = sum(DEFAULT_REVIEW_FLOOR <= p and pair not in predicted for pair, p in best.items())
    cell = Cell(name, precision, recall, f1, kind_recall, namesake_fp, len(missed), in_band, band, len(left), seconds)
    suggested = {(pair.left_id, pair.right_id) for pair in suggestions}
    cell.suggested, cell.missed_suggested = len(suggested), len(missed & suggested)
    cell.review_items = [(rank, place, (pair.left_id, pair.right_id) in missed) for pair, rank, place in ranked]
    cell.review_seconds = review_seconds
    cell.missed_scores = [best.get(pair, 0.0) for pair in missed]
    cell.missed_compared = sum(pair in best for pair in missed)
    dump = os.environ.get("UNFORGOTTEN_STRESS_MISSES")  # a JSON-lines file: every missed pair with both rows
    if dump:
        left_by, right_by = {r["record_id"]: r for r in left}, {r["record_id"]: r for r in right}
        with open(dump, "a", encoding="utf-8") as out:
            for a, b in sorted(missed):
                record = {
                    "cell": name,
                    "score": best.get((a, b)),
                    "suggested": next((x.score for x in suggestions if (x.left_id, x.right_id) == (a, b)), None),
                    "left": left_by[a],
                    "right": right_by[b],
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            linked = {a for a, _ in predicted}
            for pair in suggestions:
                key = (pair.left_id, pair.right_id)
                shown = {"cell": name, "suggestion": pair.score, "true": key in truth, "alone": key[0] not in linked}
                out.write(json.dumps(shown) + "\n")
    cell.missed_kinds = [
        f"{meta['left_kinds'][a] or '-'} / {meta['right_kinds'][b] or '-'}" for a, b in missed if (a, b) not in best
    ]
    cell.band_scores = [p for pair, p in best.items() if pair not in predicted and p < threshold]
    return cell, result.model


def floors_table(cells: Sequence[Cell]) -> str:
    """For each candidate review floor: the share of missed true pairs it catches, and the band's size."""
    missed = [p for cell in cells for p in cell.missed_scores]
    requests = max(cell.requests for cell in cells)
    lines = [
        "| review floor | missed true pairs in the band | band pairs per request entry (worst cell) |",
        "|---|---|---|",
    ]
    for floor in _FLOORS:
        caught = sum(p >= floor for p in missed)
        worst = max(sum(p >= floor for p in cell.band_scores) / max(cell.requests, 1) for cell in cells)
        share = f"{caught}/{len(missed)} ({100 * caught / len(missed):.1f}%)" if missed else "–"
        lines.append(f"| {floor:g} | {share} | {100 * worst:.1f}% (of {requests} requests at most) |")
    return "\n".join(lines)


def review_table(cells: Sequence[Cell]) -> str:
    """For review-pass floors and caps per entry: missed true pairs suggested (both passes), and suggestions per
    request entry (all cells; worst cell)."""
    missed = sum(cell.missed for cell in cells)
    requests = sum(cell.requests for cell in cells)
    lines = [
        "| second-pass floor | per entry | missed true pairs suggested | suggestions / requests | worst cell |",
        "|---|---|---|---|---|",
    ]
    for floor in _REVIEW_FLOORS:
        for most in range(1, _REVIEW_MOST + 1):
            caught = shown = 0
            worst = 0.0
            for cell in cells:
                kept = [item for item in cell.review_items if item[1] < 0 or (item[0] >= floor and item[1] < most)]
                caught += sum(item[2] for item in kept)
                shown += len(kept)
                worst = max(worst, len(kept) / max(cell.requests, 1))
            share = f"{caught}/{missed} ({100 * caught / max(missed, 1):.1f}%)"
            lines.append(
                f"| {floor:g} | {most} | {share} | {shown}/{requests} ({100 * shown / max(requests, 1):.2f}%) "
                f"| {100 * worst:.2f}% |"
            )
    return "\n".join(lines)


def misses_table(cells: Sequence[Cell]) -> str:
    """Why the true pairs missed at the threshold are missed, and how many of them the review band holds."""
    from unforgotten.linkage import DEFAULT_REVIEW_FLOOR

    missed = sum(cell.missed for cell in cells)
    compared = sum(cell.missed_compared for cell in cells)
    in_band = sum(cell.missed_in_band for cell in cells)
    requests = sum(cell.requests for cell in cells)
    band = sum(cell.band_pairs for cell in cells)
    worst = max(cell.band_pairs / max(cell.requests, 1) for cell in cells)
    suggested = sum(cell.missed_suggested for cell in cells)
    shown = sum(cell.suggested for cell in cells)
    worst_shown = max(cell.suggested / max(cell.requests, 1) for cell in cells)

    def of_requests(count: int) -> str:
        return f"{count}/{requests} ({100 * count / max(requests, 1):.2f}%)"

    def share(count: int) -> str:
        return f"{count} ({100 * count / missed:.1f}%)" if missed else str(count)

    kinds: dict[str, int] = defaultdict(int)
    for cell in cells:
        for text in cell.missed_kinds:
            for kind in {k for side in text.split(" / ") for k in side.split("|") if k and k != "-"}:
                kinds[kind] += 1
    common = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda item: -item[1])[:8])
    return "\n".join(
        [
            "| measure | value |",
            "|---|---|",
            f"| true pairs missed at the threshold | {missed} |",
            f"| … in the review band [{DEFAULT_REVIEW_FLOOR:g}, threshold) | {share(in_band)} |",
            f"| … compared, scored below the floor | {share(compared - in_band)} |",
            f"| … never compared (no blocking rule pairs them) | {share(missed - compared)} |",
            f"| kinds of error on the never-compared pairs | {common or '–'} |",
            f"| review band pairs / request entries, all cells | {of_requests(band)} |",
            f"| … worst cell | {100 * worst:.2f}% |",
            f"| missed pairs suggested, both passes (link_lists(review=…)) | {share(suggested)} |",
            f"| suggestions / request entries, all cells | {of_requests(shown)} |",
            f"| … worst cell | {100 * worst_shown:.2f}% |",
        ]
    )


def _line(cell: Cell) -> str:
    kind = "–" if cell.kind_recall is None else f"{cell.kind_recall:.3f}"
    fp, total = cell.namesake_fp
    rate = f"{100 * fp / total:.2f}%" if total else "–"
    band = f"{cell.missed_in_band}/{cell.missed}" if cell.missed else "–"
    return (
        f"| {cell.name} | {kind} | {cell.precision:.4f} | {cell.recall:.4f} | {cell.f1:.4f} | {fp}/{total} ({rate}) "
        f"| {band} | {cell.band_pairs}/{cell.requests} ({100 * cell.band_pairs / max(cell.requests, 1):.1f}%) "
        f"| {cell.missed_suggested}/{cell.missed} | {cell.suggested}/{cell.requests} "
        f"({100 * cell.suggested / max(cell.requests, 1):.1f}%) | {cell.seconds:.1f} + {cell.review_seconds:.1f} |"
    )


HEADER = (
    "| cell | recall of the kind | precision | recall | F1 | namesake FP | missed pairs in review band "
    "| review band pairs / requests | missed pairs suggested (both passes) | suggestions / requests "
    "| s (link + review pass) |\n|---|---|---|---|---|---|---|---|---|---|---|"
)


def main(size: int, seed: int, kinds: Sequence[str] | None = None, cross: bool = True) -> None:
    """Print the stress table, the cross-setting cells and the reliability table."""
    chosen = list(kinds or RATE_KINDS)
    base = ScenarioConfig()
    pool = Pool()
    print(f"stress grid: {size} persons per cell, seed {seed}\n")
    print(HEADER, flush=True)
    lines = [HEADER]
    cells: list[Cell] = []
    crossed: list[Cell] = []  # models trained on one setting, tested on another
    default_cell, _ = run_cell("every kind at 1×", base, size, seed, None, pool)
    cells.append(default_cell)
    lines.append(_line(default_cell))
    print(lines[-1], flush=True)
    for kind in chosen:
        for factor in FACTORS:
            if factor == 1.0:
                continue
            cell, _ = run_cell(f"{kind} {factor:g}×", base.scaled(kind, factor), size, seed, kind, pool)
            cells.append(cell)
            lines.append(_line(cell))
            print(lines[-1], flush=True)
    if cross:
        clean, heavy = base, base
        for kind in RATE_KINDS:  # clean: no errors at all, places and units written alike (the old generator)
            clean, heavy = clean.scaled(kind, 0.0), heavy.scaled(kind, 2.0)
        _, clean_model = run_cell("(train) clean", clean, size, seed + 100, None, None)
        _, heavy_model = run_cell("(train) every kind 2×", heavy, size, seed + 100, None, None)
        _, default_model_ = run_cell("(train) default, other seed", base, size, seed + 100, None, None)
        from unforgotten.linkage import default_model

        for name, model, config in (
            ("trained clean → tested every kind 2×", clean_model, heavy),
            ("trained every kind 2× → tested clean", heavy_model, clean),
            ("trained default seed+100 → tested default", default_model_, base),
            ("shipped model → tested default", default_model(), base),
            ("shipped model → tested every kind 2×", default_model(), heavy),
        ):
            cell, _ = run_cell(name, config, size, seed, None, pool, model=model)
            crossed.append(cell)
            lines.append(_line(cell))
            print(lines[-1], flush=True)
    print("\n" + "\n".join(lines))
    print(f"\nReliability (every scored cross pair of the cells above, at {_BINS[1]:g} or more):\n" + pool.table())
    print("\nReview band (grid cells, trained on their own lists):\n" + floors_table(cells))
    print("\nMisses at the threshold (grid cells):\n" + misses_table(cells))
    print("\nReview pass, other floors and caps (grid cells):\n" + review_table(cells))
    if crossed:
        print("\nMisses at the threshold (grid and train/test cells):\n" + misses_table(cells + crossed))
        print("\nReview pass, other floors and caps (grid and train/test cells):\n" + review_table(cells + crossed))
