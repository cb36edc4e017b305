"""Intraday speed: re-forecast, gap and offer candidates on a roster of 200 advisors.

    .venv/bin/python bench/intraday_offers.py [--time-limit-s 60] [--repeat 5] [--seed 1]

1. The advisors: schedule_500.py's groups of examples/telecom_fr.yaml cut to 200 advisors in
   the same proportions (60 home volunteers), seats cut in proportion; one week of
   requirements drawn by homeshore's seeded generator; homeshore's roster (CP-SAT, greedy
   start) within the time limit, built once and cached in the temporary folder.
2. Monday of that week at 10:00: a forecast (the generator's volumes, a +-20 % P10-P90
   band), Monday morning's arrivals drawn 25 % above it, the re-forecast, the gap (logged
   in: the advisors planned on each queue at 10:00), the slots a lead time of 30 minutes
   allows.
3. Candidates for extra time and for time off on every slot, each timed `--repeat` times
   (median); then the acceptance check (violations_added on the whole schedule) of the
   first extra-time candidate found.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import functools
import pickle
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from homeshore.domain import Activity, Scenario, Schedule, WorkMode
from homeshore.intraday import (
    Candidate,
    Slot,
    add_work,
    extra_time_candidates,
    extra_time_slots,
    reforecast_day,
    staffing_gap,
    time_off_candidates,
    time_off_slots,
    violations_added,
)
from homeshore.scheduling import audit, build_problem, solve
from schedule_500 import INTERVAL_MIN, START, bench_scenario, bench_settings, requirement_curve

CACHE = Path(tempfile.gettempdir()) / "homeshore-bench"
SHARE = 0.4  # 500 -> 200 advisors
T = TypeVar("T")


def scenario_200() -> Scenario:
    base = bench_scenario()
    kept = []
    for prefix in dict.fromkeys(a.id.rstrip("0123456789") for a in base.agents):
        group = [a for a in base.agents if a.id.startswith(prefix)]
        kept += group[: round(len(group) * SHARE)]
    sites = tuple(dataclasses.replace(s, seats=round(s.seats * SHARE)) for s in base.sites)
    return dataclasses.replace(base, agents=tuple(kept), sites=sites)


def roster(scenario: Scenario, requirements: pd.DataFrame, args: argparse.Namespace) -> Schedule:
    path = CACHE / f"intraday_roster_{args.seed}_{args.time_limit_s:g}.pickle"
    if path.exists():
        cached: Schedule = pickle.loads(path.read_bytes())
        return cached
    settings = bench_settings(args, args.time_limit_s)
    t0 = time.perf_counter()
    result = solve(build_problem(scenario, requirements, settings))
    if result.schedule is None:
        sys.exit(f"no roster ({result.status})")
    found = audit(result.schedule, scenario, weeks=1, settings=settings)
    print(
        f"roster: {result.status} in {time.perf_counter() - t0:.1f} s, "
        f"{len(result.schedule)} segments, audit {len(found)} violation(s)"
    )
    CACHE.mkdir(exist_ok=True)
    path.write_bytes(pickle.dumps(result.schedule))
    return result.schedule


def timed(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--time-limit-s", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    scenario = scenario_200()
    print(
        f"scenario: {len(scenario.agents)} advisors "
        f"({sum(a.telework_volunteer for a in scenario.agents)} home volunteers), seats "
        + ", ".join(f"{s.id} {s.seats}" for s in scenario.sites)
    )
    requirements = requirement_curve(scenario, 1, args.seed)
    schedule = roster(scenario, requirements, args)
    zone = ZoneInfo(scenario.timezone)
    now = dt.datetime.combine(START, dt.time(10, 0), tzinfo=zone)
    forecast = requirements[["queue", "start", "interval_min", "volume", "aht_s"]].assign(
        volume_p10=lambda f: f["volume"] * 0.8,
        volume_p50=lambda f: f["volume"],
        volume_p90=lambda f: f["volume"] * 1.2,
    )
    rng = np.random.default_rng(args.seed)
    rows = []
    for r in forecast.itertuples():
        start = r.start.to_pydatetime()
        if start.date() == START and start < now:
            n = rng.poisson(1.25 * r.volume)
            offsets = rng.uniform(0, INTERVAL_MIN * 60, n)
            rows += [(r.queue, start + dt.timedelta(seconds=float(s))) for s in offsets]
    arrivals = pd.DataFrame(rows, columns=["queue", "at"])
    t_rf, rf = timed(
        lambda: reforecast_day(forecast, arrivals, now, timezone=scenario.timezone), args.repeat
    )
    logged = {q.id: 0 for q in scenario.queues}
    for seg in schedule:  # logged in = working on the queue now, as planned
        if seg.activity is Activity.WORK and seg.queue and seg.start <= now < seg.end:
            logged[seg.queue] += 1
    t_gap, gap = timed(lambda: staffing_gap(rf, scenario, schedule, logged, now), args.repeat)
    print(f"re-forecast {t_rf * 1000:.0f} ms, gap {t_gap * 1000:.0f} ms (median of {args.repeat})")
    for q, level in rf.levels.items():
        print(f"  {q}: level {level.level:.3f} [{level.level_low:.3f}, {level.level_high:.3f}]")
    lead = now + dt.timedelta(minutes=30)
    slots = [*extra_time_slots(gap, not_before=lead), *time_off_slots(gap, not_before=lead)]
    walls = []
    accepted: tuple[Slot, Candidate] | None = None
    for slot in slots:
        pick = extra_time_candidates if slot.kind == "extra" else time_off_candidates
        wall, found = timed(functools.partial(pick, slot, schedule, scenario), args.repeat)
        walls.append(wall)
        homes = sum(c.location is WorkMode.HOME for c in found)
        print(
            f"{slot.kind:<8} {slot.queue:<15} {slot.start:%a %H:%M}-{slot.end:%H:%M} "
            f"places {slot.places}: {len(found):>2} candidates ({homes} at home) "
            f"in {wall * 1000:4.0f} ms"
        )
        if found and accepted is None and slot.kind == "extra":
            accepted = (slot, found[0])
    print(
        f"{len(slots)} slots: candidates in {statistics.median(walls) * 1000:.0f} ms per slot "
        f"(median; max {max(walls) * 1000:.0f} ms), {sum(walls):.2f} s for all "
        f"(each the median of {args.repeat} runs) = "
        f"{statistics.median(walls) / len(scenario.agents) * 1000:.2f} ms per advisor"
    )
    if accepted is not None:
        slot, c = accepted
        after = add_work(schedule, c.agent_id, slot, c.location, c.site)
        wall, found = timed(
            lambda: violations_added(schedule, after, scenario, c.agent_id, when=slot.start),
            args.repeat,
        )
        print(
            f"acceptance check (violations_added on the whole schedule) for {c.agent_id}: "
            f"{len(found)} violation(s) in {wall * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
