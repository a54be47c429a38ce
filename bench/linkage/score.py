"""Precision, recall, F1, recall by kind of variation, and false positives among look-alikes."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.linkage.cases import Case


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    recall_by_kind: dict[str, float] = field(default_factory=dict)
    hard_fp: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind → (pairs predicted, pairs there)


def score(case: Case, pairs: list[tuple[str, str, float]], threshold: float = 0.0) -> Score:
    predicted = {(a, b) for a, b, p in pairs if p >= threshold}
    hits = len(predicted & case.truth)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(case.truth) if case.truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    by_kind: dict[str, list[int]] = {}
    for pair, kinds in case.kinds.items():
        for kind in kinds:
            counts = by_kind.setdefault(kind, [0, 0])
            counts[0] += pair in predicted
            counts[1] += 1
    hard: dict[str, list[int]] = {}
    for pair, kind in case.hard.items():
        counts = hard.setdefault(kind, [0, 0])
        counts[0] += pair in predicted
        counts[1] += 1
    return Score(
        precision,
        recall,
        f1,
        {k: found / total for k, (found, total) in by_kind.items() if total},
        {k: (found, total) for k, (found, total) in hard.items()},
    )


def best_threshold(case: Case, pairs: list[tuple[str, str, float]]) -> str:
    """F1 at each threshold from 0.1 to 0.99, and the best one."""
    grid = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
    results = [(t, score(case, pairs, t).f1) for t in grid]
    best = max(results, key=lambda item: (item[1], -abs(item[0] - 0.5)))
    return " ".join(f"{t}:{f:.4f}" for t, f in results) + f" → best {best[0]}"
