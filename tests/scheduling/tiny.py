"""Tiny rostering instances for the tests: one week from Monday 2 November 2026."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import pandas as pd

from homeshore.domain import (
    Activity,
    Agent,
    AgentSkill,
    Channel,
    LabourRules,
    Queue,
    ReadinessStatus,
    Scenario,
    ScheduleSegment,
    Site,
    SiteKind,
    Skill,
    Team,
    TeleworkAgreement,
    WeeklyHours,
    WorkMode,
)
from homeshore.scheduling import Problem, SchedulingSettings, build_problem

TZ = ZoneInfo("Europe/Paris")
MONDAY = dt.date(2026, 11, 2)
OPEN = WeeklyHours.from_mapping(
    {d: ["06:00-22:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
)

SETTINGS = SchedulingSettings(
    slot_min=30,
    start_step_min=60,
    shift_lengths_h=(4.0, 5.0, 6.0, 7.0, 8.0),
    split_block_h=(2.0, 3.0),
    lunch_variants=1,
    time_limit_s=1.5,
    deterministic=True,
    workers=1,
    seed=1,
)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        MONDAY + dt.timedelta(days=day), dt.time(0), tzinfo=TZ
    ) + dt.timedelta(hours=hour, minutes=minute)


def agent(
    agent_id: str = "a1",
    *,
    contract_h: float = 35.0,
    skills: Iterable[str] = ("q1",),
    home: bool = False,
    ready: bool = True,
    split: bool = False,
    **extra: object,
) -> Agent:
    fields: dict[str, object] = dict(
        id=agent_id,
        name=agent_id,
        team="t1",
        contract_h_per_week=contract_h,
        work_modes=frozenset({WorkMode.SITE, WorkMode.HOME} if home else {WorkMode.SITE}),
        skills=tuple(AgentSkill(s) for s in skills),
        primary_skill=next(iter(skills)),
        telework_volunteer=home,
        telework_consent_date=dt.date(2026, 9, 1) if home else None,
        readiness=ReadinessStatus.PASS if ready else ReadinessStatus.UNKNOWN,
        accepts_split_shifts=split,
    )
    fields.update(extra)
    return Agent(**fields)  # type: ignore[arg-type]


def scenario(
    agents: Iterable[Agent],
    *,
    queues: Iterable[str] = ("q1",),
    seats: int = 10,
    has_trainer: bool = True,
    rules: LabourRules | None = None,
    agreement: TeleworkAgreement | None = None,
    opening: WeeklyHours = OPEN,
) -> Scenario:
    qs = tuple(Queue(q, q, Channel.VOICE, q, opening) for q in queues)
    return Scenario(
        name="tiny",
        timezone="Europe/Paris",
        queues=qs,
        skills=tuple(Skill(q) for q in queues),
        sites=(Site("s1", "Site", SiteKind.CONTACT_CENTER, seats, has_trainer),),
        teams=(Team("t1", "Team", "boss", "s1", "trainer"),),
        agents=tuple(agents),
        rules=rules or LabourRules(),
        agreement=agreement or TeleworkAgreement(),
    )


def requirements(
    need: dict[str, int] | int = 1,
    *,
    days: Iterable[int] | None = None,
    hours: tuple[int, int] = (8, 20),
    interval_min: int = 30,
    week: int = 0,
) -> pd.DataFrame:
    """`need` agents per queue in every interval of those days and hours (days from MONDAY;
    by default Monday to Saturday of the `week`-th week after MONDAY's)."""
    per_queue = need if isinstance(need, dict) else {"q1": need}
    rows = []
    for d in range(7 * week, 7 * week + 6) if days is None else days:
        for k in range(hours[0] * 60 // interval_min, hours[1] * 60 // interval_min):
            for q, n in per_queue.items():
                rows.append(
                    {
                        "queue": q,
                        "start": at(d, 0) + dt.timedelta(minutes=k * interval_min),
                        "interval_min": interval_min,
                        "scheduled_agents": n,
                    }
                )
    # one zero row on Sunday so the horizon is the whole week
    rows.append(
        {
            "queue": next(iter(per_queue)),
            "start": at(7 * week + 6, 10),
            "interval_min": interval_min,
            "scheduled_agents": 0,
        }
    )
    return pd.DataFrame(rows)


def problem(sc: Scenario, req: pd.DataFrame | None = None, **settings: object) -> Problem:
    s = dataclasses.replace(SETTINGS, **settings)  # type: ignore[arg-type]
    return build_problem(sc, requirements() if req is None else req, s)


def seg(
    agent_id: str,
    day: int,
    start: tuple[int, int],
    end: tuple[int, int],
    activity: Activity = Activity.WORK,
    *,
    home: bool = False,
    queue: str | None = "q1",
    end_day: int | None = None,
) -> ScheduleSegment:
    return ScheduleSegment(
        agent_id,
        at(day, *start),
        at(day if end_day is None else end_day, *end),
        activity,
        WorkMode.HOME if home else WorkMode.SITE,
        None if home else "s1",
        queue if activity is Activity.WORK else None,
    )
