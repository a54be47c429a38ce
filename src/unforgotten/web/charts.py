"""Geometry of the dashboard's charts: counts in, rectangles and axis ticks out.

Pure arithmetic (no web, no database), so that what a chart draws — bars whose lengths are proportional to the
counts printed beside them, totals that add up, an empty chart that says so — is tested on its own. The templates
only place what these functions return inside an ``<svg>``, as the person page's waterfall does.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "DayBar",
    "DayChart",
    "Line",
    "LineChart",
    "RunningChart",
    "RunningLine",
    "Segment",
    "StackedBar",
    "StackedChart",
    "cumulative_lines",
    "day_bars",
    "nice_ticks",
    "running_lines",
    "stacked_bars",
]


def nice_ticks(maximum: int, *, count: int = 5) -> tuple[int, ...]:
    """Whole-number axis ticks from 0 to at least ``maximum``, about ``count`` of them, on a 1-2-5 step.

    Args:
        maximum: the largest value the axis must reach.
        count: roughly how many intervals the axis should have.

    Returns:
        Ascending ticks starting at 0; the last is the axis end (``>= maximum``). An empty axis is ``(0, 1)``, so a
        scale never divides by zero.

    Examples:
        >>> nice_ticks(7)
        (0, 2, 4, 6, 8)
        >>> nice_ticks(0)
        (0, 1)
    """
    if maximum <= 0:
        return (0, 1)
    raw = maximum / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(int(step), 1)
    end = math.ceil(maximum / step) * step
    return tuple(range(0, end + 1, step))


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar: ``value`` persons of status ``key``, drawn from ``x`` for ``width`` units."""

    key: str
    value: int
    x: float
    width: float


@dataclass(frozen=True)
class StackedBar:
    """One horizontal bar (a category): its label, its total and its segments left to right, at height ``y``."""

    label: str
    total: int
    y: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class StackedChart:
    """Horizontal stacked bars on a shared scale; ``ticks`` are (x, value) pairs for the axis below them."""

    bars: tuple[StackedBar, ...]
    keys: tuple[str, ...]
    width: float
    height: float
    plot_left: float
    plot_width: float
    bar_height: float
    ticks: tuple[tuple[float, int], ...]

    @property
    def empty(self) -> bool:
        return all(bar.total == 0 for bar in self.bars)


def stacked_bars(
    rows: Sequence[tuple[str, Mapping[str, int]]],
    *,
    keys: Sequence[str],
    width: float = 720.0,
    label_width: float = 200.0,
    bar_height: float = 22.0,
    gap: float = 12.0,
    top: float = 8.0,
    axis_height: float = 26.0,
) -> StackedChart:
    """Lay out one horizontal bar per row, its segments in the order of ``keys``, all on one scale.

    Args:
        rows: (label, counts by key) per bar; keys absent from ``keys`` are not drawn (the caller folds them into
            an "other" key first if they matter). Negative counts are treated as 0.
        keys: the segment order, the same for every bar, so a status sits at the same place in each.
        width: the whole chart's width; ``label_width`` of it is left for the labels.

    Returns:
        The bars with segment geometry: a segment's width is ``value / axis end * plot width``, so the bars are
        proportional to the counts across the chart, and zero-valued segments are kept (width 0) so every bar has
        every key.

    Examples:
        >>> chart = stacked_bars([("young", {"a": 3, "b": 1})], keys=["a", "b"], width=310, label_width=100)
        >>> [(s.key, s.width) for s in chart.bars[0].segments]
        [('a', 150.0), ('b', 50.0)]
    """
    plot_left, plot_width = label_width, max(width - label_width - 10.0, 1.0)
    totals = [sum(max(int(counts.get(k, 0)), 0) for k in keys) for _, counts in rows]
    ticks = nice_ticks(max(totals, default=0))
    scale = plot_width / ticks[-1]
    bars = []
    for index, ((label, counts), total) in enumerate(zip(rows, totals, strict=True)):
        x, segments = plot_left, []
        for key in keys:
            value = max(int(counts.get(key, 0)), 0)
            segments.append(Segment(key=key, value=value, x=x, width=value * scale))
            x += value * scale
        bars.append(StackedBar(label=label, total=total, y=top + index * (bar_height + gap), segments=tuple(segments)))
    plot_height = top + len(rows) * (bar_height + gap)
    return StackedChart(
        bars=tuple(bars),
        keys=tuple(keys),
        width=width,
        height=plot_height + axis_height,
        plot_left=plot_left,
        plot_width=plot_width,
        bar_height=bar_height,
        ticks=tuple((plot_left + value * scale, value) for value in ticks),
    )


