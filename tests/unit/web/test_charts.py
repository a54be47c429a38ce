"""The dashboard's chart geometry: bars proportional to the counts, totals that add up, empty and single charts."""

from __future__ import annotations

import datetime as dt

import pytest

from unforgotten.web import charts
from unforgotten.web.charts import day_bars, nice_ticks, stacked_bars

KEYS = ("requested", "acknowledged", "exchanged")


@pytest.mark.parametrize("maximum", [1, 3, 7, 10, 23, 99, 100, 101, 4_999, 6_000])
def test_ticks_start_at_zero_reach_the_maximum_and_step_evenly(maximum: int) -> None:
    ticks = nice_ticks(maximum)
    assert ticks[0] == 0 and ticks[-1] >= maximum and ticks[-2] < maximum
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and str(steps.pop()).lstrip("0")[0] in "125"
    assert len(ticks) <= 12


def test_an_empty_axis_still_has_a_scale() -> None:
    assert nice_ticks(0) == (0, 1)


def test_segments_are_proportional_across_bars_and_add_up_to_the_total() -> None:
    rows = [("young", {"requested": 6, "acknowledged": 3, "exchanged": 1}), ("wounded", {"requested": 2})]
    chart = stacked_bars(rows, keys=KEYS, width=610, label_width=100)
    scale = chart.plot_width / chart.ticks[-1][1]
    young, wounded = chart.bars
    assert (young.total, wounded.total) == (10, 2)
    for bar in chart.bars:
        assert [s.key for s in bar.segments] == list(KEYS)
        for segment in bar.segments:
            assert segment.width == pytest.approx(segment.value * scale)
        # segments abut, left to right, and end where the total does
        for left, right in zip(bar.segments, bar.segments[1:], strict=False):
            assert right.x == pytest.approx(left.x + left.width)
        assert bar.segments[-1].x + bar.segments[-1].width == pytest.approx(chart.plot_left + bar.total * scale)
    assert young.segments[0].width == pytest.approx(3 * wounded.segments[0].width)
    assert chart.bars[1].y > chart.bars[0].y and not chart.empty


def test_keys_outside_the_order_are_not_drawn_and_negatives_count_as_zero() -> None:
    chart = stacked_bars([("c", {"requested": 4, "held": 9, "exchanged": -2})], keys=KEYS)
    assert chart.bars[0].total == 4
    assert [s.value for s in chart.bars[0].segments] == [4, 0, 0]


def test_one_category_fills_the_plot_up_to_its_axis_end() -> None:
    chart = stacked_bars([("only", {"requested": 5})], keys=KEYS, width=410, label_width=100)
    (bar,) = chart.bars
    end = chart.ticks[-1][1]
    assert bar.segments[0].width == pytest.approx(chart.plot_width * 5 / end)
    assert chart.ticks[0] == (chart.plot_left, 0)


def test_no_categories_or_all_zero_is_an_empty_chart() -> None:
    assert stacked_bars([], keys=KEYS).empty
    zero = stacked_bars([("a", {}), ("b", {"requested": 0})], keys=KEYS)
    assert zero.empty and all(s.width == 0 for bar in zero.bars for s in bar.segments)


def test_day_bars_fill_the_gaps_and_are_proportional() -> None:
    first = dt.date(2026, 11, 1)
    chart = day_bars({first: 2, first + dt.timedelta(days=3): 8})
    assert [b.day for b in chart.bars] == [first + dt.timedelta(days=i) for i in range(4)]
    assert [b.value for b in chart.bars] == [2, 0, 0, 8] and chart.total == 10
    assert chart.bars[3].height == pytest.approx(4 * chart.bars[0].height)
    for bar in chart.bars:
        assert bar.y + bar.height == pytest.approx(chart.plot_bottom)
    assert (chart.first, chart.last) == (first, first + dt.timedelta(days=3))


def test_day_bars_keep_only_the_window() -> None:
    end = dt.date(2026, 11, 30)
    counts = {end - dt.timedelta(days=i): 1 for i in range(100)}
    chart = day_bars(counts, days=30)
    assert len(chart.bars) == 30 and chart.total == 30 and chart.last == end


def test_no_days_is_an_empty_chart() -> None:
    chart = day_bars({})
    assert chart.empty and chart.bars == () and chart.first is None
    assert day_bars({dt.date(2026, 1, 1): 0}).empty


def _points(line: charts.Line) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in line.points.split())]


def test_cumulative_lines_rise_to_their_totals_on_one_axis() -> None:
    day = dt.date(2025, 6, 1)
    chart = charts.cumulative_lines(
        {
            "handed_over": {day: 6},
            "answered": {day + dt.timedelta(days=20): 2, day + dt.timedelta(days=25): 1},
            "reunited": {},
        },  # fmt: skip
        end=day + dt.timedelta(days=40),
    )
    assert [(line.key, line.total) for line in chart.lines] == [("handed_over", 6), ("answered", 3), ("reunited", 0)]
    scale = (chart.plot_bottom - chart.plot_top) / chart.ticks[-1][1]
    for line in chart.lines[:2]:
        points = _points(line)
        assert [y for _, y in points] == sorted((y for _, y in points), reverse=True)  # never falls
        assert [x for x, _ in points] == sorted(x for x, _ in points)  # left to right
        assert points[-1] == (chart.plot_right, pytest.approx(chart.plot_bottom - line.total * scale, abs=0.01))
    # the answered line steps up on day 20 by 2, on day 25 by 1
    steps = [(x, y) for x, y in _points(chart.lines[1]) if y < chart.plot_bottom]
    day_width = (chart.plot_right - chart.plot_left) / 40
    expected = (chart.plot_left + 20 * day_width, chart.plot_bottom - 2 * scale)
    assert steps[0] == (pytest.approx(expected[0], abs=0.01), pytest.approx(expected[1], abs=0.01))
    assert chart.x_ticks[0][1] == day and chart.x_ticks[-1][1] == day + dt.timedelta(days=40)


def test_cumulative_lines_leave_out_what_is_after_the_end_and_say_when_empty() -> None:
    day = dt.date(2025, 6, 1)
    chart = charts.cumulative_lines({"a": {day: 1, day + dt.timedelta(days=9): 5}}, end=day + dt.timedelta(days=3))
    assert chart.lines[0].total == 1
    assert charts.cumulative_lines({"a": {}, "b": {day: 0}}).empty
