"""How long `homeshore plan` takes, stage by stage, and what it finds, on an example scenario.

    .venv/bin/python bench/plan_runtime.py                      # examples/telecom_fr.yaml
    .venv/bin/python bench/plan_runtime.py examples/anonymous_bank.yaml --time-limit-s 30
    .venv/bin/python bench/plan_runtime.py examples/anonymous_bank.yaml --save-plan /tmp/bank.pickle
    .venv/bin/python bench/plan_runtime.py --load-plan /tmp/bank.pickle --report-runs 3

Prints the seconds spent in each stage (summed over variants), the report's wall and CPU
seconds (CPU of this process and of its children), the total wall time, the comparison table
of the variants, the agreement's home-day limits and, per variant, the roster's status and
wall time and the most home days of one advisor in an ISO
week. The machine is shared: read the stage shares, and compare runs made one after the
other. `--save-plan` keeps the planned variants (a pickle, for this checkout only) so that
`--load-plan` times the report again on the very same plan without planning again;
`--report-runs N` writes the report N times and prints each time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

from homeshore.domain import Schedule, WorkMode

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "examples" / "telecom_fr.yaml"))
    parser.add_argument("--variants", default=None)
    parser.add_argument("--time-limit-s", type=float, default=45.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--out", default=None, help="keep the report here (default: temp dir)")
    parser.add_argument("--save-plan", default=None, help="pickle the plan here")
    parser.add_argument("--load-plan", default=None, help="report on this pickled plan")
    parser.add_argument("--report-runs", type=int, default=1, help="write the report N times")
    args = parser.parse_args()

    from homeshore.planning import Plan, PlanSettings, run_plan, write_plan

    started = time.perf_counter()
    if args.load_plan:
        with open(args.load_plan, "rb") as f:
            plan = pickle.load(f)  # a file this script wrote
        if not isinstance(plan, Plan):
            raise SystemExit(f"{args.load_plan}: not a pickled plan")
        args.scenario = str(plan.source)
        s = plan.settings
        args.time_limit_s, args.workers = s.roster_time_limit_s, s.roster_workers
        args.replications = s.replications
    else:
        settings = PlanSettings(
            roster_time_limit_s=args.time_limit_s,
            roster_workers=args.workers,
            replications=args.replications,
        )
        names = args.variants.split(",") if args.variants else None
        plan = run_plan(args.scenario, variants=names, settings=settings)
    if args.save_plan:
        with open(args.save_plan, "wb") as f:
            pickle.dump(plan, f)
    planned = time.perf_counter()
    report_runs: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out) if args.out else Path(tmp)
        for _ in range(max(1, args.report_runs)):
            wall0, cpu0 = time.perf_counter(), _cpu_s()
            files = write_plan(plan, out)
            report_runs.append((time.perf_counter() - wall0, _cpu_s() - cpu0))
        size_kb = files.report.stat().st_size / 1024
    print(f"scenario {args.scenario}: {len(plan.outcomes)} variant(s), {os.cpu_count()} cores")
    print(
        f"settings: roster {args.time_limit_s:g} s x {args.workers} workers, "
        f"{args.replications} replications"
    )
    print("seconds per stage (all variants):")
    for stage, seconds in plan.stage_seconds.items():
        print(f"  {stage:<13} {seconds:8.1f}")
    for wall_s, cpu_s in report_runs:
        print(f"  {'report':<13} {wall_s:8.1f}   (CPU {cpu_s:.1f} s; {size_kb:,.0f} kB of HTML)")
    if args.load_plan:
        print(f"report only, on the plan of {args.load_plan}")
    else:
        print(f"total wall time {planned - started + report_runs[0][0]:.1f} s")
    table = files.comparison.drop(columns=["title"]).set_index("variant").T
    with_width = table.to_string(float_format=lambda v: f"{v:,.3f}")
    print(with_width)
    agreement = plan.outcomes[0].scenario.agreement if plan.outcomes else None
    if agreement is not None:
        print(
            f"agreement: max_home_days_per_week {agreement.max_home_days_per_week}, "
            f"max_home_days_per_month {agreement.max_home_days_per_month}"
        )
    print("per variant: roster status, roster wall time, most home days of one advisor a week")
    for o in plan.outcomes:
        print(
            f"  {o.name:<18} {o.roster_status:<9} {o.roster_wall_s:6.1f} s   "
            f"{_most_home_days_a_week(o.schedule, o.scenario.timezone)}"
        )
    return 0


def _cpu_s() -> float:
    """CPU seconds of this process and of its children that have ended (user + system)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _most_home_days_a_week(schedule: Schedule | None, timezone: str) -> int:
    """Largest number of days with home work of one advisor in one ISO week."""
    if schedule is None:
        return 0
    zone = ZoneInfo(timezone)
    days: dict[tuple[str, int, int], set[dt.date]] = defaultdict(set)
    for seg in schedule:
        if seg.location is WorkMode.HOME:
            day = seg.start.astimezone(zone).date()
            year, week, _ = day.isocalendar()
            days[seg.agent_id, year, week].add(day)
    return max((len(v) for v in days.values()), default=0)


if __name__ == "__main__":
    sys.exit(main())
