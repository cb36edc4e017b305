"""Clean weeks of advisors for the intraday tests, on tests/scheduling/tiny.py's scenario
(queue q1 open 06:00-22:00 Monday to Saturday, site s1, Europe/Paris, its fixed Monday:
the intraday functions take every date as an argument, so any Monday does)."""

from __future__ import annotations

import datetime as dt

from homeshore.domain import Activity, ScheduleSegment, WorkMode
from tests.scheduling.tiny import at

W, B, L = Activity.WORK, Activity.BREAK, Activity.LUNCH


def day(
    agent_id: str,
    d: int,
    *,
    start: tuple[int, int] = (8, 0),
    first_run_min: int = 120,
    last_run_min: int = 60,
    home: bool = False,
    queue: str = "q1",
) -> list[ScheduleSegment]:
    """A day the audit accepts: runs of calls of at most 2 h between paid breaks, lunch
    45 min after the second run. 7 h paid with the defaults, 08:00-15:45."""
    pattern = [(first_run_min, W), (15, B), (105, W), (45, L), (105, W), (15, B)]
    pattern.append((last_run_min, W))
    out = []
    t = at(d, *start)
    for minutes, activity in pattern:
        end = t + dt.timedelta(minutes=minutes)
        out.append(
            ScheduleSegment(
                agent_id,
                t,
                end,
                activity,
                WorkMode.HOME if home else WorkMode.SITE,
                None if home else "s1",
                queue if activity is W else None,
            )
        )
        t = end
    return out


def week(agent_id: str, days: range = range(5), **kw: object) -> list[ScheduleSegment]:
    """The same day from Monday to Friday (or the given days)."""
    return [s for d in days for s in day(agent_id, d, **kw)]  # type: ignore[arg-type]
