"""The remains page's running-totals chart: step lines from 0, totals that add up, a target inside the axis."""

from __future__ import annotations

import datetime as dt

from unforgotten.web.charts import running_lines

D = dt.date(2025, 6, 9)


def test_each_line_runs_from_zero_and_steps_only_on_its_own_dates() -> None:
    chart = running_lines({"UA": [(D, 1), (D + dt.timedelta(days=3), 1)], "RU": [(D, 2), (D, 1)]}, target=10)
    ua, ru = chart.lines
    assert [(day, total) for day, total, _x, _y in ua.points] == [(D, 1), (D + dt.timedelta(days=3), 2)]
    assert [(day, total) for day, total, _x, _y in ru.points] == [(D, 3)]  # two batches on one day: one step
    for line in chart.lines:
        assert line.vertices[0][1] == chart.plot_bottom  # from 0
        assert line.vertices[-1][0] == ua.vertices[-1][0]  # both run to the last date, level
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in zip(line.vertices, line.vertices[1:], strict=False))
    assert ru.vertices[-1][1] == ru.points[-1][3]


def test_heights_are_proportional_and_the_target_is_on_the_axis() -> None:
    chart = running_lines({"UA": [(D, 4)], "RU": [(D, 2)]}, target=8)
    zero = chart.plot_bottom
    ua_y, ru_y = chart.lines[0].points[0][3], chart.lines[1].points[0][3]
    assert abs((zero - ua_y) - 2 * (zero - ru_y)) < 1e-9
    assert chart.target is not None and chart.ticks[-1][1] >= 8
    assert abs((zero - chart.target[0]) - 2 * (zero - ua_y)) < 1e-9
    assert chart.lines[0].points[0][2] == (chart.plot_left + chart.plot_right) / 2  # one date: in the middle


def test_no_batches_give_an_empty_chart_that_says_so() -> None:
    chart = running_lines({"UA": [], "RU": []}, target=6000)
    assert chart.empty and all(line.points == () for line in chart.lines)
    assert running_lines({"UA": [(D, 1)]}).target is None
