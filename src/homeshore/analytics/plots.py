"""The report's figures, drawn with matplotlib (Agg canvas, no pyplot state), as PNG bytes.

Every function takes plain tables and returns the PNG of one figure; the report embeds them as
data URIs. Colours are fixed per location so a reader learns them once.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import DateFormatter, DayLocator
from matplotlib.figure import Figure

LOCATION_COLOURS = {"site": "#3b6ea8", "telecentre": "#e08a2c", "home": "#3f9b5a"}
HISTORY_COLOUR = "#8c8c8c"
FORECAST_COLOUR = "#3b6ea8"
TARGET_COLOUR = "#c0392b"
DPI = 100
#: simulated intervals with fewer contacts on average are left out of the KPI plots (a rate
#: over a contact or two swings between 0 and 1 and hides the rest)
MIN_CONTACTS_SHOWN = 2.0

#: (column, label, unit multiplier, target column) of each simulated KPI panel
SIM_PANELS = (
    ("service_level", "service level", 100.0, "sl_target"),
    ("asa_s", "ASA (s)", 1.0, None),
    ("abandon_rate", "abandon rate (%)", 100.0, "abandon_target"),
)


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _naive_local(values: pd.Series, timezone: str) -> pd.Series:
    """Local wall-clock times without zone, so matplotlib draws local hours."""
    return pd.to_datetime(values, utc=True).dt.tz_convert(timezone).dt.tz_localize(None)


def _date_axis(ax: Axes, fmt: str = "%a %d", every_days: int = 1) -> None:
    """Ticks at local midnights (matplotlib.dates has no type hints)."""
    ax.xaxis.set_major_locator(DayLocator(interval=every_days))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(DateFormatter(fmt))  # type: ignore[no-untyped-call]
    ax.grid(True, alpha=0.3)


def _legend_above(ax: Axes, ncols: int) -> None:
    """The legend right-aligned above the axes, level with the left-aligned title."""
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=ncols, fontsize=8, frameon=False)


def _queue_axes(n: int, height: float, width: float = 11.0) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=(width, height * max(1, n)), layout="constrained")
    axes = fig.subplots(max(1, n), 1, squeeze=False)
    return fig, [row[0] for row in axes]


def forecast_figure(
    history: pd.DataFrame, forecast: pd.DataFrame, timezone: str, history_weeks: int = 3
) -> bytes:
    """Per queue: the last weeks of offered contacts, then the forecast with its P10-P90 band."""
    queues = list(dict.fromkeys(forecast["queue"].astype(str)))
    fig, axes = _queue_axes(len(queues), 2.4)
    first = pd.to_datetime(forecast["start"], utc=True).min()
    since = first - pd.Timedelta(weeks=history_weeks)
    for ax, queue in zip(axes, queues, strict=True):
        h = history[history["queue"].astype(str) == queue]
        h = h[pd.to_datetime(h["start"], utc=True) >= since]
        f = forecast[forecast["queue"].astype(str) == queue]
        if not h.empty:
            ax.plot(
                _naive_local(h["start"], timezone),
                h["offered"],
                color=HISTORY_COLOUR,
                lw=0.8,
                label="history (offered)",
            )
        x = _naive_local(f["start"], timezone)
        ax.fill_between(
            x,
            f["volume_p10"],
            f["volume_p90"],
            color=FORECAST_COLOUR,
            alpha=0.25,
            lw=0,
            label="forecast P10-P90",
        )
        ax.plot(x, f["volume"], color=FORECAST_COLOUR, lw=1.0, label="forecast (mean)")
        ax.set_title(f"{queue}: contacts per interval", loc="left", fontsize=10)
        ax.axvline(_naive_local(pd.Series([first]), timezone).iloc[0], color="k", lw=0.6, ls=":")
        _date_axis(ax, "%d %b", max(1, 7 * (history_weeks + 1) // 14))
        _legend_above(ax, 3)
    return _png(fig)


def coverage_figure(coverage: pd.DataFrame, timezone: str) -> bytes:
    """Per queue: agents required (Erlang), targeted after shrinkage, and planned by the roster."""
    queues = list(dict.fromkeys(coverage["queue"].astype(str)))
    fig, axes = _queue_axes(len(queues), 2.3)
    for ax, queue in zip(axes, queues, strict=True):
        c = coverage[coverage["queue"] == queue]
        x = _naive_local(c["start"], timezone)
        ax.fill_between(
            x,
            0,
            c["planned_agents"],
            step="post",
            color=LOCATION_COLOURS["site"],
            alpha=0.35,
            lw=0,
            label="planned by the roster",
        )
        ax.step(x, c["scheduled_agents"], where="post", color="k", lw=1.0, label="target")
        ax.step(
            x,
            c["required_agents"],
            where="post",
            color=TARGET_COLOUR,
            lw=0.8,
            ls="--",
            label="required (Erlang, before shrinkage)",
        )
        short = c["shortfall"] > 1e-9
        if bool(short.any()):
            ax.scatter(
                x[short],
                np.zeros(int(short.sum())),
                marker="|",
                color=TARGET_COLOUR,
                s=40,
                label="interval short of target",
            )
        ax.set_title(f"{queue}: agents per interval", loc="left", fontsize=10)
        ax.set_ylim(bottom=0)
        _date_axis(ax)
        _legend_above(ax, 4)
    return _png(fig)


def simulation_figure(kpis: pd.DataFrame, timezone: str) -> bytes:
    """Per queue (rows): simulated SL, ASA and abandon rate per interval, mean and 95 % band."""
    queues = list(dict.fromkeys(kpis["queue"].astype(str)))
    fig = Figure(figsize=(13.0, 2.3 * max(1, len(queues))), layout="constrained")
    grid = fig.subplots(max(1, len(queues)), len(SIM_PANELS), squeeze=False)
    for row, queue in zip(grid, queues, strict=True):
        k = kpis[kpis["queue"] == queue]
        closed = k["offered"] < MIN_CONTACTS_SHOWN
        x = _naive_local(k["start"], timezone)
        for ax, (column, label, scale, target) in zip(row, SIM_PANELS, strict=True):
            lo, mid, hi = (
                k[c].astype(float).mask(closed) * scale
                for c in (f"{column}_lo", column, f"{column}_hi")
            )
            ax.fill_between(x, lo, hi, color=FORECAST_COLOUR, alpha=0.25, lw=0, step="post")
            ax.step(x, mid, where="post", color=FORECAST_COLOUR, lw=0.9)
            if target is not None and target in k and k[target].notna().any():
                ax.axhline(float(k[target].iloc[0]) * scale, color=TARGET_COLOUR, lw=0.8, ls="--")
            ax.set_title(f"{queue}: {label}", loc="left", fontsize=9)
            ax.set_ylim(bottom=0)
            if len(x):
                ax.set_xlim(x.min(), x.max())
            if bool(closed.all()):
                ax.text(
                    0.5,
                    0.5,
                    f"under {MIN_CONTACTS_SHOWN:g} contacts in every interval",
                    transform=ax.transAxes,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="#5b6670",
                )
            _date_axis(ax, "%a")
            ax.tick_params(labelsize=8)
    return _png(fig)


def workforce_figure(
    daily_hours: pd.DataFrame,
    occupancy: pd.DataFrame,
    seats: pd.DataFrame,
    cover: pd.DataFrame,
    timezone: str,
) -> bytes:
    """Paid hours per day by location; seats used over time per site; evenings and Saturdays."""
    fig = Figure(figsize=(13.0, 3.2), layout="constrained")
    ax_hours, ax_seats, ax_cover = fig.subplots(1, 3, width_ratios=(1.1, 1.6, 0.8))
    pivot = daily_hours.pivot_table(
        index="date", columns="location", values="paid_h", aggfunc="sum", fill_value=0.0
    )
    bottom = np.zeros(len(pivot))
    labels = [pd.Timestamp(d).strftime("%a %d") for d in pivot.index]
    for loc, colour in LOCATION_COLOURS.items():
        if loc in pivot:
            ax_hours.bar(labels, pivot[loc], bottom=bottom, color=colour, label=loc)
            bottom += pivot[loc].to_numpy()
    ax_hours.set_title("paid hours per day, by location", loc="left", fontsize=10)
    ax_hours.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax_hours.set_ylim(0, max(1.0, float(bottom.max(initial=0.0))) * 1.25)  # room for the legend
    if not pivot.empty:
        ax_hours.legend(fontsize=8, ncols=3, loc="upper center")
    for i, site in enumerate(seats["site"]):
        occ = occupancy[occupancy["site"] == site]
        colour = f"C{i}"
        if not occ.empty:
            ax_seats.step(
                _naive_local(occ["time"], timezone),
                occ["present"],
                where="post",
                color=colour,
                lw=0.9,
                label=f"{site} in use",
            )
        ax_seats.axhline(
            float(seats["seats"].iloc[i]), color=colour, ls="--", lw=0.8, label=f"{site} seats"
        )
    ax_seats.set_title("seats in use at each site", loc="left", fontsize=10)
    ax_seats.set_ylim(bottom=0)
    _date_axis(ax_seats)
    ax_seats.legend(fontsize=8, ncols=2)
    periods = ["weekday_evening", "saturday"]
    names = ["weekday evenings", "Saturdays"]
    bottom = np.zeros(len(periods))
    for loc, colour in LOCATION_COLOURS.items():
        hours = [
            float(cover[(cover["period"] == p) & (cover["location"] == loc)]["work_h"].sum())
            for p in periods
        ]
        ax_cover.bar(names, hours, bottom=bottom, color=colour, label=loc)
        bottom += np.array(hours)
    ax_cover.set_title("contact hours on evenings / Saturdays", loc="left", fontsize=10)
    ax_cover.set_ylim(0, max(1.0, float(bottom.max())) * 1.3)  # room for the legend
    ax_cover.legend(fontsize=8, ncols=3, loc="upper center")
    return _png(fig)


def comparison_figure(summary: pd.DataFrame, metrics: Sequence[tuple[str, str, float]]) -> bytes:
    """One small bar chart per metric, a bar per variant: (column, title, scale)."""
    n = len(metrics)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig = Figure(figsize=(12.0, 2.6 * rows), layout="constrained")
    grid = fig.subplots(rows, cols, squeeze=False)
    names = list(summary["variant"].astype(str))
    colours = [f"C{i}" for i in range(len(names))]
    for i, (column, title, scale) in enumerate(metrics):
        ax = grid[i // cols][i % cols]
        values = summary[column].astype(float).to_numpy() * scale
        bars = ax.bar(names, np.nan_to_num(values), color=colours)
        ax.bar_label(bars, labels=[f"{v:,.1f}" for v in values], fontsize=8)
        ax.set_title(title, loc="left", fontsize=10)
        ax.tick_params(axis="x", labelrotation=15, labelsize=8)
        ax.margins(y=0.2)
    for j in range(n, rows * cols):
        grid[j // cols][j % cols].set_visible(False)
    return _png(fig)
