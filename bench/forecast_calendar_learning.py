"""Holiday effects learned, not assumed: two synthetic centres the calendar says the same of.

Both are the retail bank of homeshore.forecasting.synthetic_centre (France, Monday to Friday
07:00-21:00, about 1,500 calls a day, 5 % day-to-day noise on top of Poisson counts), from
1 September 2025 to 28 June 2026: eight public holidays fall on its working days (11 November,
25 December, 1 January, Easter Monday, 1 and 8 May, Ascension, Whit Monday). At one centre the
holidays do not move the traffic (`holidays do not matter`); the other is closed on them, and,
as `homeshore import-calls` writes it, its table has no row on those days (`closed on
holidays`). The methods are never told which is which.

Weekly origins from 8 weeks of training (the first on 27 October, the last on 22 June), one
week ahead, five seeds per centre. Printed per centre and method: WAPE over all origins, over
the weeks holding a holiday on a working day and over the others (the errors of the holiday
days themselves, as a share of the volume of all the days scored), the bias, and how many
forecast holiday days were flagged as without precedent.

    .venv/bin/python bench/forecast_calendar_learning.py

It runs against whichever homeshore is importable: to measure the code before this rule, run it
with PYTHONPATH pointing to an older tree's src (that tree needs synthetic_centre.py copied in;
it has no --calendar-priors, so that row is left out).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import numpy as np
import pandas as pd

from homeshore.forecasting import ForecastSettings, setups
from homeshore.forecasting.daily_profile import DailyProfile
from homeshore.forecasting.seasonal_naive import SeasonalNaive
from homeshore.forecasting.synthetic_centre import SyntheticCentre

FIRST = dt.date(2025, 9, 1)
LAST = dt.date(2026, 6, 28)
TRAIN_WEEKS = 8
SEEDS = range(1, 6)
CENTRES = {"holidays do not matter": 1.0, "closed on holidays": 0.0}
PRIORS = "daily_profile --calendar-priors"


def settings(calendar_priors: bool) -> ForecastSettings:
    base = ForecastSettings(timezone="Europe/Paris", country="FR")
    if not calendar_priors:
        return base
    return dataclasses.replace(base, calendar_priors=True)


def has_priors() -> bool:
    return "calendar_priors" in {f.name for f in dataclasses.fields(ForecastSettings)}


def main() -> None:
    t0 = time.perf_counter()
    rows: list[dict[str, object]] = []
    for centre_name, effect in CENTRES.items():
        centre = SyntheticCentre(FIRST, (LAST - FIRST).days + 1, holiday_effect=effect)
        holidays = {d for d in centre.holidays() if d.weekday() < 5}
        variants = [(False, DailyProfile(), "daily_profile"), (False, SeasonalNaive(4), "")]
        if has_priors():
            variants.append((True, DailyProfile(), PRIORS))
        sums: dict[tuple[str, str], np.ndarray] = {}
        for seed in SEEDS:
            history = centre.generate(np.random.default_rng(seed))
            modes = (False, True) if has_priors() else (False,)
            prepared = {p: setups(history.table, settings(p))["retail"] for p in modes}
            first = prepared[False].history.first_date
            assert first == FIRST, first
            n_days = prepared[False].history.n_days
            for origin in range(TRAIN_WEEKS * 7, n_days - 6, 7):
                start = FIRST + dt.timedelta(days=origin)
                days = [start + dt.timedelta(days=j) for j in range(7)]
                actual = history.counts[origin : origin + 7]
                is_holiday = np.array([d in holidays for d in days])
                part = "holiday weeks" if is_holiday.any() else "other weeks"
                for priors, method, label in variants:
                    train = prepared[priors].truncated(origin)
                    context = train.context(origin, start, 7)
                    forecast = train.predict(method, context)
                    error = np.abs(forecast - actual).sum(axis=1)
                    flagged = 0
                    if hasattr(method, "special_effects") and is_holiday.any():
                        effects = method.special_effects(context)
                        flagged = sum(
                            not effects[k].has_precedent
                            for k, h in zip(context.horizon_kinds, is_holiday, strict=True)
                            if h
                        )
                    name = label or method.name
                    row = np.array(
                        [
                            error.sum(),
                            (forecast - actual).sum(),
                            actual.sum(),
                            error[is_holiday].sum(),
                            float(is_holiday.sum()),
                            float(flagged),
                        ]
                    )
                    for key in ((name, part), (name, "all weeks")):
                        sums[key] = sums.get(key, np.zeros(6)) + row
        for (name, part), s in sums.items():
            rows.append(
                {
                    "centre": centre_name,
                    "method": name,
                    "weeks": part,
                    "wape": s[0] / s[2],
                    "holiday days' share": s[3] / s[2],
                    "bias": s[1] / s[2],
                    "holiday days": int(s[4]),
                    "flagged": int(s[5]) if name != "seasonal_mean4" else "",
                }
            )
    table = pd.DataFrame(rows)
    order = {"all weeks": 0, "holiday weeks": 1, "other weeks": 2}
    table = table.sort_values(
        ["centre", "weeks", "method"], key=lambda c: c.map(order) if c.name == "weeks" else c
    )
    pd.set_option("display.width", 200)
    print(table.round(3).to_string(index=False))
    print(f"\n{len(SEEDS)} seeds per centre, {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
