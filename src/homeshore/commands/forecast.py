"""`homeshore forecast` and `homeshore backtest`: volume and handle-time forecasts per queue and
interval from an interval table, and a rolling-origin backtest of the methods.

The history is an interval table (`homeshore import-calls` output, .csv or .parquet) or a
generic CSV with at least queue, start, offered (and optionally aht_s). Outputs are written
to a temporary file, then renamed: never half-written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from homeshore.commands._text_table import print_line, print_table
from homeshore.errors import InputError

if TYPE_CHECKING:  # the forecasting stack is imported when a command runs, not at start-up
    import pandas as pd

    from homeshore.forecasting import Event, ForecastSettings

#: the names of homeshore.forecasting.METHODS, for the options' help without importing the
#: forecasting stack at start-up (tests/commands/test_startup.py keeps the two equal)
METHOD_NAMES = ("daily_profile", "direct", "seasonal_naive", "seasonal_mean4")


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast_command)
    app.command("backtest")(backtest_command)


HistoryArg = Annotated[
    Path, typer.Argument(help="Interval table (.csv or .parquet): queue, start, offered[, aht_s].")
]
ScenarioOpt = Annotated[
    Path | None,
    typer.Option("--scenario", "-s", help="Scenario file: timezone, opening hours, AHT defaults."),
]
TimezoneOpt = Annotated[
    str | None, typer.Option(help="Timezone of the service (default: the scenario's).")
]
CountryOpt = Annotated[
    str | None,
    typer.Option(help="ISO country code for public holidays (default: from the timezone)."),
]
EventOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--event",
        help="NAME:START[:END][:EFFECT], e.g. campaign:2026-03-02:2026-03-06:1.3 "
        "(EFFECT multiplies the volume; omitted: estimated from past days of NAME).",
    ),
]
SpecialDaysOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--special-days",
        metavar="FILE",
        help="CSV of special days (country, date, kind, name; kind holiday, day_off or "
        "reduced), added to the bundled ones and the scenario's (repeatable).",
    ),
]
CalendarPriorsOpt = Annotated[
    bool,
    typer.Option(
        "--calendar-priors",
        help="Give a kind of special day the history never saw the calendar's typical effect "
        "(holiday x0.25, ...) instead of none, and shrink learned effects toward it. Without "
        "it, effects are learned from the history only. Such days are flagged either way.",
    ),
]


def read_history(path: Path) -> pd.DataFrame:
    """Read an interval table; InputError for a missing or unreadable file."""
    import pandas as pd

    if not path.is_file():
        raise InputError("history file not found", path=path)
    try:
        if path.suffix == ".parquet":
            return pd.read_parquet(path)
        if path.suffix == ".csv":
            return pd.read_csv(path, dtype={"queue": str})
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the history ({exc})", path=path) from None
    raise InputError("history must be a .csv or .parquet file", path=path)


def parse_event(text: str) -> Event:
    from homeshore.forecasting import Event

    parts = text.split(":")
    if len(parts) < 2 or len(parts) > 4 or not parts[0]:
        raise InputError("event must be NAME:START[:END][:EFFECT]", where=f"--event {text}")
    try:
        start = dt.date.fromisoformat(parts[1])
        end = dt.date.fromisoformat(parts[2]) if len(parts) > 2 and parts[2] else start
        effect = float(parts[3]) if len(parts) > 3 else None
        return Event(parts[0], start, end, effect)
    except ValueError as exc:
        raise InputError(str(exc), where=f"--event {text}") from None


def build_settings(
    history: pd.DataFrame,
    scenario: Path | None,
    timezone: str | None,
    country: str | None,
    events: list[str] | None,
    special_days: list[Path] | None = None,
    start: dt.datetime | None = None,
    calendar_priors: bool = False,
) -> ForecastSettings:
    """The settings of the options; special-days files are read here, so that a bad one is
    reported before any work (InputError naming the file and the line)."""
    import pandas as pd

    from homeshore.data.scenario_file import load_scenario
    from homeshore.forecasting import ForecastSettings
    from homeshore.forecasting.national_days import read_special_days

    overrides: dict[str, object] = {"events": tuple(parse_event(e) for e in events or ())}
    if country is not None:
        overrides["country"] = country
    if start is not None:
        overrides["start_date"] = start.date()
    if calendar_priors:
        overrides["calendar_priors"] = True
    if scenario is not None:
        if timezone is not None:
            overrides["timezone"] = timezone
        loaded = load_scenario(scenario)
        files = (*loaded.planning.special_days_files, *(special_days or ()))
        settings = ForecastSettings.from_scenario(loaded, special_days_files=files, **overrides)
    else:
        if timezone is None:
            column = history["start"] if "start" in history.columns else None
            if column is not None and isinstance(column.dtype, pd.DatetimeTZDtype):
                timezone = str(column.dt.tz)
            else:
                raise InputError("the service's timezone is unknown: pass --timezone or --scenario")
        overrides["special_days_files"] = tuple(special_days or ())
        settings = ForecastSettings(timezone=timezone, **overrides)  # type: ignore[arg-type]
    for path in settings.special_days_files:
        read_special_days(path)
    if settings.special_days_files and settings.resolved_country() is None:
        raise InputError(
            "special-days files are read for the service's country and none is set: pass --country"
        )
    return settings


def write_table(frame: pd.DataFrame, path: Path) -> None:
    import pandas as pd

    from homeshore.data.atomic import write_atomic

    if path.suffix == ".parquet":
        write_atomic(path, lambda p: frame.to_parquet(p, index=False))
    elif path.suffix == ".csv":
        out = frame.copy()
        for column in out.columns:
            if isinstance(out[column].dtype, pd.DatetimeTZDtype):
                out[column] = out[column].map(lambda t: t.isoformat())
        write_atomic(path, lambda p: out.to_csv(p, index=False))
    else:
        raise InputError("output must be a .csv or .parquet file", path=path)


def forecast_command(
    history_file: HistoryArg,
    out: Annotated[Path, typer.Option("--out", "-o", help="Forecast table (.csv or .parquet).")],
    scenario: ScenarioOpt = None,
    weeks: Annotated[int, typer.Option("--weeks", "-w", help="Horizon in weeks.")] = 6,
    method: Annotated[str, typer.Option(help=f"auto, {', '.join(METHOD_NAMES)}.")] = "auto",
    start: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="First forecast day (default: after history)."),
    ] = None,
    timezone: TimezoneOpt = None,
    country: CountryOpt = None,
    event: EventOpt = None,
    special_days: SpecialDaysOpt = None,
    calendar_priors: CalendarPriorsOpt = False,
    plot: Annotated[
        Path | None, typer.Option(help="Also draw history against forecast (.png).")
    ] = None,
    daily_out: Annotated[
        Path | None, typer.Option("--daily-out", help="Also write the daily forecast (.csv).")
    ] = None,
) -> None:
    """Forecast contacts (mean, P10, P50, P90) and AHT per queue and interval."""
    from homeshore.data.atomic import write_atomic
    from homeshore.forecasting import forecast
    from homeshore.forecasting.plot import forecast_figure

    if out.suffix not in (".csv", ".parquet"):
        raise InputError("output must be a .csv or .parquet file", path=out)
    if plot is not None and plot.suffix != ".png":
        raise InputError("the plot is a .png file", path=plot)
    history = read_history(history_file)
    settings = build_settings(
        history, scenario, timezone, country, event, special_days, start, calendar_priors
    )
    result = forecast(history, settings, weeks, method, source=str(history_file))
    write_table(result.table, out)
    if daily_out is not None:
        write_table(result.daily, daily_out)
    if plot is not None:
        figure = forecast_figure(result.table, result.histories, settings.timezone)
        write_atomic(plot, lambda p: figure.savefig(p, format="png", dpi=90))
    rows: list[list[str]] = []
    for queue, part in result.table.groupby("queue", sort=True):
        volume = part["volume"]
        aht = (part["aht_s"] * volume).sum() / max(volume.sum(), 1e-9)
        rows.append(
            [
                str(queue),
                result.methods[str(queue)],
                f"{volume.sum():,.0f}",
                f"{volume.max():.1f}",
                f"{aht:.0f}",
            ]
        )
    print_table(("queue", "method", "contacts", "peak / interval", "mean AHT s"), rows)
    print_line(f"{len(result.table)} intervals, {weeks} week(s) -> {out}")
    for line in flagged_lines(result.flagged()):
        print_line(line, err=True)


def flagged_lines(flagged: pd.DataFrame) -> list[str]:
    """One line per flagged special day (its queues together): the day, and what was assumed."""
    if flagged.empty:
        return []
    lines = [
        f"warning: {flagged['date'].nunique()} special day(s) without precedent in the history; "
        "their forecast rests on an assumption (see the note column of --daily-out):"
    ]
    for (day, kind, name, note), part in flagged.groupby(
        ["date", "kind", "name", "note"], sort=True
    ):
        queues = ", ".join(sorted(part["queue"].astype(str)))
        label = f"{kind} {name}".strip() if name != kind else str(kind)
        lines.append(f"  {day} {label} ({queues}): {note}")
    return lines


def backtest_command(
    history_file: HistoryArg,
    scenario: ScenarioOpt = None,
    horizon_weeks: Annotated[int, typer.Option(help="Weeks ahead scored per origin.")] = 1,
    min_train_weeks: Annotated[
        int, typer.Option(help="Training weeks before the first origin.")
    ] = 8,
    methods: Annotated[str, typer.Option(help="Comma-separated methods to compare.")] = ",".join(
        METHOD_NAMES
    ),
    timezone: TimezoneOpt = None,
    country: CountryOpt = None,
    event: EventOpt = None,
    special_days: SpecialDaysOpt = None,
    calendar_priors: CalendarPriorsOpt = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write every score (.csv).")
    ] = None,
) -> None:
    """Rolling-origin backtest (an origin every week): WAPE, MASE, bias, interval coverage,
    the Poisson noise floor and the oracle-daily WAPE per method."""
    from homeshore.forecasting import METHODS, backtest, setups

    names = [m.strip() for m in methods.split(",") if m.strip()]
    unknown = [m for m in names if m not in METHODS]
    if unknown or not names:
        raise InputError(
            f"unknown method(s) {unknown} (use {', '.join(METHODS)})", where="--methods"
        )
    if horizon_weeks < 1 or min_train_weeks < 1:
        raise InputError("--horizon-weeks and --min-train-weeks must be >= 1")
    history = read_history(history_file)
    settings = build_settings(
        history, scenario, timezone, country, event, special_days, None, calendar_priors
    )
    prepared = setups(history, settings, source=str(history_file))
    result = backtest(
        prepared,
        [METHODS[m]() for m in names],
        horizon_weeks=horizon_weeks,
        min_train_weeks=min_train_weeks,
    )
    if not result.origins:
        why = (
            f"none of its {len(result.skipped)} origin(s) has a day with data to score"
            if result.skipped
            else f"needs {min_train_weeks + horizon_weeks} weeks"
        )
        raise InputError(f"history too short for a backtest: {why}", path=history_file)
    skipped = (
        f" ({len(result.skipped)} more without data to score skipped)" if result.skipped else ""
    )
    title = (
        f"{len(result.origins)} weekly origins scored, {result.origins[0]} .. "
        f"{result.origins[-1]}{skipped}, {horizon_weeks} week(s) ahead, all queues"
    )
    headers: tuple[str, ...] = ("method", "WAPE", "MASE", "bias", "<P10", "<P50", "<P90")
    headers += ("in P10-P90", "oracle daily")
    columns: tuple[str, ...] = ("wape", "mase", "bias", "below_p10", "below_p50", "below_p90")
    columns += ("within_p10_p90", "oracle_daily_wape")
    rows: list[list[str]] = []
    for record in result.pooled().to_dict("records"):
        cells = [float(record[c]) for c in columns]
        rows.append([str(record["method"]), *("" if c != c else f"{c:.3f}" for c in cells)])
    print_table(headers, rows, title)
    if out is not None:
        write_table(result.scores, out)
        print_line(f"scores per method and queue -> {out}")
