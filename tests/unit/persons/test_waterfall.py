"""The match waterfall: the prior and the fields' weights add up to the total the page prints, in bits and pixels."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unforgotten.linkage.explain import probability_from_weight
from unforgotten.persons.waterfall import layout, total_weight, waterfall

EXPLANATION = {
    "family_name": {"level": "exact", "weight": 9.5},
    "given_name": {"level": "same given-name group", "weight": 6.25},
    "patronymic": {"level": "missing", "weight": 0.0},
    "dob": {"level": "day and month swapped", "weight": 3.0},
    "military_unit": {"level": "else", "weight": -4.75},
}
PRIOR = -13.0


def _probability(prior: float, explanation: dict[str, dict[str, object]]) -> float:
    return probability_from_weight(prior + sum(float(part["weight"]) for part in explanation.values()))  # type: ignore[arg-type]


def test_steps_start_at_the_prior_and_add_up_to_the_total() -> None:
    chart = waterfall(EXPLANATION, _probability(PRIOR, EXPLANATION))
    assert chart is not None
    keys = [s.key for s in chart.steps]
    assert keys == ["prior", "family_name", "given_name", "patronymic", "dob", "military_unit", "total"]
    assert chart.prior == pytest.approx(PRIOR, abs=1e-9)
    assert chart.total == pytest.approx(PRIOR + 9.5 + 6.25 + 3.0 - 4.75, abs=1e-9)
    assert math.fsum(s.weight for s in chart.steps[:-1]) == pytest.approx(chart.total, abs=1e-9)
    for before, after in zip(chart.steps[:-2], chart.steps[1:-1], strict=True):
        assert after.start == before.end  # each bar starts where the one before it ended
    assert chart.steps[-2].end == pytest.approx(chart.total, abs=1e-9)


def test_negative_and_positive_weights_point_their_own_way() -> None:
    chart = waterfall(EXPLANATION, _probability(PRIOR, EXPLANATION))
    assert chart is not None
    bars = {bar.step.key: bar for bar in layout(chart).bars}
    assert bars["family_name"].kind == "positive" and bars["military_unit"].kind == "negative"
    unit = bars["military_unit"]
    # A negative weight runs leftwards: its bar ends (left edge) where the running total lands.
    assert unit.step.end < unit.step.start
    assert bars["prior"].kind == "prior" and bars["total"].kind == "total"


def test_a_missing_field_adds_nothing_and_is_marked() -> None:
    explanation = {**EXPLANATION, "service_number": {"level": "missing", "weight": None}, "place_of_birth": {}}
    chart = waterfall(explanation, _probability(PRIOR, EXPLANATION))
    assert chart is not None
    missing = {s.key for s in chart.fields if s.missing}
    assert missing == {"patronymic", "service_number", "place_of_birth"}
    assert all(s.weight == 0.0 and s.start == s.end for s in chart.fields if s.missing)
    assert chart.prior == pytest.approx(PRIOR, abs=1e-9)  # the empty fields changed neither prior nor total
    assert all(bar.width >= 1.0 for bar in layout(chart).bars if bar.kind == "missing")  # a hairline, not nothing


@pytest.mark.parametrize("explanation", [{}, {"cluster": "N|12"}, {"why": "a note"}])
def test_no_per_field_weights_is_no_waterfall(explanation: dict[str, object]) -> None:
    assert waterfall(explanation, None) is None
    assert waterfall(explanation, 0.9) is None


@pytest.mark.parametrize("probability", [None, 1.0, 0.0])
def test_a_probability_with_no_finite_weight_starts_at_zero_without_a_prior(probability: float | None) -> None:
    chart = waterfall(EXPLANATION, probability)
    assert chart is not None and chart.prior is None
    assert chart.steps[0].key == "family_name" and chart.steps[0].start == 0.0
    assert chart.total == pytest.approx(9.5 + 6.25 + 3.0 - 4.75)


def test_layout_puts_the_total_bar_where_the_steps_end() -> None:
    chart = waterfall(EXPLANATION, _probability(PRIOR, EXPLANATION))
    assert chart is not None
    drawn = layout(chart, width=600, label_width=200, value_width=50)
    last_field, total = drawn.bars[-2], drawn.bars[-1]
    landing = last_field.x if last_field.step.weight < 0 else last_field.x + last_field.width
    assert (total.x + total.width if chart.total >= 0 else total.x) == pytest.approx(landing)
    assert all(drawn.plot_left <= b.x and b.x + b.width <= drawn.plot_right + 1e-9 for b in drawn.bars)
    assert [b.y for b in drawn.bars] == sorted(b.y for b in drawn.bars)  # one row each, top to bottom
    assert 0 in {bits for _, bits in drawn.ticks}


@given(
    st.lists(st.floats(min_value=-30, max_value=30, allow_nan=False), min_size=1, max_size=9),
    st.floats(min_value=-25, max_value=0),
)
def test_any_weights_add_up(weights: list[float], prior: float) -> None:
    explanation = {f"f{i}": {"level": "x", "weight": round(w, 3)} for i, w in enumerate(weights)}
    total = prior + sum(round(w, 3) for w in weights)
    probability = probability_from_weight(total)
    chart = waterfall(explanation, probability)
    assert chart is not None
    expected = total_weight(probability)
    if expected is None:  # so sure the float rounds to 0 or 1: no prior to show
        assert chart.prior is None
        return
    assert math.fsum(s.weight for s in chart.steps[:-1]) == pytest.approx(chart.total, abs=1e-6)
    assert chart.steps[-2].end == pytest.approx(chart.total, abs=1e-6)
    for bar in layout(chart).bars:
        assert bar.width >= 0
