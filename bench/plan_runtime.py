"""How long `homeshore plan` takes, stage by stage, and what it finds, on an example scenario.

    .venv/bin/python bench/plan_runtime.py                      # examples/telecom_fr.yaml
    .venv/bin/python bench/plan_runtime.py examples/anonymous_bank.yaml --time-limit-s 30

Prints the seconds spent in each stage (summed over variants), the total wall time including
the report, the comparison table of the variants, the agreement's home-day limits and, per
variant, the roster's status and wall time and the most home days of one advisor in an ISO
week. The machine is shared: read the stage shares, and compare runs made one after the
other.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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
    args = parser.parse_args()

    from homeshore.planning import PlanSettings, run_plan, write_plan

    settings = PlanSettings(
        roster_time_limit_s=args.time_limit_s,
        roster_workers=args.workers,
        replications=args.replications,
    )
    names = args.variants.split(",") if args.variants else None
    started = time.perf_counter()
    plan = run_plan(args.scenario, variants=names, settings=settings)
    planned = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out) if args.out else Path(tmp)
        files = write_plan(plan, out)
        written = time.perf_counter()
        size_kb = files.report.stat().st_size / 1024
    print(f"scenario {args.scenario}: {len(plan.outcomes)} variant(s), {os.cpu_count()} cores")
    print(
        f"settings: roster {args.time_limit_s:g} s x {args.workers} workers, "
        f"{args.replications} replications"
    )
    print("seconds per stage (all variants):")
    for stage, seconds in plan.stage_seconds.items():
        print(f"  {stage:<13} {seconds:8.1f}")
    print(f"  {'report':<13} {written - planned:8.1f}   ({size_kb:,.0f} kB of HTML)")
    print(f"total wall time {written - started:.1f} s")
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
