"""A schedule of the scenario's own advisors that puts on every queue exactly a requirement.

Not a roster: no labour rule, contract or seat is looked at. It says what a requirement
means in service, by simulating it with the real advisors' skills and the real router
(bench/pooled_requirements.py and the tests of staffing/pooling.py): in each interval,
each queue gets as many advisors holding its skill as the chosen column asks, each
advisor on one queue at a time. Queues served by the fewest advisors are filled first;
an advisor stays on the queue it had in the previous interval when it can, then come the
advisors whose primary skill it is, the most proficient (the router may hold a contact for
them), and those with the fewest skills (the versatile ones are kept for later queues).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from homeshore.domain import Activity, Agent, Scenario, Schedule, ScheduleSegment, WorkMode
from homeshore.errors import InputError

__all__ = ["fewer_agents", "requirement_schedule"]


def _place(agent: Agent, scenario: Scenario) -> tuple[WorkMode, str | None]:
    for mode in (WorkMode.SITE, WorkMode.TELECENTRE):
        if mode in agent.work_modes:
            return mode, scenario.agent_site(agent)
    return WorkMode.HOME, None


def fewer_agents(requirements: pd.DataFrame, share: float, column: str) -> pd.Series:
    """`column` with `share` of each pool's advisors (at least one) taken off in every
    interval where the pool has any, from its queues with the most first."""
    if not 0.0 < share <= 1.0:
        raise ValueError("share must be in (0, 1]")
    counts = requirements[column].fillna(0).astype(float).round().astype(np.int64).copy()
    pools = requirements["pool"] if "pool" in requirements else requirements["queue"]
    for _, rows in requirements.groupby([pools, requirements["start"]], sort=False):
        idx = rows.index.to_numpy()
        total = int(counts[idx].sum())
        cut = max(1, round(share * total)) if total else 0
        for _ in range(min(cut, total)):
            counts[idx[int(np.argmax(counts[idx].to_numpy()))]] -= 1
    return counts


def requirement_schedule(
    requirements: pd.DataFrame,
    scenario: Scenario,
    column: str = "required_agents",
    *,
    fewer: float = 0.0,
) -> Schedule:
    """WORK segments meeting `column` (whole agents per queue row) in every interval; with
    `fewer`, that share of each pool's advisors (at least one) left out in every interval
    where it has any: a schedule that misses the requirement everywhere. InputError naming
    the queue and interval when the scenario has too few advisors."""
    if column not in requirements:
        raise InputError(f"the requirement table has no column {column!r}", where="header")
    req = requirements.reset_index(drop=True)
    if fewer:
        req = req.assign(**{column: fewer_agents(req, fewer, column)})
    starts = pd.to_datetime(req["start"], utc=True)
    able = {
        q.id: [a for a in scenario.agents if a.proficiency(q.skill) > 0] for q in scenario.queues
    }
    order = sorted(able, key=lambda q: (len(able[q]), q))
    skill_of = {q.id: q.skill for q in scenario.queues}
    n_skills = {
        a.id: sum(1 for q in scenario.queues if a.proficiency(q.skill) > 0) for a in scenario.agents
    }
    open_: dict[str, tuple[dt.datetime, dt.datetime, str]] = {}  # agent -> current segment
    segments: list[ScheduleSegment] = []
    by_id = {a.id: a for a in scenario.agents}

    def close(agent_id: str) -> None:
        start, end, queue = open_.pop(agent_id)
        mode, site = _place(by_id[agent_id], scenario)
        segments.append(ScheduleSegment(agent_id, start, end, Activity.WORK, mode, site, queue))

    for when, rows in req.groupby(starts, sort=True):
        begin = pd.Timestamp(when).tz_convert(scenario.timezone).to_pydatetime()
        minutes = int(rows["interval_min"].iloc[0])
        end = begin + dt.timedelta(minutes=minutes)
        wanted = dict(zip(rows["queue"].astype(str), rows[column], strict=True))
        busy: dict[str, str] = {}
        for queue in order:
            count = wanted.get(queue, 0)
            count = 0 if pd.isna(count) else int(np.ceil(float(count) - 1e-9))
            if count <= 0:
                continue
            free = [a for a in able[queue] if a.id not in busy]
            skill = skill_of[queue]
            free.sort(
                key=lambda a: (
                    not (a.id in open_ and open_[a.id][2] == queue and open_[a.id][1] == begin),
                    a.primary_skill != skill,
                    -a.proficiency(skill),
                    n_skills[a.id],
                    a.id,
                )
            )
            if len(free) < count:
                raise InputError(
                    f"queue {queue} needs {count} advisors at {begin.isoformat()}, the "
                    f"scenario has {len(free)} more with its skill",
                    where=f"column {column}",
                )
            for a in free[:count]:
                busy[a.id] = queue
        for agent_id in [a for a in open_ if busy.get(a) != open_[a][2] or open_[a][1] != begin]:
            close(agent_id)
        for agent_id, queue in busy.items():
            if agent_id in open_:
                open_[agent_id] = (open_[agent_id][0], end, queue)
            else:
                open_[agent_id] = (begin, end, queue)
    for agent_id in list(open_):
        close(agent_id)
    return Schedule.of(segments)
