"""Pooled requirements against simulation, on the bundled examples (docs/pooling.md).

    .venv/bin/python bench/pooled_requirements.py                 # both examples
    .venv/bin/python bench/pooled_requirements.py examples/telecom_fr.yaml --replications 20

For each scenario (as written), on the planner's forecast of its first planned week:
agent-hours required per queue staffed alone and pooled (staffing/pooling.py), then the
simulated service (the planner's simulator and router, the history's patience) of four
schedules of the scenario's own advisors that put on each queue exactly (no labour rule):
the pooled requirement; the pooled requirement less 10 % of each pool's advisors (at least
one) in every interval; the same less one advisor; one more advisor for each skill group
smaller than its pool (on its busiest queue, wherever it has contacts); each queue's
requirement staffed alone.
Prints, per schedule, the agent-hours and the service level (95 % interval over the
replications), ASA and abandon rate of the whole pool and of each queue against its target.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from homeshore.staffing.pools import Pool

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = (ROOT / "examples" / "anonymous_bank.yaml", ROOT / "examples" / "telecom_fr.yaml")


def one_more_per_group(req: pd.DataFrame, pools: Sequence[Pool]) -> pd.Series:
    """The pooled shares plus one advisor for each skill group smaller than its pool, on
    the group's busiest queue, in every interval where the group has contacts."""
    out = req["required_agents"].copy()
    for pool in pools:
        for group in pool.groups[:-1]:
            rows = req[req["queue"].isin(group) & (req["volume"] > 0)]
            busiest = rows.sort_values("volume", kind="stable").groupby("start").tail(1).index
            out[busiest] += 1
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=[str(p) for p in EXAMPLES])
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None, help="default: planning.seed")
    args = parser.parse_args()

    from homeshore.analytics.stages import forecast_stage, history_stage, simulation_model
    from homeshore.data.variants import load_scenario_and_variants
    from homeshore.planning import planning_start
    from homeshore.scheduling.requirement_schedule import requirement_schedule
    from homeshore.simulation import simulate
    from homeshore.staffing.pooling import pooled_requirements
    from homeshore.staffing.pools import skill_pools

    for path in args.scenarios:
        scenario, _ = load_scenario_and_variants(path)
        seed = scenario.planning.seed if args.seed is None else args.seed
        history = history_stage(scenario)
        start = planning_start(scenario, history.intervals)
        forecast = forecast_stage(history.intervals, scenario, start, "auto")
        t0 = time.perf_counter()
        req = pooled_requirements(forecast, scenario)
        pooled_s = time.perf_counter() - t0
        hours = req["interval_min"] / 60
        print(f"\n== {scenario.name}: week of {start}, {forecast['volume'].sum():,.0f} contacts")
        for pool in skill_pools(scenario):
            print(f"pool {pool.name}: skill groups {', '.join('+'.join(g) for g in pool.groups)}")
        by_queue = pd.DataFrame(
            {
                "contacts": req.groupby("queue", sort=False)["volume"].sum(),
                "alone_h": (req["standalone_agents"] * hours).groupby(req["queue"]).sum(),
                "pooled_share_h": (req["required_agents"] * hours).groupby(req["queue"]).sum(),
                "after_shrinkage_h": (req["scheduled_agents"] * hours).groupby(req["queue"]).sum(),
            }
        )
        by_queue.loc["all"] = by_queue.sum()
        print(f"requirements (pooled in {pooled_s:.2f} s):")
        print(by_queue.round(1).to_string())
        targets = {q.id: q.targets for q in scenario.queues}
        req["one_more"] = one_more_per_group(req, skill_pools(scenario))
        cases = (
            ("pooled requirement", "required_agents", 0.0),
            ("pooled less 10 % (at least one)", "required_agents", 0.1),
            ("pooled less one", "required_agents", 1e-9),  # 1e-9 of a pool rounds to one
            ("pooled + one per smaller skill group", "one_more", 0.0),
            ("each queue alone", "standalone_agents", 0.0),
        )
        for label, column, fewer in cases:
            schedule = requirement_schedule(req, scenario, column, fewer=fewer)
            agent_h = sum(s.duration_min for s in schedule) / 60
            model = simulation_model(scenario, schedule, forecast, history.waits)
            t0 = time.perf_counter()
            kpis = simulate(model, replications=args.replications, seed=seed).horizon_kpis()
            sim_s = time.perf_counter() - t0
            print(f"\n{label}: {agent_h:,.1f} agent-h, simulated in {sim_s:.1f} s")
            for row in kpis.itertuples():
                t = targets.get(str(row.queue))
                goal = (
                    "target: the strictest queue's"
                    if t is None
                    else f"target {t.service_level:.0%}/{t.threshold_s:g}s"
                    + (f", abandon <= {t.max_abandon_rate:.0%}" if t.max_abandon_rate else "")
                )
                print(
                    f"  {row.queue!s:<16} {row.offered:>9,.0f} contacts  "
                    f"SL {row.service_level:6.1%} +- {row.service_level_ci95:5.1%}  "
                    f"ASA {row.asa_s:6.1f} s  abandon {row.abandon_rate:6.2%}  ({goal})"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