@dataclass(frozen=True)
class DayBar:
    """One day's column: ``value`` events, drawn at ``x`` with ``width``, from ``y`` down to the axis."""

    day: dt.date
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class DayChart:
    """Vertical bars, one per day with no gaps (a day with nothing is a bar of height 0), on a value axis."""

    bars: tuple[DayBar, ...]
    width: float
    height: float
    plot_left: float
    plot_top: float
    plot_bottom: float
    ticks: tuple[tuple[float, int], ...]  # (y, value)
    total: int
    first: dt.date | None
    last: dt.date | None

    @property
    def empty(self) -> bool:
        return self.total == 0


def day_bars(
    counts: Mapping[dt.date, int],
    *,
    days: int = 60,
    end: dt.date | None = None,
    width: float = 720.0,
    height: float = 180.0,
    left: float = 40.0,
    top: float = 10.0,
    bottom: float = 24.0,
) -> DayChart:
    """Lay out the last ``days`` days up to ``end`` (default: the latest day with a count) as columns.

    Args:
        counts: events per day; days outside the window are not drawn (the caller says how many there were).
        days: the window's length; the chart is bounded, so a long history does not make a thousand slivers.
        end: the window's last day.

    Returns:
        A column per day of the window, heights proportional to the counts on a shared axis from 0; ``total``
        is the sum drawn. No counts at all give an empty chart with no bars.

    Examples:
        >>> chart = day_bars({dt.date(2026, 1, 2): 4, dt.date(2026, 1, 1): 2}, width=140, left=40)
        >>> [(b.day.day, b.value, b.height * 2 == chart.bars[1].height) for b in chart.bars]
        [(1, 2, True), (2, 4, False)]
    """
    positive = {day: int(n) for day, n in counts.items() if int(n) > 0}
    plot_bottom = height - bottom
    if not positive:
        return DayChart((), width, height, left, top, plot_bottom, ((plot_bottom, 0),), 0, None, None)
    last = end or max(positive)
    first = max(min(positive), last - dt.timedelta(days=max(days, 1) - 1))
    window = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    ticks = nice_ticks(max(positive.get(day, 0) for day in window), count=4)
    scale = (plot_bottom - top) / ticks[-1]
    step = (width - left - 6.0) / len(window)
    bar_width = min(max(step * 0.8, 1.0), 36.0)  # one day alone is a column, not a wall
    bars = []
    for index, day in enumerate(window):
        value = positive.get(day, 0)
        bar_height = value * scale
        bars.append(DayBar(day, value, left + index * step + (step - bar_width) / 2, plot_bottom - bar_height,
                           bar_width, bar_height))  # fmt: skip
    return DayChart(
        bars=tuple(bars),
        width=width,
        height=height,
        plot_left=left,
        plot_top=top,
        plot_bottom=plot_bottom,
        ticks=tuple((plot_bottom - value * scale, value) for value in ticks),
        total=sum(bar.value for bar in bars),
        first=first,
        last=last,
    )


