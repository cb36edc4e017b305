"""How fast `homeshore import-calls` reads the six shared Anonymous Bank months.

    .venv/bin/python bench/import_speed.py [--source DIR] [--repeat 3]

Times, in one run: parsing the logs (read_acd), aggregation to 30-minute intervals and the
waits table (aggregate), and writing intervals.parquet/.csv and waits.parquet (write_tables),
best of --repeat runs; then, for scale, a plain per-line Python reading of the same files
(split each line, convert its numbers) that does less work than read_acd. Goal: the whole
import under 5 s for ~213,000 records. Last, the history of examples/telecom_fr.yaml from
the seeded generator (26 weeks drawn, queued and aggregated), with its totals.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from homeshore.data.acd import read_acd  # noqa: E402
from homeshore.data.history import load_history  # noqa: E402
from homeshore.data.intervals import aggregate, write_tables  # noqa: E402
from homeshore.data.scenario_file import load_scenario  # noqa: E402

MONTHS = ("january", "february", "march", "april", "may", "june")


def per_line_baseline(paths: list[Path]) -> int:
    """The loop a vectorised parser avoids: one Python iteration per record."""
    rows = 0
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            next(handle)
            for line in handle:
                f = line.split()
                if len(f) != 17:
                    continue
                h, m, s = (int(x) for x in f[9].split(":"))
                _ = (h * 3600 + m * 60 + s, int(f[11]), int(f[15]), f[12], f[4], f[16])
                rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", type=Path, default=ROOT.parent / "shared" / "data" / "anonymous_bank_1999"
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = [args.source / f"{m}.txt" for m in MONTHS]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        sys.exit(f"missing {missing[0]} (the shared data; see --source)")
    timings: dict[str, list[float]] = {"parse": [], "aggregate": [], "write": [], "total": []}
    records = 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            calls, report = read_acd(paths, timezone="Asia/Jerusalem")
            t1 = time.perf_counter()
            tables = aggregate(
                calls, interval_min=30, threshold_s=20, timezone="Asia/Jerusalem", days=report.days
            )
            t2 = time.perf_counter()
            write_tables(tables, Path(tmp))
            t3 = time.perf_counter()
            for name, value in zip(timings, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
                timings[name].append(value)
            records = report.records
    t0 = time.perf_counter()
    baseline_rows = per_line_baseline(paths)
    baseline_s = time.perf_counter() - t0

    print(f"{records:,} records in {len(paths)} files; best (median) of {args.repeat} runs")
    for name, values in timings.items():
        best = min(values)
        print(
            f"  {name:<10}{best:7.2f} s ({statistics.median(values):.2f} s)"
            f"  {records / best:>12,.0f} records/s"
        )
    total = min(timings["total"])
    print(f"goal: total under 5 s -> {'met' if total < 5 else 'NOT met'} ({total:.2f} s)")
    print(
        f"per-line Python loop, parsing only: {baseline_s:.2f} s for {baseline_rows:,} rows "
        f"({baseline_rows / baseline_s:,.0f} rows/s); read_acd does more "
        f"(validation, classification, time zones) in {min(timings['parse']) / baseline_s:.2f}x "
        "that time"
    )
    scenario = load_scenario(ROOT / "examples" / "telecom_fr.yaml")
    t0 = time.perf_counter()
    history = load_history(scenario)
    generated_s = time.perf_counter() - t0
    offered = int(history["offered"].sum())
    print(
        f"generated history of telecom_fr: {offered:,} contacts in {generated_s:.2f} s; "
        f"abandoned {history['abandoned'].sum() / offered:.1%}, answered within T "
        f"{history['answered_within_t'].sum() / offered:.1%}"
    )


if __name__ == "__main__":
    main()
