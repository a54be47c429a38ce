"""The waterfall of one match: the prior and each field's match weight, adding up to the pair's total weight.

Pure arithmetic and geometry for the person page (no web, no database), so that what the chart shows — bars that
add up to the number printed beside them — is tested on its own.

A match's explanation (``Match.explanation``, written by :mod:`unforgotten.linkage.incremental`) holds, per field,
the comparison level and its match weight in bits (log2 of the Bayes factor, term-frequency adjustment included):
``{"family_name": {"level": "exact", "weight": 9.314}, ...}``. It does not hold the prior, which depends on the sizes
of what was linked; but the weights and the prior add up to the match weight whose logistic is the stored
probability (:mod:`unforgotten.linkage.explain`), so the prior is that total less the fields' sum. A probability
that rounds to 0 or 1 has no finite total: then the chart starts at 0 and says the prior is not known.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Bar", "Chart", "Step", "Waterfall", "layout", "total_weight", "waterfall"]

PRIOR = "prior"
TOTAL = "total"
MISSING_LEVEL = "missing"  # the level Splink's null level gets: a value absent on one side, 0 bits


@dataclass(frozen=True)
class Step:
    """One step of the waterfall: ``weight`` bits added to ``start``, ending at ``end``.

    ``key`` is ``"prior"``, a field name, or ``"total"`` (whose bar spans from 0 to the total). ``missing`` marks a
    field with no evidence (absent on one side, or no weight recorded): 0 bits, shown as such.
    """

    key: str
    level: str | None
    weight: float
    start: float
    end: float
    missing: bool = False


@dataclass(frozen=True)
class Waterfall:
    """The steps from the prior (when known) through every field to the total, and the match probability."""

    steps: tuple[Step, ...]
    total: float
    prior: float | None
    probability: float | None

    @property
    def fields(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.key not in (PRIOR, TOTAL))


def total_weight(probability: float | None) -> float | None:
    """The match weight (bits) whose logistic is ``probability``; ``None`` when it is not finite."""
    if probability is None or not 0.0 < probability < 1.0:
        return None
    return math.log2(probability / (1.0 - probability))


def _weight(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def waterfall(explanation: Mapping[str, Any], probability: float | None) -> Waterfall | None:
    """The waterfall of one match, or ``None`` when its explanation has no per-field weights (a manual decision,
    the entry that created the person, or a list's own duplicate joined through another entry).

    Args:
        explanation: ``Match.explanation``: field name → ``{"level": str, "weight": float}``, in the model's order.
        probability: ``Match.probability``.

    Returns:
        Steps in order: the prior (when the probability gives a finite total), one per field, then the total.

    Examples:
        >>> w = waterfall({"dob": {"level": "exact", "weight": 12.0}}, 0.5)
        >>> [(s.key, s.start, s.end) for s in w.steps]
        [('prior', 0.0, -12.0), ('dob', -12.0, 0.0), ('total', 0.0, 0.0)]
    """
    fields = [(name, part) for name, part in explanation.items() if isinstance(part, Mapping)]
    if not fields:
        return None
    weights: list[tuple[str, str | None, float, bool]] = []
    for name, part in fields:
        weight = _weight(part.get("weight"))
        level = part.get("level")
        missing = weight is None or level == MISSING_LEVEL
        weights.append((str(name), None if level is None else str(level), weight or 0.0, missing))
    field_sum = math.fsum(w for _, _, w, _ in weights)
    total = total_weight(probability)
    prior = None if total is None else total - field_sum
    steps: list[Step] = []
    at = 0.0
    if prior is not None:
        steps.append(Step(PRIOR, None, prior, 0.0, prior))
        at = prior
    for name, level, weight, missing in weights:
        steps.append(Step(name, level, weight, at, at + weight, missing))
        at += weight
    shown_total = total if total is not None else field_sum
    steps.append(Step(TOTAL, None, shown_total, 0.0, shown_total))
    return Waterfall(steps=tuple(steps), total=shown_total, prior=prior, probability=probability)


@dataclass(frozen=True)
class Bar:
    """One bar in chart coordinates (pixels): a step drawn from ``x`` for ``width`` on row ``y``."""

    step: Step
    x: float
    y: float
    width: float
    height: float

    @property
    def kind(self) -> str:
        """What the bar is, for its colour: prior, total, missing, positive or negative."""
        if self.step.key in (PRIOR, TOTAL):
            return self.step.key
        if self.step.missing:
            return "missing"
        return "positive" if self.step.weight >= 0 else "negative"


@dataclass(frozen=True)
class Chart:
    """A waterfall laid out: bars, the x of 0 bits, the axis ticks (x, bits), and the drawing's size."""

    bars: tuple[Bar, ...]
    zero_x: float
    ticks: tuple[tuple[float, int], ...]
    width: float
    height: float
    plot_left: float
    plot_right: float
    row_height: float


def _tick_step(span: float) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100):
        if span / step <= 8:
            return step
    return 200


def layout(
    chart: Waterfall,
    *,
    width: float = 720.0,
    label_width: float = 250.0,
    value_width: float = 70.0,
    row_height: float = 30.0,
    axis_height: float = 22.0,
) -> Chart:
    """Lay a waterfall out horizontally: one row per step, x proportional to the running weight in bits.

    The plot spans every running total and 0 (so the prior, often far below 0, and the total both fit); a missing
    field gets a hairline at its place so the row is not empty.
    """
    ends = [v for s in chart.steps for v in (s.start, s.end)] + [0.0]
    low, high = min(ends), max(ends)
    if high - low < 1.0:
        low, high = low - 0.5, high + 0.5
    plot_left, plot_right = label_width, width - value_width
    scale = (plot_right - plot_left) / (high - low)

    def x_of(bits: float) -> float:
        return plot_left + (bits - low) * scale

    bar_height = row_height * 0.55
    bars = []
    for row, step in enumerate(chart.steps):
        left, right = sorted((x_of(step.start), x_of(step.end)))
        y = axis_height + row * row_height + (row_height - bar_height) / 2
        bars.append(Bar(step, left, y, max(right - left, 1.0 if step.missing else 0.0), bar_height))
    every = _tick_step(high - low)
    ticks = tuple(
        (x_of(float(bits)), bits) for bits in range(math.ceil(low / every) * every, math.floor(high) + 1, every)
    )
    height = axis_height + len(chart.steps) * row_height + 4
    return Chart(tuple(bars), x_of(0.0), ticks, width, height, plot_left, plot_right, row_height)
