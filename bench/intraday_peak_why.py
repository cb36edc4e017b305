"""What the offers of bench/intraday_peak.py met: the rules that refuse extra time in the
peak, when the platform posted, which slots were taken, the replies, and the gap it saw."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import numpy as np

from homeshore.domain import Scenario, Schedule
from homeshore.intraday import Slot, add_work, violations_added
from homeshore.scheduling.templates import locations
from twin_day import DayResult

#: the morning's extra-time slots looked at (start hour, length h), on each queue: 30 min
#: slots come from cuts at the edges of shifts
MORNING = tuple(
    (h, n) for n in (0.5, 1.0, 2.0) for h in (8.5, 9.0, 9.5, 10.0, 10.5, 11.0, 11.5) if h + n <= 12
)


def morning_refusals(
    roster: Schedule, scenario: Scenario, day: dt.date, peak: tuple[int, int]
) -> str:
    """For every advisor with a queue's skill and every extra-time slot of the peak
    (MORNING) on that queue: already working then, a candidate (the slot adds no
    violation where the platform would place it), or refused by which rules (the rules
    every place it might work from breaks)."""
    zone = ZoneInfo(scenario.timezone)
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    pairs: Counter[str] = Counter()
    refusing: Counter[str] = Counter()
    for queue in scenario.queues:
        for start_h, length_h in MORNING:
            if not peak[0] <= start_h < peak[1]:
                continue
            slot = Slot(
                queue.id,
                midnight + dt.timedelta(hours=start_h),
                midnight + dt.timedelta(hours=start_h + length_h),
                1,
                "extra",
            )
            for agent in scenario.agents:
                if agent.proficiency(queue.skill) <= 0:
                    continue
                mine = roster.for_agent(agent.id)
                if any(s.start < slot.end and slot.start < s.end for s in mine):
                    pairs["working then"] += 1
                    continue
                touching = [s for s in mine if slot.end == s.start or s.end == slot.start]
                places = (
                    [(touching[0].location, touching[0].site)]
                    if touching
                    else locations(agent, scenario.agent_site(agent))
                )
                broken: list[set[str]] = []
                for where, site in places:
                    after = add_work(roster, agent.id, slot, where, site)
                    found = violations_added(roster, after, scenario, agent.id, when=slot.start)
                    if not found:
                        pairs["candidates"] += 1
                        break
                    broken.append({v.rule for v in found})
                else:
                    pairs["refused"] += 1
                    common = set.intersection(*broken) or set.union(*broken)
                    refusing.update(common)
    return (
        f"{sum(pairs.values())} (advisor, slot) pairs: "
        + ", ".join(f"{k} {n}" for k, n in pairs.most_common())
        + "; the rules refusing them, wherever worked (pairs): "
        + ", ".join(f"{k} {n}" for k, n in refusing.most_common())
    )


def why(
    on: list[DayResult], everything: list[DayResult], zone: ZoneInfo, peak: tuple[int, int]
) -> None:
    """What the offers met: the gap the platform saw, what it offered, when, who took it."""
    days = len(on)
    offers = [o for r in on for o in r.offers]
    for kind in ("extra", "time_off"):
        mine = [o for o in offers if o["kind"] == kind]
        if not mine:
            print(f"{kind}: no offer posted")
            continue
        taken_h: dict[str, Counter[int]] = {}
        posted: Counter[int] = Counter()
        for r in on:
            for o in r.offers:
                if o["kind"] != kind:
                    continue
                start = dt.datetime.fromisoformat(o["start"])
                span_h = (dt.datetime.fromisoformat(o["end"]) - start).total_seconds() / 3600
                hours = taken_h.setdefault(o["queue_id"], Counter())
                hours[start.hour] += o["taken"] * span_h / days
                if o["offer_id"] in r.posted_at:
                    posted[r.posted_at[o["offer_id"]].astimezone(zone).hour] += 1
        print(
            f"{kind}: {len(mine) / days:.1f} offers a day for "
            f"{sum(o['places'] for o in mine) / days:.1f} places, "
            f"{np.mean([len(o['recipients']) for o in mine]):.1f} recipients an offer, "
            f"{sum(o['taken'] for o in mine) / days:.1f} places taken a day"
        )
        print(f"  posted at (hour: offers a day) {_per_day(posted, days)}")
        inside = sum(
            h for c in taken_h.values() for hour, h in c.items() if peak[0] <= hour < peak[1]
        )
        total = sum(sum(c.values()) for c in taken_h.values())
        print(
            f"  hours taken a day, by queue and the hour the slot starts ({inside:.1f} of "
            f"{total:.1f} h in the peak):"
        )
        for queue, counts in sorted(taken_h.items()):
            print(f"    {queue} {_per_day(counts, 1)}")
    replies: Counter[str] = Counter()
    for r in on:
        replies.update(r.replies)
    print(
        "replies (all days): "
        + (", ".join(f"{k}: {v}" for k, v in replies.most_common()) or "none")
    )
    refused: Counter[str] = Counter()
    for r in everything:
        refused.update(r.refusals)
    if refused:
        print("state changes refused: " + "; ".join(f"{k} ({v})" for k, v in refused.items()))
    if not on or not on[0].views:
        return
    walls = [s for r in on for s in r.refresh_s]
    print(
        f"refresh: {np.median(walls):.2f} s median, {max(walls):.2f} s max "
        f"({len(walls) // days} a day); at each hour, the day's level per queue, the "
        "advisor-hours short ahead and the extra places proposed (means):"
    )
    hours = sorted({v.at.astimezone(zone).hour for r in on for v in r.views})
    for hour in hours:
        at = [
            v
            for r in on
            for v in r.views
            if v.at.astimezone(zone).strftime("%H:%M") == f"{hour:02d}:00"
        ]
        if not at:
            continue
        levels = ", ".join(
            f"{q} {np.mean([v.levels.get(q, np.nan) for v in at]):.2f}"
            for q in sorted(at[0].levels)
        )
        print(
            f"  {hour:02d}:00 {levels}; short {np.mean([v.short_h for v in at]):.1f} h, "
            f"places {np.mean([v.places for v in at]):.1f}"
        )


def _per_day(counts: Counter[int], days: int) -> str:
    return "{" + ", ".join(f"{h}: {n / days:.1f}" for h, n in sorted(counts.items())) + "}"
