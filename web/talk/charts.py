"""Layout of the talk-trend small multiples: where each point, line, gridline and step mark
goes in each chart's SVG. Plain arithmetic on service.talk.trends' dataclasses, so the
template only draws what is computed (and tests can check the maths)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from service.talk.trends import Figure, TalkTrends, TrendPoint

WIDTH, HEIGHT = 320, 120
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 10, 22  # margins around the plot area


@dataclass(frozen=True)
class Gridline:
    y: float
    label: str


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    clip_id: int
    kind: str
    value: float
    title: str  # "12 Oct · Year 8 fractions (lesson) · 2.9 s"


@dataclass(frozen=True)
class StepLine:
    x: float
    number: int
    title: str  # "Step 2, set 12 Oct: Wait three seconds"


@dataclass(frozen=True)
class Chart:
    figure: Figure
    slug: str  # for element ids
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    gridlines: tuple[Gridline, ...]
    points: tuple[ChartPoint, ...]
    line: str  # the polyline's points attribute; "" with fewer than two points
    steps: tuple[StepLine, ...]
    axis_labels: tuple[tuple[float, str, str], ...]  # (x, text, text-anchor) under the plot
    summary: str  # for the chart's <desc>


def short_date(day: date) -> str:
    """Format a day as "5 Mar"."""
    return f"{day.day} {day:%b}"


def nice_max(value: float, *, percent: bool = False) -> float:
    """A round top for the y scale, at or above ``value`` (and 100 at most for percentages)."""
    if value <= 0:
        return 100.0 if percent else 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 3, 4, 5, 6, 8, 10):
        top = step * power
        if top >= value - 1e-9:
            break
    return min(top, 100.0) if percent else float(top)


def date_domain(trends: TalkTrends) -> tuple[date, date]:
    """The x axis shared by every chart: first to last point or step date, padded a little;
    a single date sits in the middle of a fortnight."""
    days = [p.recorded_on for p in trends.points] + [s.set_on for s in trends.steps]
    first, last = min(days), max(days)
    pad = max(round((last - first).days * 0.05), 1) if last > first else 7
    return first - timedelta(days=pad), last + timedelta(days=pad)


def _x_of(domain: tuple[date, date], left: float, right: float):
    start, end = domain
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return round(left + (day - start).days / span * (right - left), 1)

    return x


def point_title(point: TrendPoint, figure: Figure, value: float) -> str:
    """Return a point's tooltip: day, clip, kind and value."""
    return (
        f"{short_date(point.recorded_on)} · {point.title} ({point.kind}) · {figure.format(value)}"
    )


def chart_layout(trends: TalkTrends) -> list[Chart]:
    """One chart per figure, on a shared date axis; empty when there are no points."""
    if trends.empty:
        return []
    domain = date_domain(trends)
    left, right = LEFT, WIDTH - RIGHT
    top, bottom = TOP, HEIGHT - BOTTOM
    x = _x_of(domain, left, right)
    steps = tuple(
        StepLine(x(s.set_on), s.number, f"Step {s.number}, set {short_date(s.set_on)}: {s.title}")
        for s in trends.steps
    )
    days = sorted({p.recorded_on for p in trends.points})
    axis_labels: tuple[tuple[float, str, str], ...] = ((x(days[0]), short_date(days[0]), "middle"),)
    if len(days) > 1:
        axis_labels = (
            (x(days[0]), short_date(days[0]), "start"),
            (x(days[-1]), short_date(days[-1]), "end"),
        )
    charts = []
    for figure in trends.figures:
        present = [(p, p.value(figure.key)) for p in trends.points]
        present = [(p, v) for p, v in present if v is not None]
        peak = nice_max(max((v for _, v in present), default=0.0), percent=figure.percent)

        def y(value: float, peak: float = peak) -> float:
            return round(bottom - min(value, peak) / peak * (bottom - top), 1)

        gridlines = tuple(Gridline(y(peak * f), figure.format(peak * f)) for f in (0, 0.5, 1))
        points = tuple(
            ChartPoint(x(p.recorded_on), y(v), p.clip_id, p.kind, v, point_title(p, figure, v))
            for p, v in present
        )
        line = " ".join(f"{pt.x},{pt.y}" for pt in points) if len(points) > 1 else ""
        if present:
            low = min(present, key=lambda pv: pv[1])[1]
            high = max(present, key=lambda pv: pv[1])[1]
            summary = (
                f"{len(present)} clips from {short_date(present[0][0].recorded_on)} to "
                f"{short_date(present[-1][0].recorded_on)}; lowest {figure.format(low)}, "
                f"highest {figure.format(high)}, latest {figure.format(present[-1][1])}."
            )
        else:
            summary = "No clip has this figure yet."
        charts.append(
            Chart(
                figure=figure,
                slug=figure.key.replace("_", "-"),
                width=WIDTH,
                height=HEIGHT,
                plot_left=left,
                plot_right=right,
                plot_top=top,
                plot_bottom=bottom,
                gridlines=gridlines,
                points=points,
                line=line,
                steps=steps,
                axis_labels=axis_labels,
                summary=summary,
            )
        )
    return charts