@dataclass(frozen=True)
class RunningLine:
    """One series' running total as a step line: ``points`` are its (day, total) after each day with a change,
    ``vertices`` the polyline that stays level between them (a running total does not change between batches)."""

    key: str
    points: tuple[tuple[dt.date, int, float, float], ...]  # (day, running total, x, y)
    vertices: tuple[tuple[float, float], ...]

    @property
    def polyline(self) -> str:
        """The vertices as an SVG ``points`` attribute."""
        return " ".join(f"{x:.2f},{y:.2f}" for x, y in self.vertices)


@dataclass(frozen=True)
class RunningChart:
    """Running totals of several series over shared date and value axes, with an optional target line."""

    lines: tuple[RunningLine, ...]
    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    ticks: tuple[tuple[float, int], ...]  # (y, value)
    target: tuple[float, int] | None  # (y, value) of the target line
    first: dt.date | None
    last: dt.date | None

    @property
    def empty(self) -> bool:
        return self.first is None


def running_lines(
    series: Mapping[str, Sequence[tuple[dt.date, int]]],
    *,
    target: int = 0,
    width: float = 720.0,
    height: float = 220.0,
    left: float = 48.0,
    right: float = 16.0,
    top: float = 10.0,
    bottom: float = 24.0,
    inset: float = 12.0,
) -> RunningChart:
    """Lay out each series' running total over time, as step lines from 0 on one value axis.

    Args:
        series: per key, the amounts added on each date (several on one date are summed); dates need not be sorted.
        target: a level every series works towards (a quota), drawn as a line and kept inside the axis; 0 for none.
        inset: room between the value axis (and the right edge) and the first (last) date, so no mark sits on them.

    Returns:
        One step line per key, starting at 0 on the chart's first date and ending level at its last, so that two
        series can be compared on any date. The value axis reaches the largest total and the target; the date axis
        is linear in days (one date alone sits in the middle).

    Examples:
        >>> chart = running_lines({"UA": [(dt.date(2025, 6, 9), 3), (dt.date(2025, 6, 11), 2)]}, target=10,
        ...                       width=164, height=134, left=30, right=14, top=10, bottom=24, inset=10)
        >>> [(day.day, total, x, y) for day, total, x, y in chart.lines[0].points]
        [(9, 3, 40.0, 80.0), (11, 5, 140.0, 60.0)]
        >>> chart.target
        (10.0, 10)
    """
    by_key: dict[str, dict[dt.date, int]] = {}
    for key, amounts in series.items():
        daily: dict[dt.date, int] = {}
        for day, amount in amounts:
            daily[day] = daily.get(day, 0) + max(int(amount), 0)
        by_key[key] = daily
    days = sorted({day for daily in by_key.values() for day in daily})
    plot_right, plot_bottom = width - right, height - bottom
    totals = [sum(daily.values()) for daily in by_key.values()]
    ticks = nice_ticks(max([*totals, max(target, 0)], default=0), count=4)
    scale = (plot_bottom - top) / ticks[-1]
    tick_marks = tuple((plot_bottom - value * scale, value) for value in ticks)
    target_mark = (plot_bottom - target * scale, target) if target > 0 else None
    if not days:
        empty = tuple(RunningLine(key, (), ()) for key in by_key)
        return RunningChart(empty, width, height, left, plot_right, top, plot_bottom, tick_marks, target_mark, None,
                            None)  # fmt: skip
    first, last = days[0], days[-1]
    span = (last - first).days

    start, end = left + inset, plot_right - inset

    def x_of(day: dt.date) -> float:
        if span == 0:
            return (start + end) / 2
        return start + (day - first).days / span * (end - start)

    lines = []
    for key, daily in by_key.items():
        running, points = 0, []
        vertices = [(x_of(first), plot_bottom)]
        for day in sorted(daily):
            x = x_of(day)
            vertices.append((x, plot_bottom - running * scale))
            running += daily[day]
            y = plot_bottom - running * scale
            vertices.append((x, y))
            points.append((day, running, x, y))
        vertices.append((x_of(last), plot_bottom - running * scale))
        lines.append(RunningLine(key, tuple(points), tuple(vertices)))
    return RunningChart(tuple(lines), width, height, left, plot_right, top, plot_bottom, tick_marks, target_mark,
                        first, last)  # fmt: skip


