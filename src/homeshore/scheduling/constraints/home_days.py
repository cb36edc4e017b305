"""Home days per ISO week and per calendar month (the telework agreement's allowance: Orange
2013, at least 2 days a week on site; or a monthly number of home days).

A home day is a horizon day whose shift has a segment at home (a split shift at home counts).
Periods are cut by the horizon: only their days inside it count, against the whole limit.
The horizon is made of whole weeks, so only months are ever cut.

`home_day_periods` is shared by the model rules below and by the greedy construction and
polish, which use `home_days_fit` before they move a shift home.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from homeshore.domain import WorkMode
from homeshore.scheduling.constraints.base import ModelRule
from homeshore.scheduling.model import RosterModel
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate

WEEK_RULE = "max_home_days_week"
MONTH_RULE = "max_home_days_month"


@dataclass(frozen=True, slots=True)
class HomeDayPeriod:
    """Horizon days of one ISO week or calendar month and the home days allowed in them."""

    rule: str
    name: str  # "2026-W45", "2026-11"
    days: tuple[int, ...]
    limit: int


def home_day_periods(problem: Problem) -> tuple[HomeDayPeriod, ...]:
    """Every week and month of the horizon that has a limit (memoised on the problem)."""
    key = "home_day_periods"
    cached: tuple[HomeDayPeriod, ...] | None = problem.cache.get(key)
    if cached is not None:
        return cached
    agreement = problem.scenario.agreement
    weeks: dict[str, list[int]] = defaultdict(list)
    months: dict[str, list[int]] = defaultdict(list)
    for d in range(problem.n_days):
        date = problem.date(d)
        year, week, _ = date.isocalendar()
        weeks[f"{year}-W{week:02d}"].append(d)
        months[f"{date:%Y-%m}"].append(d)
    out: list[HomeDayPeriod] = []
    for rule, limit, groups in (
        (WEEK_RULE, agreement.max_home_days_per_week, weeks),
        (MONTH_RULE, agreement.max_home_days_per_month, months),
    ):
        if limit is not None:
            out.extend(HomeDayPeriod(rule, name, tuple(ds), limit) for name, ds in groups.items())
    result = tuple(out)
    problem.cache[key] = result
    return result


def home_days_fit(problem: Problem, home_days: Collection[int]) -> bool:
    """True when these horizon days at home stay within every week and month limit."""
    return all(
        sum(1 for d in period.days if d in home_days) <= period.limit
        for period in home_day_periods(problem)
    )


def home_days(week: Mapping[int, ShiftTemplate]) -> set[int]:
    """The days of an agent's shifts that are at home."""
    return {d for d, t in week.items() if t.location is WorkMode.HOME}


def _post(rm: RosterModel, rule: str) -> None:
    for period in home_day_periods(rm.problem):
        if period.rule != rule:
            continue
        for a in rm.agents:
            possible = [
                d
                for d in period.days
                if any(t.location is WorkMode.HOME for t, _x in rm.options(a, d))
            ]
            if len(possible) <= period.limit:
                continue  # the limit cannot bind: no constraint needed
            home = sum(rm.home_day(a, d) for d in possible)
            rm.add_le(rule, f"{a.id} {period.name}", home, period.limit)


def post_max_home_days_week(rm: RosterModel) -> None:
    _post(rm, WEEK_RULE)


def post_max_home_days_month(rm: RosterModel) -> None:
    _post(rm, MONTH_RULE)


MAX_HOME_DAYS_WEEK = ModelRule(
    WEEK_RULE, "at most the agreed home days in an ISO week", post_max_home_days_week
)
MAX_HOME_DAYS_MONTH = ModelRule(
    MONTH_RULE, "at most the agreed home days in a calendar month", post_max_home_days_month
)
