"""Regenerate the bundled example data from the shared Anonymous Bank logs.

    .venv/bin/python bench/make_example_data.py [--source ../shared/data/anonymous_bank_1999]

Writes into src/homeshore/examples_data/:
- anonymous_bank_1999_intervals.parquet: the interval table of all six months
  (30-min intervals, every queue, SL threshold 20 s), the history of examples/anonymous_bank.yaml;
- anonymous_bank_1999_waits.parquet: every offered contact's wait and whether it abandoned;
- anonymous_bank_excerpt.txt: a few hundred raw records holding each quirk of the format;
- ATTRIBUTION: source, citation and terms.
Prints the figures (records, offered, sizes) it wrote.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from homeshore.data.acd import ACD_COLUMNS, read_acd  # noqa: E402
from homeshore.data.intervals import aggregate  # noqa: E402

OUT = ROOT / "src" / "homeshore" / "examples_data"
MONTHS = ("january", "february", "march", "april", "may", "june")
INTERVALS = "anonymous_bank_1999_intervals.parquet"
WAITS = "anonymous_bank_1999_waits.parquet"
EXCERPT = "anonymous_bank_excerpt.txt"

ATTRIBUTION = """\
Files anonymous_bank_* in this directory derive from the "Anonymous Bank" call-center data
(an Israeli bank's telephone call center, January-June 1999), published by the Technion
Service Enterprise Engineering (SEE) lab: Ilan Guedj and Avi Mandelbaum, documentation dated
9 February 2000.

Terms stated by the source: the data is free for use; notify Avi Mandelbaum and acknowledge
the source in any work that uses it.

Cite: Brown, L., Gans, N., Mandelbaum, A., Sakov, A., Shen, H., Zeltyn, S., Zhao, L. (2005).
"Statistical analysis of a telephone call center: a queueing-science perspective".
Journal of the American Statistical Association 100(469):36-50.

- anonymous_bank_excerpt.txt: raw records, unmodified, selected from march.txt and other
  months to show each quirk of the format (see docs/import.md).
- anonymous_bank_1999_intervals.parquet and anonymous_bank_1999_waits.parquet: derived
  by homeshore (bench/make_example_data.py) from the six monthly files; the raw files are not
  shipped.
"""


def excerpt_lines(source: Path) -> list[str]:
    """The header, one busy hour of 24 March 1999 (holding two quirky lines), and one
    record of every other quirk, in file order."""
    picked: list[str] = []
    for month in MONTHS:
        lines = (source / f"{month}.txt").read_text(encoding="utf-8").split("\n")
        kinds: set[str] = set()
        for line in lines[1:]:
            f = line.split()
            if len(f) != len(ACD_COLUMNS):
                continue
            (date, entry, q_start, outcome, server) = (f[5], f[6], f[9], f[12], f[16])
            quirk = None
            if line.split("\t")[4].startswith(" "):
                quirk = "space before type"
            elif month == "march" and date == "990324" and entry.startswith("15:"):
                quirk = "busy hour"
            elif outcome == "AGENT" and server == "NO_SERVER":
                quirk = "no server queued" if q_start != "0:00:00" else "no server"
            elif outcome == "HANG" and server != "NO_SERVER":
                quirk = "hang with server"
            elif outcome == "PHANTOM":
                quirk = "phantom"
            elif f[8].startswith("-"):
                quirk = "negative vru_time"
            elif "E+" in f[2]:
                quirk = "customer id notation"
            elif entry.startswith("23:5") and q_start.startswith("0:0") and q_start != "0:00:00":
                quirk = "after midnight"
            if quirk is None:
                continue
            if quirk in ("space before type", "busy hour") or quirk not in kinds:
                kinds.add(quirk)
                picked.append(line)
    header = (source / "january.txt").read_text(encoding="utf-8").split("\n")[0]
    return [header, *picked]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source", type=Path, default=ROOT.parent / "shared" / "data" / "anonymous_bank_1999"
    )
    args = parser.parse_args()
    paths = [args.source / f"{m}.txt" for m in MONTHS]
    t0 = time.perf_counter()
    calls, report = read_acd(paths, timezone="Asia/Jerusalem", strict=True)
    tables = aggregate(
        calls, interval_min=30, threshold_s=20.0, timezone="Asia/Jerusalem", days=report.days
    )
    OUT.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.Table.from_pandas(tables.intervals, preserve_index=False),
        OUT / INTERVALS,
        compression="zstd",
        compression_level=19,
    )
    waits = tables.waits.assign(
        queue=tables.waits["queue"].astype("category"),
        wait_s=tables.waits["wait_s"].astype("int32"),
    )
    pq.write_table(
        pa.Table.from_pandas(waits, preserve_index=False),
        OUT / WAITS,
        compression="zstd",
        compression_level=19,
        use_dictionary=["queue"],
        column_encoding={"start": "DELTA_BINARY_PACKED", "wait_s": "DELTA_BINARY_PACKED"},
    )
    (OUT / EXCERPT).write_text("\n".join(excerpt_lines(args.source)) + "\n", encoding="utf-8")
    (OUT / "ATTRIBUTION").write_text(ATTRIBUTION, encoding="utf-8")
    elapsed = time.perf_counter() - t0
    print(f"records read      {report.records:>9,}")
    for name, value in report.counts().items():
        print(f"  {name:<16}{value:>9,}")
    print(f"intervals rows    {len(tables.intervals):>9,}  ({len(report.days)} days)")
    print(f"waits rows        {len(tables.waits):>9,}")
    for name in (INTERVALS, WAITS, EXCERPT):
        print(f"{name:<48}{(OUT / name).stat().st_size / 1024:>8.0f} KiB")
    print(f"done in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
