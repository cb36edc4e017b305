"""A digital-twin Monday: does intraday management recover a morning peak? (issue 17, §4)

    .venv/bin/python bench/intraday_peak.py [--replications 3] [--seed 1] [--p-accept 0.5]
        [--peak 0.3] [--share 0.25] [--roster-budget 20] [--refresh-min 15]
        [--contract-tolerance-h H]

1. The centre: examples/telecom_fr.yaml with a quarter of each group of advisors (`--share`:
   37 advisors, 9 of them home volunteers whose passed readiness check the live platform
   honours) and of the seats; its history from homeshore's seeded generator, homeshore's
   forecast of the next week, its pooled requirements and homeshore's roster (CP-SAT,
   deterministic budget `--roster-budget`, built once and cached in the temporary folder).
2. The day: that week's Monday. Contacts drawn as the simulator draws them (Poisson per
   interval of the forecast, lognormal handle times around the interval's AHT with the
   generator's spread, exponential patience of the queue's mean), 08:00-12:00 `--peak` above
   the forecast, played against the live platform (bench/twin_day.py) in three arms:
   "no peak" (the morning's extra contacts thinned out: volume as forecast, offers off),
   "peak, offers off" (HOMESHORE_INTRADAY_OFFERS=manual and nobody posts: the bench skips
   the refresh, which then only computes the console's view) and "peak, offers on" (auto,
   POST /api/intraday/refresh every `--refresh-min`; each recipient of an offer accepts
   with probability `--p-accept` at a uniform time before its deadline). The two peak arms
   share their draws (common random numbers); replications are seeded (`--seed`, index).
3. Per arm: the platform's own figures of the day (GET /api/metrics/queues: service level =
   answered within the queue's threshold / offered, abandon rate, ASA), the extra time taken
   and the time off given (the platform's offers), and the audit of the final schedule read
   back from the platform's database (homeshore.scheduling.audit, what `homeshore schedule
   audit` runs) against the roster's. The SL lost to the peak and recovered by the offers:
   paired differences over the replications, with 95 % t intervals. Then what the offers
   met: the gap the platform saw, when it posted, which slots were taken, the replies.

`--contract-tolerance-h 8` lets the day's weekly hours reach the overtime limit (35 + 8 h)
instead of contract +- 2 h (the roster keeps 2 h): the audit then counts against both."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import pickle
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from scipy import stats

from homeshore.analytics.stages import (
    forecast_stage,
    history_stage,
    requirements_stage,
    roster_stage,
)
from homeshore.data.generator import GeneratorSettings
from homeshore.data.scenario_file import load_scenario
from homeshore.domain import Scenario, Schedule
from homeshore.domain.schedule import PAID_ACTIVITIES
from homeshore.planning import PlanSettings, planning_start
from homeshore.scheduling import SchedulingSettings, Violation, audit
from homeshore.simulation import LogNormal, SimModel, demand_from_forecast, draw_contacts
from intraday_peak_why import morning_refusals, why
from twin_day import Calls, DayResult, run_day

ROOT = Path(__file__).resolve().parents[1]
CACHE = Path(tempfile.gettempdir()) / "homeshore-bench"
ARMS = ("no peak", "peak, offers off", "peak, offers on")
PEAK_HOURS = (8, 12)
TODAY = "the day's"


@dataclasses.dataclass(frozen=True)
class Centre:
    scenario: Scenario
    forecast: pd.DataFrame  # the week's (FORECAST_COLUMNS)
    roster: Schedule
    settings: SchedulingSettings
    monday: dt.date


def cut_scenario(share: float) -> Scenario:
    """telecom_fr.yaml with ``share`` of each group of advisors and of each site's seats."""
    base = load_scenario(ROOT / "examples" / "telecom_fr.yaml")
    kept = []
    for prefix in dict.fromkeys(a.id.rstrip("0123456789") for a in base.agents):
        group = [a for a in base.agents if a.id.rstrip("0123456789") == prefix]
        kept += group[: round(len(group) * share)]
    sites = tuple(dataclasses.replace(s, seats=round(s.seats * share)) for s in base.sites)
    return dataclasses.replace(base, agents=tuple(kept), sites=sites)


