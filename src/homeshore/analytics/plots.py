"""The report's figures as inline SVG (analytics.svg), from plain tables.

Every function takes plain tables and returns the SVG markup of one figure, which the report
places in its page as it is. Times are drawn in local wall-clock time (days since the first
local midnight shown), each interval as a step over its own span, so closed hours leave a
gap. Colours are fixed per location so a reader learns them once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from homeshore.analytics import svg
from homeshore.analytics.svg import Floats, Key

LOCATION_COLOURS = {"site": "#3b6ea8", "telecentre": "#e08a2c", "home": "#3f9b5a"}
HISTORY_COLOUR = "#8c8c8c"
FORECAST_COLOUR = "#3b6ea8"
TARGET_COLOUR = "#c0392b"
#: one colour per site or variant, in order
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
DASHED = "5 3"
#: simulated intervals with fewer contacts on average are left out of the KPI plots (a rate
#: over a contact or two swings between 0 and 1 and hides the rest)
MIN_CONTACTS_SHOWN = 2.0

#: (column, label, unit multiplier, target column) of each simulated KPI panel
SIM_PANELS = (
    ("service_level", "service level (%)", 100.0, "sl_target"),
    ("asa_s", "ASA (s)", 1.0, None),
    ("abandon_rate", "abandon rate (%)", 100.0, "abandon_target"),
)
MINUTES_PER_DAY = 1440.0


@dataclass(frozen=True, slots=True)
class _Clock:
    """Local wall-clock time as days since `origin`, a local midnight (the x of time panels)."""

    origin: pd.Timestamp  # naive local time
    timezone: str

    @classmethod
    def of(cls, times: pd.Series, timezone: str) -> _Clock:
        first = _naive_local(times, timezone).min()
        return cls(pd.Timestamp(0) if pd.isna(first) else first.normalize(), timezone)

    def days(self, times: pd.Series) -> Floats:
        local = _naive_local(times, self.timezone)
        elapsed = (local - self.origin) / pd.Timedelta(days=1)
        return np.asarray(elapsed, dtype=np.float64)

    def spans(self, frame: pd.DataFrame) -> tuple[Floats, Floats]:
        """Start and end (days) of each interval row (start, interval_min)."""
        start = self.days(frame["start"])
        return start, start + frame["interval_min"].to_numpy(dtype=float) / MINUTES_PER_DAY

    def ticks(
        self, first_day: float, last_day: float, fmt: str, width_px: float, every_days: int = 1
    ) -> list[tuple[float, str]]:
        """Ticks from `first_day` to `last_day` for an axis `width_px` wide: local midnights
        labelled with `fmt`, every `every_days` or more so that labels do not run into each
        other; hours (weekday and time) when the range is under two days."""
        sample = "Mon 00:00" if last_day - first_day < 2 else self.origin.strftime(fmt)
        room_px = svg.text_width_px(sample) + 16
        most = max(2, int(width_px // room_px))
        if last_day - first_day < 2:
            span_h = (last_day - first_day) * 24
            step_h = next((h for h in (1, 2, 3, 4, 6, 12) if span_h / h <= most), 24)
            hours = range(
                math.ceil(first_day * 24 / step_h - 1e-9),
                math.floor(last_day * 24 / step_h + 1e-9) + 1,
            )
            return [
                (
                    k * step_h / 24,
                    (self.origin + pd.Timedelta(hours=k * step_h)).strftime("%a %H:%M"),
                )
                for k in hours
            ]
        every = max(every_days, math.ceil((last_day - first_day) / most))
        days = range(math.ceil(first_day - 1e-9), math.floor(last_day + 1e-9) + 1, every)
        return [(float(d), (self.origin + pd.Timedelta(days=d)).strftime(fmt)) for d in days]


def _naive_local(values: pd.Series, timezone: str) -> pd.Series:
    """Local wall-clock times without zone (zoned columns converted as they are: parsing them
    again costs more than the whole figure)."""
    zoned = (
        values if isinstance(values.dtype, pd.DatetimeTZDtype) else pd.to_datetime(values, utc=True)
    )
    local: pd.Series = zoned.dt.tz_convert(timezone).dt.tz_localize(None)
    return local


def _x_range(spans: Sequence[Floats]) -> tuple[float, float]:
    values = [s for s in spans if s.size]
    if not values:
        return 0.0, 1.0
    lo = min(float(np.nanmin(s)) for s in values)
    hi = max(float(np.nanmax(s)) for s in values)
    return lo, hi if hi > lo else lo + 1.0


def forecast_figure(
    history: pd.DataFrame, forecast: pd.DataFrame, timezone: str, history_weeks: int = 3
) -> str:
    """Per queue: the last weeks of offered contacts, then the forecast with its P10-P90 band."""
    queues = list(dict.fromkeys(forecast["queue"].astype(str)))
    first = pd.to_datetime(forecast["start"], utc=True).min()
    since = first - pd.Timedelta(weeks=history_weeks)
    shown = history[pd.to_datetime(history["start"], utc=True) >= since]
    clock = _Clock.of(pd.concat([shown["start"], forecast["start"]]), timezone)
    f_start, f_end = clock.spans(forecast)
    lo, hi = _x_range([clock.days(shown["start"]), f_start, f_end])
    width, row_h = 1100.0, 240.0
    boxes = svg.grid_boxes(width, len(queues), row_h)
    every_days = max(1, 7 * (history_weeks + 1) // 14)
    x_ticks = clock.ticks(lo, hi, "%d %b", boxes[0][0].width if boxes else width, every_days)
    fig = svg.Figure(width, row_h * max(1, len(queues)), "Forecast against history per queue")
    keys = (
        Key("history (offered)", HISTORY_COLOUR),
        Key("forecast P10-P90", FORECAST_COLOUR, "area", opacity=0.25),
        Key("forecast (mean)", FORECAST_COLOUR),
    )
    first_day = float(clock.days(pd.Series([first]))[0])
    for (box,), queue in zip(boxes, queues, strict=True):
        h = shown[shown["queue"].astype(str) == queue]
        f = forecast[forecast["queue"].astype(str) == queue]
        gap = float(f["interval_min"].max()) / MINUTES_PER_DAY if len(f) else 1.0
        top, y_ticks = svg.value_axis(
            svg.finite_max(h["offered"], f["volume"], f["volume_p90"]), integer=True
        )
        panel = fig.panel(box, (lo, hi), (0.0, top))
        panel.axes(x_ticks, y_ticks)
        panel.line(clock.days(h["start"]), h["offered"], HISTORY_COLOUR, max_gap=gap, width_px=1)
        x = clock.days(f["start"])
        panel.band(x, f["volume_p10"], f["volume_p90"], FORECAST_COLOUR, max_gap=gap)
        panel.line(x, f["volume"], FORECAST_COLOUR, max_gap=gap)
        panel.vline(first_day, svg.INK, dash="2 3")
        panel.title(f"{queue}: contacts per interval")
        panel.legend(keys)
    return fig.svg()


def coverage_figure(coverage: pd.DataFrame, timezone: str, by: str = "queue") -> str:
    """Per queue (or per pool, `by="pool"`): agents required, targeted after shrinkage, and
    planned by the roster."""
    queues = list(dict.fromkeys(coverage[by].astype(str)))
    clock = _Clock.of(coverage["start"], timezone)
    starts, ends = clock.spans(coverage)
    lo, hi = _x_range([starts, ends])
    width, row_h = 1100.0, 230.0
    boxes = svg.grid_boxes(width, len(queues), row_h)
    x_ticks = clock.ticks(lo, hi, "%a %d", boxes[0][0].width if boxes else width)
    fig = svg.Figure(width, row_h * max(1, len(queues)), "Requirements against the roster")
    keys = (
        Key("planned by the roster", LOCATION_COLOURS["site"], "area", opacity=0.35),
        Key("target", svg.INK),
        Key("required (before shrinkage)", TARGET_COLOUR, dash=DASHED),
        Key("interval short of target", TARGET_COLOUR, "mark"),
    )
    for (box,), queue in zip(boxes, queues, strict=True):
        mine = (coverage[by].astype(str) == queue).to_numpy()
        c = coverage[mine]
        x0, x1 = starts[mine], ends[mine]
        planned = c["planned_agents"].to_numpy(dtype=float)
        top, y_ticks = svg.value_axis(
            svg.finite_max(planned, c["scheduled_agents"], c["required_agents"]), integer=True
        )
        panel = fig.panel(box, (lo, hi), (0.0, top))
        panel.axes(x_ticks, y_ticks)
        panel.step_band(x0, x1, np.zeros_like(planned), planned, keys[0].colour, opacity=0.35)
        panel.step(x0, x1, c["scheduled_agents"], svg.INK, width_px=1.1)
        panel.step(x0, x1, c["required_agents"], TARGET_COLOUR, width_px=1.0, dash=DASHED)
        short = (c["shortfall"] > 1e-9).to_numpy()
        panel.marks((x0[short] + x1[short]) / 2, TARGET_COLOUR)
        panel.title(f"{queue}: agents per interval")
        panel.legend(keys)
    return fig.svg()


def simulation_figure(kpis: pd.DataFrame, timezone: str) -> str:
    """Per queue (rows): simulated SL, ASA and abandon rate per interval, mean and 95 % band.

    A queue with fewer than MIN_CONTACTS_SHOWN contacts in every interval has nothing to draw:
    it is named on a line under the panels instead of taking a row of empty ones."""
    queues = list(dict.fromkeys(kpis["queue"].astype(str)))
    clock = _Clock.of(kpis["start"], timezone)
    starts, ends = clock.spans(kpis)
    lo, hi = _x_range([starts, ends])
    closed = (kpis["offered"] < MIN_CONTACTS_SHOWN).to_numpy()
    of_queue = {q: (kpis["queue"].astype(str) == q).to_numpy() for q in queues}
    drawn = [q for q in queues if not closed[of_queue[q]].all()]
    quiet = [q for q in queues if q not in drawn]
    width, row_h, note_h = 1300.0, 230.0, 26.0 if quiet else 0.0
    height = row_h * len(drawn) + note_h
    fig = svg.Figure(width, max(height, 26.0), "Simulated service per queue and interval")
    boxes = svg.grid_boxes(width, len(drawn), row_h, col_weights=(1.0,) * len(SIM_PANELS))
    x_ticks = clock.ticks(lo, hi, "%a", boxes[0][0].width if boxes else width)
    for row, queue in zip(boxes, drawn, strict=True):
        mine = of_queue[queue]
        k = kpis[mine]
        x0, x1, hidden = starts[mine], ends[mine], closed[mine]
        for box, (column, label, scale, target) in zip(row, SIM_PANELS, strict=True):
            low, mid, high = (
                np.where(hidden, np.nan, k[c].to_numpy(dtype=float) * scale)
                for c in (f"{column}_lo", column, f"{column}_hi")
            )
            goal = None
            if target is not None and target in k and k[target].notna().any():
                goal = float(k[target].dropna().iloc[0]) * scale
            top, y_ticks = svg.value_axis(svg.finite_max(high, mid, [goal or 0.0]))
            panel = fig.panel(box, (lo, hi), (0.0, top))
            panel.axes(x_ticks, y_ticks)
            panel.step_band(x0, x1, low, high, FORECAST_COLOUR)
            panel.step(x0, x1, mid, FORECAST_COLOUR, width_px=1.0)
            if goal is not None:
                panel.hline(goal, TARGET_COLOUR, dash=DASHED)
            panel.title(f"{queue}: {label}")
    if quiet:
        fig.text(
            46,
            height - 9,
            f"Not drawn, under {MIN_CONTACTS_SHOWN:g} simulated contacts in every interval: "
            + ", ".join(quiet),
            colour=svg.MUTED,
        )
    return fig.svg()


def workforce_figure(
    daily_hours: pd.DataFrame,
    occupancy: pd.DataFrame,
    seats: pd.DataFrame,
    cover: pd.DataFrame,
    timezone: str,
) -> str:
    """Paid hours per day by location; seats used over time per site; evenings and Saturdays."""
    width, height = 1300.0, 330.0
    fig = svg.Figure(width, height, "Paid hours, seats in use and evening and Saturday cover")
    ((b_hours, b_seats, b_cover),) = svg.grid_boxes(
        width, 1, height, col_weights=(1.1, 1.5, 0.9), top_px=46.0, bottom_px=44.0
    )
    pivot = daily_hours.pivot_table(
        index="date", columns="location", values="paid_h", aggfunc="sum", fill_value=0.0
    )
    days = [pd.Timestamp(d).strftime("%a %d") for d in pivot.index]
    by_location = {loc: pivot[loc].to_numpy() for loc in LOCATION_COLOURS if loc in pivot}
    _stacked_bars(fig, b_hours, days, by_location).title(
        "paid hours per day, by location", over_legend=True
    )

    clock = _Clock.of(occupancy["time"], timezone) if len(occupancy) else None
    lines: list[tuple[str, str, Floats, Floats, Floats, float]] = []
    for i, (site, n_seats) in enumerate(zip(seats["site"], seats["seats"], strict=True)):
        occ = occupancy[occupancy["site"] == site]
        t = clock.days(occ["time"]) if clock is not None and len(occ) else np.zeros(1)
        level = occ["present"].to_numpy(dtype=float)[:-1]
        lines.append((str(site), PALETTE[i % len(PALETTE)], t[:-1], t[1:], level, float(n_seats)))
    if clock is not None:
        lo, hi = _x_range([clock.days(occupancy["time"])])
        lo, hi = math.floor(lo), max(math.ceil(hi), math.floor(lo) + 1)  # whole days
        x_ticks = clock.ticks(lo, hi, "%a %d", b_seats.width)
    else:
        lo, hi, x_ticks = 0.0, 1.0, []
    top, y_ticks = svg.value_axis(
        svg.finite_max(*(level for *_, level, _ in lines), [s for *_, s in lines]), integer=True
    )
    panel = fig.panel(b_seats, (lo, hi), (0.0, top))
    panel.axes(x_ticks, y_ticks)
    for _, colour, x0, x1, level, n_seats in lines:
        panel.hline(n_seats, colour, dash=DASHED)
        panel.step(x0, x1, level, colour, width_px=1.1)
    panel.title("seats in use at each site", over_legend=True)
    panel.legend(
        [Key(site, colour) for site, colour, *_ in lines] + [Key("seats", svg.MUTED, dash=DASHED)]
    )

    periods = {"weekday_evening": "weekday evenings", "saturday": "Saturdays"}
    hours = {
        loc: np.array(
            [
                float(cover[(cover["period"] == p) & (cover["location"] == loc)]["work_h"].sum())
                for p in periods
            ]
        )
        for loc in LOCATION_COLOURS
    }
    _stacked_bars(fig, b_cover, list(periods.values()), hours).title(
        "evening and Saturday contact hours", over_legend=True
    )
    return fig.svg()


def _stacked_bars(
    fig: svg.Figure, box: svg.Box, categories: Sequence[str], stacks: dict[str, np.ndarray]
) -> svg.Panel:
    """Bars per category stacked by location, with the locations' legend (the caller sets
    the title, over the legend)."""
    n = len(categories)
    totals = np.sum([v for v in stacks.values()], axis=0) if stacks else np.zeros(n)
    top, y_ticks = svg.value_axis(svg.finite_max(totals))
    panel = fig.panel(box, (-0.5, max(n, 1) - 0.5), (0.0, top))
    rotate = -45.0 if n > 4 else 0.0
    panel.axes(list(enumerate(categories)), y_ticks, x_grid=False, x_label_rotate_deg=rotate)
    bottom = np.zeros(n)
    for loc, values in stacks.items():
        panel.bars(np.arange(n), values, LOCATION_COLOURS[loc], bottoms=bottom)
        bottom = bottom + np.nan_to_num(values)
    panel.legend([Key(loc, LOCATION_COLOURS[loc], "area") for loc in stacks])
    return panel


def comparison_figure(summary: pd.DataFrame, metrics: Sequence[tuple[str, str, float]]) -> str:
    """One small bar chart per metric, a bar per variant: (column, title, scale)."""
    n = len(metrics)
    cols = max(1, min(n, 3))
    rows = (n + cols - 1) // cols
    width, row_h = 1200.0, 270.0
    fig = svg.Figure(width, row_h * rows, "Variants side by side")
    names = list(summary["variant"].astype(str))
    boxes = svg.grid_boxes(width, rows, row_h, col_weights=(1.0,) * cols, bottom_px=52.0)
    x = np.arange(len(names))
    for i, (column, title, scale) in enumerate(metrics):
        box = boxes[i // cols][i % cols]
        values = summary[column].astype(float).to_numpy() * scale
        top, y_ticks = svg.value_axis(svg.finite_max(values) * 1.15)
        panel = fig.panel(box, (-0.5, len(names) - 0.5), (0.0, top))
        panel.axes(list(enumerate(names)), y_ticks, x_grid=False, x_label_rotate_deg=-15.0)
        for j, value in enumerate(values):
            panel.bars([j], [value], PALETTE[j % len(PALETTE)])
            label = f"{value:,.1f}" if math.isfinite(value) else "–"
            y_px = float(panel.py(max(0.0, value) if math.isfinite(value) else 0.0)[()])
            fig.text(float(panel.px(x[j])[()]), y_px - 4, label, anchor="middle")
        panel.title(title)
    return fig.svg()
