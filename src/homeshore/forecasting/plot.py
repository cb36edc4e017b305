"""History against forecast, one panel per queue (a matplotlib Figure; the caller saves it)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from homeshore.forecasting.history import QueueHistory
from homeshore.forecasting.timegrid import interval_starts


def history_rows(history: QueueHistory, timezone: str, last_days: int) -> pd.DataFrame:
    """The last `last_days` of a queue's history as (start, offered), missing days left out."""
    first = max(0, history.n_days - last_days)
    day0 = history.first_date + dt.timedelta(days=first)
    starts, day, slot, share = interval_starts(
        day0, history.n_days - first, history.interval_min, timezone
    )
    volume = history.volume[first:][day, slot] * share
    keep = ~np.isnan(volume)
    return pd.DataFrame({"start": starts[keep], "offered": volume[keep]})


def forecast_figure(
    forecast: pd.DataFrame,
    histories: dict[str, QueueHistory],
    timezone: str,
    *,
    history_days: int = 21,
) -> Figure:
    """Recent history (grey), forecast mean (blue) and its P10-P90 band, per queue."""
    queues = list(dict.fromkeys(forecast["queue"]))
    figure = Figure(figsize=(12, 2.6 * len(queues)), layout="constrained")
    axes = figure.subplots(len(queues), 1, squeeze=False)[:, 0]
    for ax, queue in zip(axes, queues, strict=True):
        rows = forecast[forecast["queue"] == queue]
        starts = rows["start"].dt.tz_convert(timezone).dt.tz_localize(None)
        if queue in histories:
            past = history_rows(histories[queue], timezone, history_days)
            ax.plot(
                past["start"].dt.tz_localize(None),
                past["offered"],
                color="0.45",
                linewidth=0.8,
                label="history",
            )
        ax.fill_between(
            starts,
            rows["volume_p10"],
            rows["volume_p90"],
            step="post",
            color="tab:blue",
            alpha=0.25,
            label="P10-P90",
        )
        ax.plot(starts, rows["volume"], color="tab:blue", linewidth=0.9, label="forecast")
        ax.set_title(f"{queue}: contacts per {int(rows['interval_min'].iloc[0])} min")
        ax.set_ylabel("contacts")
        ax.legend(loc="upper left", fontsize="small")
    return figure