def centre(share: float, budget_s: float) -> Centre:
    scenario = cut_scenario(share)
    history = history_stage(scenario)
    monday = planning_start(scenario, history.intervals)
    forecast = forecast_stage(history.intervals, scenario, monday, "auto")
    requirements = requirements_stage(forecast, scenario)
    plan = PlanSettings(roster_time_limit_s=budget_s, roster_deterministic=True)
    settings = plan.scheduling(scenario, scenario.planning.seed)
    digest = hashlib.sha256(
        pickle.dumps((share, budget_s, requirements.to_csv(), [a.id for a in scenario.agents]))
    ).hexdigest()[:12]
    path = CACHE / f"intraday_peak_roster_{digest}.pickle"
    if path.exists():
        roster: Schedule = pickle.loads(path.read_bytes())
    else:
        t0 = time.perf_counter()
        found = roster_stage(
            scenario, requirements, settings, plan.max_roster_time_s, lambda _w, _o: None
        )
        roster = found.schedule
        print(f"roster: {found.status} in {time.perf_counter() - t0:.0f} s (cached in {path})")
        CACHE.mkdir(exist_ok=True)
        path.write_bytes(pickle.dumps(roster))
    return Centre(scenario, forecast, roster, settings, monday)


def draw_calls(c: Centre, rng: np.random.Generator, peak: float) -> tuple[Calls, Calls]:
    """The Monday with its morning ``peak`` above the forecast, and the same day as
    forecast: the peak day's morning contacts thinned to the forecast's rate (common
    random numbers)."""
    day = c.forecast[pd.to_datetime(c.forecast["start"]).dt.date == c.monday]
    sigma = GeneratorSettings().handle_sigma
    cv = float(np.sqrt(np.expm1(sigma * sigma)))
    handle = {q.id: LogNormal(q.default_aht_s, cv) for q in c.scenario.queues}
    origin, interval_s, demand = demand_from_forecast(c.scenario, day, handle=handle)
    zone = ZoneInfo(c.scenario.timezone)
    starts = origin.timestamp() + interval_s * np.arange(demand[0].volumes.size)
    hours = np.array([dt.datetime.fromtimestamp(t, zone).hour for t in starts])
    morning = (hours >= PEAK_HOURS[0]) & (hours < PEAK_HOURS[1])
    factor = np.where(morning, 1.0 + peak, 1.0)
    peaked = tuple(dataclasses.replace(d, volumes=d.volumes * factor) for d in demand)
    drawn = draw_contacts(SimModel(origin, interval_s, peaked, ()), rng)
    keep = ~morning[drawn.interval] | (rng.random(len(drawn)) < 1.0 / (1.0 + peak))
    queues = np.array([d.queue.id for d in demand])
    at_s = origin.timestamp() + drawn.arrival_s

    def calls(mask: np.ndarray) -> Calls:
        return Calls(
            at_s[mask], queues[drawn.queue[mask]], drawn.handle_s[mask], drawn.patience_s[mask]
        )

    return calls(np.ones(len(drawn), dtype=bool)), calls(keep)


def day_figures(c: Centre, result: DayResult) -> dict[str, float]:
    """The day's KPIs over all queues, and the time the offers added and removed."""
    k = result.kpis
    offered = sum(q["offered_today"] for q in k)
    answered = sum(q["answered_today"] for q in k)
    abandoned = sum(q["abandoned_today"] for q in k)
    if offered != result.posted:
        sys.exit(
            f"the platform counts {offered} contacts offered, the bench posted {result.posted}"
        )
    within = sum((q["service_level"] or 0.0) * q["offered_today"] for q in k)
    waited = sum((q["asa_s"] or 0.0) * q["answered_today"] for q in k)
    hours = {"extra": 0.0, "time_off": 0.0}
    for offer in result.offers:
        span = dt.datetime.fromisoformat(offer["end"]) - dt.datetime.fromisoformat(offer["start"])
        hours[offer["kind"]] += offer["taken"] * span.total_seconds() / 3600
    return {
        "offered": offered,
        "sl": within / offered,
        "abandon": abandoned / (answered + abandoned),
        "asa_s": waited / answered,
        "extra_h": hours["extra"],
        "time_off_h": hours["time_off"],
        "paid_change_h": paid_hours(result.schedule, c) - paid_hours(c.roster, c),
        "wall_s": result.wall_s,
    }


