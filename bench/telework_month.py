"""The telework agreement's monthly rules over a month of chained weekly plans.

    .venv/bin/python bench/telework_month.py [--month 2027-11] [--budget 20] [--workers 1]

A small contact centre (one queue open Monday-Saturday 08:00-20:00, one site with a
trainer, 6 home volunteers with contracts of 20-35 h and 6 site advisors) is rostered one
week at a time over a calendar month, each week given the weeks before it as its previous
schedule (what `homeshore schedule --previous` does). For every week it prints the solver
status, the audit across weeks and each volunteer's month so far; at the month's end, each
volunteer's paid hours, training hours and share against the rule (the agreement's 10 %
rounded down to whole training blocks, `--training-day-h`, 7 h by default) and on-site days
against the agreement's one. Last, the second week planned alone (no previous schedule).
Solver budgets are deterministic (`--budget` in solver time units), so the figures do not
depend on machine load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import pandas as pd

from homeshore.domain import (
    Agent,
    AgentSkill,
    Channel,
    LabourRules,
    Queue,
    ReadinessStatus,
    Scenario,
    Schedule,
    ScheduleSegment,
    Site,
    SiteKind,
    Skill,
    Team,
    TeleworkAgreement,
    WeeklyHours,
    WorkMode,
)
from homeshore.scheduling import SchedulingSettings, audit, build_problem, solve
from homeshore.scheduling.telework_month import (
    EMPTY,
    MonthRecord,
    month_records,
    share_per_mille,
    training_target_min,
)

TIMEZONE = "Europe/Paris"
OPEN = WeeklyHours.from_mapping(
    {d: ["08:00-20:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
)
VOLUNTEERS = {"home_35a": 35.0, "home_35b": 35.0, "home_30": 30.0, "home_28": 28.0}
VOLUNTEERS |= {"home_24": 24.0, "home_20": 20.0}
SITE = {f"site_{i}": 35.0 for i in range(1, 7)}
NEED = 4  # advisors wanted per 30-minute interval


def _agent(agent_id: str, contract_h: float, home: bool) -> Agent:
    return Agent(
        id=agent_id,
        name=agent_id,
        team="team",
        contract_h_per_week=contract_h,
        work_modes=frozenset({WorkMode.SITE, WorkMode.HOME} if home else {WorkMode.SITE}),
        skills=(AgentSkill("calls"),),
        primary_skill="calls",
        telework_volunteer=home,
        telework_consent_date=dt.date(2026, 9, 1) if home else None,
        readiness=ReadinessStatus.PASS,
    )


def scenario() -> Scenario:
    agents = [_agent(a, h, True) for a, h in VOLUNTEERS.items()]
    agents += [_agent(a, h, False) for a, h in SITE.items()]
    return Scenario(
        name="telework month",
        timezone=TIMEZONE,
        queues=(Queue("calls", "Calls", Channel.VOICE, "calls", OPEN),),
        skills=(Skill("calls"),),
        sites=(Site("lyon", "Lyon", SiteKind.CONTACT_CENTER, 10, True),),
        teams=(Team("team", "Team", "manager", "lyon", "trainer"),),
        agents=tuple(agents),
        rules=LabourRules(),
        agreement=TeleworkAgreement(onsite_days_per_month=1, training_share=0.10),
    )


def week_requirements(monday: dt.date) -> pd.DataFrame:
    rows = []
    for d in range(7):
        day = monday + dt.timedelta(days=d)
        for half_hour in range(16, 40) if d < 6 else ():
            start = pd.Timestamp(dt.datetime.combine(day, dt.time(0))).tz_localize(TIMEZONE)
            rows.append(
                {
                    "queue": "calls",
                    "start": (start + pd.Timedelta(minutes=30 * half_hour)).to_pydatetime(),
                    "interval_min": 30,
                    "scheduled_agents": NEED,
                }
            )
    sunday = pd.Timestamp(dt.datetime.combine(monday + dt.timedelta(days=6), dt.time(10)))
    rows.append(
        {
            "queue": "calls",
            "start": sunday.tz_localize(TIMEZONE).to_pydatetime(),
            "interval_min": 30,
            "scheduled_agents": 0,
        }
    )
    return pd.DataFrame(rows)


def mondays(month: str) -> list[dt.date]:
    """Mondays of the weeks holding a day of the month."""
    first = dt.date.fromisoformat(f"{month}-01")
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday.strftime("%Y-%m") <= month:
        out.append(monday)
        monday += dt.timedelta(days=7)
    return out


def describe(record: MonthRecord, per_mille: int, block_min: float) -> str:
    share = record.training_min / record.paid_min if record.paid_min else 0.0
    target = training_target_min(record.paid_min, per_mille, block_min)
    return (
        f"paid {record.paid_min / 60:6.1f} h  training {record.training_min / 60:4.1f} h "
        f"({share:5.1%}; rule {target / 60:4.1f} h)  on site {len(record.onsite_days)} d  "
        f"home {len(record.home_days)} d"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2027-11", help="YYYY-MM (default 2027-11)")
    parser.add_argument("--budget", type=float, default=20.0, help="deterministic budget/week")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--training-day-h", type=float, default=7.0, help="paid hours of one training block"
    )
    args = parser.parse_args()
    sc = scenario()
    settings = SchedulingSettings(
        slot_min=30,
        start_step_min=60,
        shift_lengths_h=(4.0, 5.0, 6.0, 7.0, 8.0),
        lunch_variants=1,
        time_limit_s=args.budget,
        workers=args.workers,
        seed=args.seed,
        deterministic=True,
        training_day_h=args.training_day_h,
    )
    per_mille = share_per_mille(sc.agreement.training_share)
    block_min = settings.training_day_h * 60
    gap = sc.agreement.split_gap_max_min
    zone = sc.timezone
    print(
        f"{len(VOLUNTEERS)} home volunteers and {len(SITE)} site advisors, {NEED} wanted per "
        f"30 min Mon-Sat 08:00-20:00; month {args.month}; deterministic budget "
        f"{args.budget:g} per week, {args.workers} worker(s), seed {args.seed}; training in "
        f"blocks of {args.training_day_h:g} h"
    )
    done: list[ScheduleSegment] = []
    total_violations = 0
    for monday in mondays(args.month):
        previous = Schedule.of(done) if done else None
        started = time.perf_counter()
        problem = build_problem(sc, week_requirements(monday), settings, previous=previous)
        result = solve(problem)
        wall_s = time.perf_counter() - started
        if result.schedule is None:
            print(f"week of {monday}: no schedule ({result.status}): {result.conflicts[:4]}")
            return
        found = audit(result.schedule, sc, weeks=1, previous=previous, settings=settings)
        total_violations += len(found)
        done += result.schedule.segments
        so_far = month_records(done, problem.zone, gap)
        print(
            f"\nweek of {monday}: {result.status} in {wall_s:.1f} s wall, "
            f"under-coverage {result.penalty_units['under_coverage']} agent-slots, "
            f"audit with the weeks before: {len(found)} violation(s)"
        )
        for v in found:
            print(f"    {v.who} {v.rule}: {v.detail}")
        for a in VOLUNTEERS:
            record = so_far.get((a, args.month), EMPTY)
            print(f"  {a:9} {args.month} so far: {describe(record, per_mille, block_min)}")
    month = month_records(done, problem.zone, gap)
    print(f"\nmonth {args.month} ({zone}), {total_violations} audit violation(s) in all weeks:")
    shares = []
    for a in VOLUNTEERS:
        record = month.get((a, args.month), EMPTY)
        target = training_target_min(record.paid_min, per_mille, block_min)
        exact = "meets the rule" if record.training_min == target else "OFF THE RULE"
        onsite = "ok" if len(record.onsite_days) >= sc.agreement.onsite_days_per_month else "MISS"
        print(f"  {a:9} {describe(record, per_mille, block_min)}  {exact}, on-site {onsite}")
        shares.append(record.training_min / record.paid_min)
    print(
        f"training share per volunteer over the month: {min(shares):.1%} to {max(shares):.1%} "
        f"(the agreement's 10 % rounded down to whole {args.training_day_h:g}-h blocks)"
    )
    whole = Schedule.of(done)
    start, weeks = mondays(args.month)[0], len(mondays(args.month))
    again = audit(whole, sc, start_date=start, weeks=weeks, settings=settings)
    monthly = [v for v in again if v.rule in ("training_share", "onsite_days")]
    print(f"the {weeks} weeks audited as one schedule: {len(monthly)} monthly-rule violation(s)")
    first = build_problem(sc, week_requirements(mondays(args.month)[1]), settings)
    alone = solve(first)
    if alone.schedule is not None:
        week = month_records(alone.schedule, first.zone, gap)
        lines = []
        for a in VOLUNTEERS:
            r = week.get((a, args.month), EMPTY)
            lines.append(f"{a} {r.training_min / 60:g}/{r.paid_min / 60:g} h")
        print(f"one-week plan of {first.start_date} alone (training/paid): " + ", ".join(lines))


if __name__ == "__main__":
    main()
