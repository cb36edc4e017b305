"""Regenerate the example pilot table examples/pilot/advisors.csv (seeded: same file every
time).

    .venv/bin/python bench/make_pilot_example.py [--seed 2026] [--out examples/pilot/advisors.csv]

A person-level table (docs/pilot.md) of 148 advisors: 60 at home, 30 in a telecentre, 58 on
site. The true effects, against site: home +10 % performance (perf, with the pre-pilot value
perf_pre), attrition halved (quit: 30 % on site, 15 % at home) and no effect on handle time
(aht_s); the telecentre +5 % performance, attrition 25 %. Prints what it wrote.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from homeshore.pilot import Binary, Continuous, person_pilot

ROOT = Path(__file__).resolve().parents[1]


def outcomes(performance_effect: float, quit_rate: float) -> list[Continuous | Binary]:
    return [
        Continuous("perf", 100.0, 15.0, performance_effect, relative=True, pre_correlation=0.6),
        Binary("quit", rate_control=0.30, rate_treated=quit_rate),
        Continuous("aht_s", 420.0, 90.0),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=ROOT / "examples" / "pilot" / "advisors.csv")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    home = person_pilot(rng, outcomes(0.10, 0.15), n_treated=60, n_control=58)
    telecentre = person_pilot(
        rng, outcomes(0.05, 0.25), n_treated=30, n_control=0, treated="telecentre"
    )
    telecentre["person"] = telecentre["person"].str.replace("p", "t", regex=False)
    table = pd.concat([home, telecentre], ignore_index=True)
    for column in ("perf_pre", "perf"):
        table[column] = table[column].round(1)
    table["aht_s"] = table["aht_s"].round(0).astype(int)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False)
    counts = table["group"].value_counts().to_dict()
    print(f"wrote {args.out}: {len(table)} advisors {counts}")


if __name__ == "__main__":
    main()