def paid_hours(schedule: Schedule, c: Centre) -> float:
    zone = ZoneInfo(c.scenario.timezone)
    return sum(
        s.duration_min / 60
        for s in schedule
        if s.activity in PAID_ACTIVITIES and s.start.astimezone(zone).date() == c.monday
    )


def new_violations(
    c: Centre, scenario: Scenario, schedule: Schedule, before: list[Violation]
) -> list[str]:
    """Violations of the final schedule under ``scenario``'s rules that the roster does not
    have (keyed by rule, who and day)."""

    def keys(found: list[Violation]) -> Counter[tuple[str, str, dt.date]]:
        zone = ZoneInfo(scenario.timezone)
        return Counter((v.rule, v.who, v.when.astimezone(zone).date()) for v in found)

    after = audit(schedule, scenario, start_date=c.monday, weeks=1, settings=c.settings)
    added = keys(after) - keys(before)
    return [
        f"{rule} {who} {day}" for (rule, who, day), n in sorted(added.items()) for _ in range(n)
    ]


def interval(values: list[float], digits: int = 3) -> str:
    """Mean and 95 % t interval over the replications."""
    x = np.asarray(values, dtype=float)
    if x.size < 2:
        return f"{x.mean():.{digits}f}"
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    return f"{x.mean():.{digits}f} [{x.mean() - half:.{digits}f}, {x.mean() + half:.{digits}f}]"


def share_recovered(lost: list[float], recovered: list[float]) -> str:
    """mean(recovered) / mean(lost), with a 95 % interval by the delta method over the
    paired replications (the ratio's linearised residuals recovered - ratio * lost)."""
    lo, re = np.asarray(lost), np.asarray(recovered)
    if lo.mean() <= 0:
        return "undefined (no SL lost to the peak)"
    theta = re.mean() / lo.mean()
    if lo.size < 2:
        return f"{theta:.0%}"
    resid = re - theta * lo
    half = stats.t.ppf(0.975, lo.size - 1) * resid.std(ddof=1) / (np.sqrt(lo.size) * lo.mean())
    return f"{theta:.0%} [{theta - half:.0%}, {theta + half:.0%}]"


def headroom(c: Centre, scenario: Scenario) -> Counter[float]:
    """How many advisors have each number of paid hours left in the roster's week before
    the contract_hours rule (contract + tolerance) refuses more."""
    paid: Counter[str] = Counter()
    for s in c.roster:
        if s.activity in PAID_ACTIVITIES:
            paid[s.agent_id] += s.duration_min / 60
    top = scenario.rules.contract_tolerance_h
    return Counter(round(a.contract_h_per_week + top - paid[a.id], 1) for a in scenario.agents)


