"""What a schedule costs and who it puts where: hours, overtime, seats, home share, evenings.

Pure functions of a Schedule and its Scenario, computed from the segments alone (they do not
trust the rostering engine's own figures: the report checks them).

Conventions (docs/planner.md):
- paid hours: WORK, BREAK, TRAINING and ONSITE segments (domain.schedule.PAID_ACTIVITIES);
- overtime: paid hours of a week above the legal week (rules.legal_week_h), split into the
  +25 % band (up to rules.overtime_25_until_h) and the +50 % band beyond; hours above the
  contract but under the legal week (part-timers) are "extra hours", reported apart;
- a seat is taken by an agent present at a site (any segment there but lunch); home takes none;
- evenings: weekday contact time from `evening_start_min` to midnight; Saturdays: all day;
- an on-site day of a home volunteer: a day with at least one segment at a site.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from homeshore.domain import Activity, Schedule, ScheduleSegment, WorkMode
from homeshore.domain.scenario import Scenario
from homeshore.domain.schedule import CONTACT_ACTIVITIES, PAID_ACTIVITIES
from homeshore.domain.time import MINUTES_PER_DAY

SATURDAY = 5

AGENT_COLUMNS = (
    "agent_id",
    "team",
    "home_volunteer",
    "contract_h_per_week",
    "weeks",
    "paid_h",
    "work_h",
    "site_h",
    "telecentre_h",
    "home_h",
    "training_h",
    "extra_h",  # above the contract, under the legal week
    "overtime_25_h",
    "overtime_50_h",
    "evening_h",
    "saturday_h",
    "days_worked",
    "onsite_days",
    "home_days",
    "split_days",
)

COVER_COLUMNS = ("period", "location", "agents", "work_h", "share")

SEAT_COLUMNS = ("site", "seats", "peak_seats_used", "peak_at", "utilisation")


@dataclass(frozen=True, slots=True)
class WorkforceSettings:
    evening_start_min: int = 19 * 60

    def __post_init__(self) -> None:
        if not 0 < self.evening_start_min < MINUTES_PER_DAY:
            raise ValueError("evening_start_min must be within the day")


def _hours(seconds: float) -> float:
    return seconds / 3600.0


def _local_split(seg: ScheduleSegment, zone: ZoneInfo) -> list[tuple[dt.datetime, dt.datetime]]:
    """The segment cut at local midnights, in local time."""
    start, end = seg.start.astimezone(zone), seg.end.astimezone(zone)
    parts = []
    while start < end:
        midnight = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time(), zone)
        cut = min(end, midnight)
        parts.append((start, cut))
        start = cut
    return parts


def _evening_s(start: dt.datetime, end: dt.datetime, evening_start_min: int) -> float:
    """Seconds of [start, end) (one local day) after the evening start."""
    boundary = dt.datetime.combine(start.date(), dt.time(), start.tzinfo) + dt.timedelta(
        minutes=evening_start_min
    )
    return max(0.0, (end - max(start, boundary)).total_seconds())


def _week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def agent_table(
    schedule: Schedule, scenario: Scenario, settings: WorkforceSettings | None = None
) -> pd.DataFrame:
    """One row per agent of the scenario (AGENT_COLUMNS), agents without shifts included."""
    settings = settings or WorkforceSettings()
    zone = ZoneInfo(scenario.timezone)
    rules = scenario.rules
    paid_by_week: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    acc: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    days: dict[str, dict[dt.date, set[WorkMode]]] = defaultdict(lambda: defaultdict(set))
    blocks: dict[str, dict[dt.date, list[tuple[dt.datetime, dt.datetime]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for seg in schedule:
        a = acc[seg.agent_id]
        for start, end in _local_split(seg, zone):
            seconds = (end - start).total_seconds()
            day = start.date()
            days[seg.agent_id][day].add(seg.location)
            blocks[seg.agent_id][day].append((start, end))
            if seg.activity in PAID_ACTIVITIES:
                a["paid_s"] += seconds
                a[f"{seg.location.value}_s"] += seconds
                paid_by_week[seg.agent_id][_week_of(day)] += seconds
            if seg.activity is Activity.TRAINING:
                a["training_s"] += seconds
            if seg.activity in CONTACT_ACTIVITIES:
                a["work_s"] += seconds
                if day.weekday() == SATURDAY:
                    a["saturday_s"] += seconds
                elif day.weekday() < SATURDAY:
                    a["evening_s"] += _evening_s(start, end, settings.evening_start_min)
    weeks = max(1, scenario.planning.horizon_weeks)
    rows = []
    for agent in scenario.agents:
        a = acc.get(agent.id, {})
        extra = ot25 = ot50 = 0.0
        for paid_s in paid_by_week.get(agent.id, {}).values():
            paid_h = _hours(paid_s)
            extra += max(0.0, min(paid_h, rules.legal_week_h) - agent.contract_h_per_week)
            ot25 += max(0.0, min(paid_h, rules.overtime_25_until_h) - rules.legal_week_h)
            ot50 += max(0.0, paid_h - rules.overtime_25_until_h)
        agent_days = days.get(agent.id, {})
        rows.append(
            {
                "agent_id": agent.id,
                "team": agent.team,
                "home_volunteer": agent.may_work_from_home,
                "contract_h_per_week": agent.contract_h_per_week,
                "weeks": weeks,
                "paid_h": _hours(a.get("paid_s", 0.0)),
                "work_h": _hours(a.get("work_s", 0.0)),
                "site_h": _hours(a.get("site_s", 0.0)),
                "telecentre_h": _hours(a.get("telecentre_s", 0.0)),
                "home_h": _hours(a.get("home_s", 0.0)),
                "training_h": _hours(a.get("training_s", 0.0)),
                "extra_h": extra,
                "overtime_25_h": ot25,
                "overtime_50_h": ot50,
                "evening_h": _hours(a.get("evening_s", 0.0)),
                "saturday_h": _hours(a.get("saturday_s", 0.0)),
                "days_worked": len(agent_days),
                "onsite_days": sum(1 for m in agent_days.values() if m - {WorkMode.HOME}),
                "home_days": sum(1 for m in agent_days.values() if WorkMode.HOME in m),
                "split_days": sum(
                    1 for b in blocks.get(agent.id, {}).values() if _has_gap(sorted(b))
                ),
            }
        )
    return pd.DataFrame(rows, columns=list(AGENT_COLUMNS))


def _has_gap(blocks: list[tuple[dt.datetime, dt.datetime]]) -> bool:
    return any(b[0] > a[1] for a, b in itertools.pairwise(blocks))


def evening_saturday_cover(
    schedule: Schedule, scenario: Scenario, settings: WorkforceSettings | None = None
) -> pd.DataFrame:
    """Who takes contacts on weekday evenings and on Saturdays: hours and agents per location."""
    settings = settings or WorkforceSettings()
    zone = ZoneInfo(scenario.timezone)
    hours: dict[tuple[str, str], float] = defaultdict(float)
    agents: dict[tuple[str, str], set[str]] = defaultdict(set)
    for seg in schedule:
        if seg.activity not in CONTACT_ACTIVITIES:
            continue
        for start, end in _local_split(seg, zone):
            weekday = start.weekday()
            if weekday == SATURDAY:
                period, seconds = "saturday", (end - start).total_seconds()
            elif weekday < SATURDAY:
                period = "weekday_evening"
                seconds = _evening_s(start, end, settings.evening_start_min)
            else:
                continue
            if seconds > 0:
                key = (period, seg.location.value)
                hours[key] += _hours(seconds)
                agents[key].add(seg.agent_id)
    rows = []
    for period in ("weekday_evening", "saturday"):
        total = sum(h for (p, _), h in hours.items() if p == period)
        for mode in WorkMode:
            key = (period, mode.value)
            rows.append(
                {
                    "period": period,
                    "location": mode.value,
                    "agents": len(agents.get(key, set())),
                    "work_h": hours.get(key, 0.0),
                    "share": hours.get(key, 0.0) / total if total > 0 else 0.0,
                }
            )
    return pd.DataFrame(rows, columns=list(COVER_COLUMNS))


def seat_occupancy(schedule: Schedule, scenario: Scenario) -> pd.DataFrame:
    """Agents present at each site over time: one row per change (site, time, present)."""
    events: list[tuple[str, dt.datetime, int]] = []
    for seg in schedule:
        if seg.location is WorkMode.HOME or seg.activity is Activity.LUNCH or seg.site is None:
            continue
        events.append((seg.site, seg.start, 1))
        events.append((seg.site, seg.end, -1))
    events.sort(key=lambda e: (e[0], e[1], e[2]))  # leaving before arriving at equal times
    zone = ZoneInfo(scenario.timezone)
    rows = []
    present: dict[str, int] = defaultdict(int)
    for site, when, delta in events:
        present[site] += delta
        rows.append({"site": site, "time": when.astimezone(zone), "present": present[site]})
    frame = pd.DataFrame(rows, columns=["site", "time", "present"])
    # keep the last value at each instant (simultaneous changes)
    return frame.drop_duplicates(subset=["site", "time"], keep="last").reset_index(drop=True)


def peak_seats(schedule: Schedule, scenario: Scenario) -> pd.DataFrame:
    """Per site of the scenario: seats, the most used at once, when, and the ratio."""
    occupancy = seat_occupancy(schedule, scenario)
    rows = []
    for site in scenario.sites:
        mine = occupancy[occupancy["site"] == site.id]
        if mine.empty:
            peak, when = 0, None
        else:
            i = int(mine["present"].to_numpy().argmax())
            peak, when = int(mine["present"].iloc[i]), mine["time"].iloc[i]
        rows.append(
            {
                "site": site.id,
                "seats": site.seats,
                "peak_seats_used": peak,
                "peak_at": when,
                "utilisation": peak / site.seats if site.seats else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=list(SEAT_COLUMNS))


def daily_hours_by_location(schedule: Schedule, scenario: Scenario) -> pd.DataFrame:
    """Paid hours per local day and location (for the stacked-bar plot)."""
    zone = ZoneInfo(scenario.timezone)
    hours: dict[tuple[dt.date, str], float] = defaultdict(float)
    for seg in schedule:
        if seg.activity not in PAID_ACTIVITIES:
            continue
        for start, end in _local_split(seg, zone):
            hours[(start.date(), seg.location.value)] += _hours((end - start).total_seconds())
    rows = [{"date": d, "location": loc, "paid_h": h} for (d, loc), h in sorted(hours.items())]
    return pd.DataFrame(rows, columns=["date", "location", "paid_h"])


def workforce_summary(agents: pd.DataFrame, seats: pd.DataFrame) -> dict[str, float]:
    """The headline figures of one schedule (from agent_table and peak_seats)."""
    paid = float(agents["paid_h"].sum())
    volunteers = agents[agents["home_volunteer"]]
    out = {
        "agents_scheduled": float((agents["paid_h"] > 0).sum()),
        "paid_h": paid,
        "work_h": float(agents["work_h"].sum()),
        "overtime_h": float(agents["overtime_25_h"].sum() + agents["overtime_50_h"].sum()),
        "extra_h": float(agents["extra_h"].sum()),
        "home_share": float(agents["home_h"].sum()) / paid if paid > 0 else 0.0,
        "telecentre_share": float(agents["telecentre_h"].sum()) / paid if paid > 0 else 0.0,
        "training_h": float(agents["training_h"].sum()),
        "volunteer_onsite_days": float(volunteers["onsite_days"].sum()),
        "split_days": float(agents["split_days"].sum()),
        "peak_seats_used": float(seats["peak_seats_used"].sum()),
    }
    return out
