"""Why a pair matched: each field's comparison level and match weight, adding up to the pair's probability.

The weights are read from Splink's own match weight columns (``mw_<field>`` and ``mw_tf_adj_<field>``), so
``prior_weight + sum(field weights) == match_weight`` and ``logistic2(match_weight) == match_probability`` hold
exactly — the disagreement Splink users report (splink #2529) cannot arise here; :func:`check` verifies it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Explainer", "FieldExplanation", "check", "probability_from_weight"]


@dataclass(frozen=True)
class FieldExplanation:
    """One field of one pair.

    Attributes:
        level: The comparison level the pair fell into, e.g. ``"day and month swapped"``.
        weight: Its match weight in bits (log2 of the Bayes factor, term-frequency adjustment included).
    """

    level: str
    weight: float


def probability_from_weight(weight: float) -> float:
    """Match probability from a match weight in bits: ``2**w / (1 + 2**w)``, safe for large ``|w|``."""
    if weight >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -weight))
    power = math.pow(2.0, weight)
    return power / (1.0 + power)


def _label(level: Mapping[str, Any], index: int) -> str:
    label = level.get("label_for_charts")
    return str(label) if label else f"level {index}"


class Explainer:
    """Reads per-field levels and weights out of one scored pair (a row of Splink's predictions)."""

    def __init__(self, splink_settings: Mapping[str, Any]) -> None:
        self.prior_weight = math.log2(
            splink_settings["probability_two_random_records_match"]
            / (1.0 - splink_settings["probability_two_random_records_match"])
        )
        self.fields: list[tuple[str, dict[int, str]]] = []
        for comparison in splink_settings["comparisons"]:
            levels = comparison["comparison_levels"]
            non_null = [level for level in levels if not level.get("is_null_level")]
            labels = {-1: "missing"}
            # Splink numbers non-null levels from the top: the first is n-1, the last (else) is 0.
            for position, level in enumerate(non_null):
                labels[len(non_null) - 1 - position] = _label(level, position)
            self.fields.append((comparison["output_column_name"], labels))

    def explain(self, pair: Mapping[str, Any]) -> dict[str, FieldExplanation]:
        """Per field, the level and weight of one predicted pair.

        Args:
            pair: One row of Splink's predictions, with intermediate columns retained.

        Returns:
            Field name → :class:`FieldExplanation`, in the model's order.
        """
        out: dict[str, FieldExplanation] = {}
        for name, labels in self.fields:
            gamma = int(pair[f"gamma_{name}"])
            weight = float(pair[f"mw_{name}"])
            adjustment = pair.get(f"mw_tf_adj_{name}")
            if adjustment is not None and not _is_nan(adjustment):
                weight += float(adjustment)
            out[name] = FieldExplanation(labels.get(gamma, f"level {gamma}"), weight)
        return out


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def check(explainer: Explainer, pair: Mapping[str, Any], tolerance: float = 1e-6) -> bool:
    """True when the fields' weights and the prior add up to the pair's match weight and probability."""
    fields = explainer.explain(pair)
    total = explainer.prior_weight + sum(f.weight for f in fields.values())
    return (
        abs(total - float(pair["match_weight"])) <= tolerance
        and abs(probability_from_weight(total) - float(pair["match_probability"])) <= tolerance
    )