def with_tolerance(scenario: Scenario, hours: float | None) -> Scenario:
    if hours is None:
        return scenario
    rules = dataclasses.replace(scenario.rules, contract_tolerance_h=hours)
    return dataclasses.replace(scenario, rules=rules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--p-accept", type=float, default=0.5)
    parser.add_argument("--peak", type=float, default=0.3, help="0.3: 30 %% above forecast")
    parser.add_argument("--share", type=float, default=0.25, help="of telecom_fr's advisors")
    parser.add_argument("--roster-budget", type=float, default=20.0, help="deterministic s")
    parser.add_argument("--refresh-min", type=float, default=15.0)
    parser.add_argument(
        "--contract-tolerance-h",
        type=float,
        default=None,
        help="the day's weekly contract tolerance (the roster keeps the scenario's 2 h)",
    )
    args = parser.parse_args()
    if args.replications < 1 or not 0 <= args.p_accept <= 1 or not -1 < args.peak <= 5:
        parser.error("--replications >= 1, --p-accept in [0, 1], --peak in (-1, 5]")
    if not 0 < args.share <= 1 or args.refresh_min <= 0:
        parser.error("--share in (0, 1], --refresh-min > 0")
    if args.contract_tolerance_h is not None and args.contract_tolerance_h < 0:
        parser.error("--contract-tolerance-h >= 0")
    c = centre(args.share, args.roster_budget)
    today = with_tolerance(c.scenario, args.contract_tolerance_h)
    rules = {TODAY: today} | ({"the scenario's": c.scenario} if today != c.scenario else {})
    before = {
        k: audit(c.roster, sc, start_date=c.monday, weeks=1, settings=c.settings)
        for k, sc in rules.items()
    }
    homes = sum(a.telework_volunteer for a in c.scenario.agents)
    print(
        f"centre: {len(c.scenario.agents)} advisors ({homes} home volunteers), Monday "
        f"{c.monday}, roster of {len(c.roster)} segments, audit "
        f"{len(before[TODAY])} violation(s); weekly contract tolerance "
        f"{today.rules.contract_tolerance_h:g} h"
    )
    print(
        "weekly hours left under contract + tolerance in the roster (hours: advisors): "
        + str(dict(sorted(headroom(c, today).items())))
    )
    print(
        f"extra time in the peak under {TODAY} rules (slots of 30 min, 1 and 2 h from "
        "08:30, each queue): " + morning_refusals(c.roster, today, c.monday, PEAK_HOURS),
        flush=True,
    )
    figures: dict[str, list[dict[str, float]]] = {arm: [] for arm in ARMS}
    added: dict[str, list[str]] = {k: [] for k in rules}
    on: list[DayResult] = []
    everything: list[DayResult] = []
    for r in range(args.replications):
        peak_calls, flat_calls = draw_calls(c, np.random.default_rng([args.seed, r]), args.peak)
        for arm, calls in zip(ARMS, (flat_calls, peak_calls, peak_calls), strict=True):
            result = run_day(
                today,
                c.roster,
                c.forecast,
                calls,
                day=c.monday,
                offers=arm == ARMS[2],
                p_accept=args.p_accept,
                rng=np.random.default_rng([args.seed, r, 1]),
                refresh_min=args.refresh_min,
            )
            f = day_figures(c, result)
            figures[arm].append(f)
            everything.append(result)
            if arm == ARMS[2]:
                on.append(result)
                for k, sc in rules.items():
                    added[k] += new_violations(c, sc, result.schedule, before[k])
            print(
                f"replication {r + 1} {arm:<17}: {f['offered']:5.0f} contacts, SL {f['sl']:.3f}, "
                f"abandon {f['abandon']:.3f}, ASA {f['asa_s']:5.1f} s, extra "
                f"{f['extra_h']:4.1f} h, time off {f['time_off_h']:4.1f} h "
                f"({result.wall_s:.0f} s)",
                flush=True,
            )
    report(args, figures, added)
    why(on, everything, ZoneInfo(c.scenario.timezone), PEAK_HOURS)


def report(
    args: argparse.Namespace,
    figures: dict[str, list[dict[str, float]]],
    added: dict[str, list[str]],
) -> None:
    n = args.replications
    print(
        f"\nmeans over {n} replication(s), 95 % t intervals; peak {args.peak:+.0%} "
        f"{PEAK_HOURS[0]:02d}:00-{PEAK_HOURS[1]:02d}:00, p(accept) {args.p_accept:g}:"
    )
    for arm in ARMS:
        rows = figures[arm]
        print(
            f"  {arm:<17} SL {interval([x['sl'] for x in rows])}, abandon "
            f"{interval([x['abandon'] for x in rows])}, ASA "
            f"{interval([x['asa_s'] for x in rows], 1)} s, extra "
            f"{interval([x['extra_h'] for x in rows], 1)} h, time off "
            f"{interval([x['time_off_h'] for x in rows], 1)} h"
        )
    sl = {arm: [x["sl"] for x in figures[arm]] for arm in ARMS}
    lost = [a - b for a, b in zip(sl[ARMS[0]], sl[ARMS[1]], strict=True)]
    recovered = [a - b for a, b in zip(sl[ARMS[2]], sl[ARMS[1]], strict=True)]
    print(f"SL lost to the peak (no peak - offers off, paired): {interval(lost)}")
    print(f"SL recovered by the offers (on - off, paired):      {interval(recovered)}")
    print(f"share of the lost SL recovered:                     {share_recovered(lost, recovered)}")
    paid = [x["paid_change_h"] for x in figures[ARMS[2]]]
    print(f"paid hours of the Monday, final schedule - roster (offers on): {interval(paid, 1)}")
    for rules, found in added.items():
        print(f"new violations of the final schedules under {rules} rules: {len(found)}")
        for line, count in Counter(found).most_common():
            print(f"  {line} ({count})")


if __name__ == "__main__":
    main()
