"""Rest: 11 consecutive hours between working days, also across the horizon start given the
previous schedule (L3131-1); at most 6 working days and 35 consecutive hours of rest in each
week (L3132-1, -2)."""

from __future__ import annotations

from homeshore.domain.time import DAYS_PER_WEEK
from homeshore.scheduling.constraints.base import ModelRule
from homeshore.scheduling.model import RosterModel


def post_daily_rest(rm: RosterModel) -> None:
    p = rm.problem
    rest = round(p.scenario.rules.daily_rest_h * 60)
    for a in rm.agents:
        prev = p.previous_end.get(a.id)
        if prev is not None:
            prev_min = p.minute_of_horizon(prev)
            for d in range(p.n_days):
                if rm.works(a, d) is not None and prev_min + rest > d * 24 * 60:
                    rm.add_ge(
                        "daily_rest",
                        a.id,
                        rm.start_abs(a, d) - prev_min,
                        rest,
                        only_if=[rm.works_lit(a, d)],
                    )
        for d in range(p.n_days - 1):
            if rm.works(a, d) is None or rm.works(a, d + 1) is None:
                continue
            rm.add_ge(
                "daily_rest",
                a.id,
                rm.start_abs(a, d + 1) - rm.end_abs(a, d),
                rest,
                only_if=[rm.works_lit(a, d), rm.works_lit(a, d + 1)],
            )


def post_max_working_days(rm: RosterModel) -> None:
    limit = rm.problem.scenario.rules.max_working_days_per_week
    for a in rm.agents:
        for w in range(rm.problem.n_weeks):
            days = range(w * DAYS_PER_WEEK, (w + 1) * DAYS_PER_WEEK)
            rm.add_le("max_working_days", a.id, sum(rm.works_expr(a, d) for d in days), limit)


def post_weekly_rest(rm: RosterModel) -> None:
    """Some day of each week is off with 35 h between the shifts around it."""
    p = rm.problem
    rest = round(p.scenario.rules.weekly_rest_h * 60)
    for a in rm.agents:
        for w in range(p.n_weeks):
            choices = []
            for d in range(w * DAYS_PER_WEEK, (w + 1) * DAYS_PER_WEEK):
                r = rm.new_bool(f"weekly_rest[{a.id},{d}]")
                choices.append(r)
                if rm.works(a, d) is not None:
                    rm.model.add_implication(r, rm.works_lit(a, d).Not())
                before = d - 1 if d > 0 and rm.works(a, d - 1) is not None else None
                after = d + 1 if d + 1 < p.n_days and rm.works(a, d + 1) is not None else None
                if before is not None and after is not None:
                    rm.add_ge(
                        "weekly_rest",
                        a.id,
                        rm.start_abs(a, after) - rm.end_abs(a, before),
                        rest,
                        only_if=[r, rm.works_lit(a, before), rm.works_lit(a, after)],
                        record=False,
                    )
            rm.add_ge("weekly_rest", a.id, sum(choices), 1)


DAILY_REST = ModelRule("daily_rest", "11 h of rest between working days", post_daily_rest)
MAX_WORKING_DAYS = ModelRule(
    "max_working_days", "at most 6 working days a week", post_max_working_days
)
WEEKLY_REST = ModelRule("weekly_rest", "35 consecutive hours of rest each week", post_weekly_rest)
