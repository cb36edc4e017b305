"""How long `homeshore plan` takes, stage by stage, and what it finds, on an example scenario.

    .venv/bin/python bench/plan_runtime.py                      # examples/telecom_fr.yaml
    .venv/bin/python bench/plan_runtime.py examples/anonymous_bank.yaml --time-limit-s 30

Prints the seconds spent in each stage (summed over variants), the total wall time including
the report, and the comparison table of the variants. The machine is shared: read the stage
shares, and compare runs made one after the other.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