@dataclass(frozen=True)
class Line:
    """One cumulative series: its key, its running total at the last day, and the SVG polyline ``points``."""

    key: str
    total: int
    points: str


@dataclass(frozen=True)
class LineChart:
    """Cumulative step lines over consecutive days on one value axis; ``x_ticks`` are (x, day) for the date axis."""

    lines: tuple[Line, ...]
    width: float
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    ticks: tuple[tuple[float, int], ...]  # (y, value)
    x_ticks: tuple[tuple[float, dt.date], ...]
    first: dt.date | None
    last: dt.date | None

    @property
    def empty(self) -> bool:
        return all(line.total == 0 for line in self.lines)


def cumulative_lines(
    series: Mapping[str, Mapping[dt.date, int]],
    *,
    end: dt.date | None = None,
    width: float = 720.0,
    height: float = 200.0,
    left: float = 40.0,
    right: float = 10.0,
    top: float = 10.0,
    bottom: float = 24.0,
) -> LineChart:
    """Lay out each series' running total, day by day from its first event to ``end``, as step lines.

    Args:
        series: events per day, by key (e.g. requests handed over, answered, reunited); the order of the keys is
            the drawing order. Negative counts are treated as 0.
        end: the last day drawn (default: the latest day with an event); events after it are not counted.

    Returns:
        One polyline per key whose height at a day is the number of events up to and including that day, all on
        one axis from 0, so a line never falls and the last point's height is the key's total. A step line, not a
        slope: a count changes on a day, not between days. No events at all give an empty chart.

    Examples:
        >>> day = dt.date(2025, 6, 1)
        >>> chart = cumulative_lines({"a": {day: 2, day + dt.timedelta(days=2): 2}}, width=150, left=40, right=10)
        >>> chart.lines[0].total, chart.lines[0].points.split()[0], chart.lines[0].points.split()[-1]
        (4, '40.0,176.0', '140.0,10.0')
    """
    positive = {k: {d: int(n) for d, n in days.items() if int(n) > 0} for k, days in series.items()}
    plot_bottom, plot_right = height - bottom, width - right
    every = [d for days in positive.values() for d in days if end is None or d <= end]
    if not every:
        empty = tuple(Line(key, 0, "") for key in series)
        return LineChart(empty, width, height, left, plot_right, top, plot_bottom, ((plot_bottom, 0),), (), None, None)
    first, last = min(every), end or max(every)
    span = max((last - first).days, 1)
    totals = {k: sum(n for d, n in days.items() if d <= last) for k, days in positive.items()}
    ticks = nice_ticks(max(totals.values()), count=4)
    y_scale = (plot_bottom - top) / ticks[-1]
    x_scale = (plot_right - left) / span

    def x(day: dt.date) -> float:
        return round(left + (day - first).days * x_scale, 2)

    lines = []
    for key, days in positive.items():
        running, points = 0, [f"{x(first)},{round(plot_bottom, 2)}"]
        for day in sorted(d for d in days if d <= last):
            points.append(f"{x(day)},{round(plot_bottom - running * y_scale, 2)}")  # the step up happens on the day
            running += days[day]
            points.append(f"{x(day)},{round(plot_bottom - running * y_scale, 2)}")
        points.append(f"{x(last)},{round(plot_bottom - running * y_scale, 2)}")
        lines.append(Line(key, running, " ".join(points)))
    middle = first + dt.timedelta(days=span // 2)
    x_ticks = tuple((x(day), day) for day in sorted({first, middle, last}))
    return LineChart(
        lines=tuple(lines),
        width=width,
        height=height,
        plot_left=left,
        plot_right=plot_right,
        plot_top=top,
        plot_bottom=plot_bottom,
        ticks=tuple((round(plot_bottom - value * y_scale, 2), value) for value in ticks),
        x_ticks=x_ticks,
        first=first,
        last=last,
    )
