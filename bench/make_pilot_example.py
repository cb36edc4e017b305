"""Regenerate the example pilot tables of examples/pilot/ (seeded: the same files every time).

    .venv/bin/python bench/make_pilot_example.py [--seed 2026] [--out examples/pilot/advisors.csv]
        [--phases examples/pilot/phases.csv] [--stay examples/pilot/stay.csv]

A person-level table (docs/pilot.md) of 148 advisors: 60 at home, 30 in a telecentre, 58 on
site. The true effects, against site: home +10 % performance (perf, with the pre-pilot value
perf_pre), attrition halved (quit: 30 % on site, 15 % at home) and no effect on handle time
(aht_s); the telecentre +5 % performance, attrition 25 %.

phases.csv: a pilot in phases, a person-period panel of 100 advisors over 16 weeks: 60
volunteers move home in three waves (weeks 5, 9 and 13, `treated_from`), 40 stay on site;
the volunteers handled calls 25 s faster from the start, the whole centre gets 1.5 s slower
each week, and home takes 20 s off the handle time (aht_s) from the move on; the
repeat-contact rate (repeat_pct) does not change. stay.csv: how long 300 advisors stayed
(months, left), 150 at home (mean 36 months before leaving) and 150 on site (18), observed
6 to 24 months. Prints what it wrote.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from homeshore.pilot import Binary, Continuous, person_pilot
from homeshore.pilot.synthetic import staggered_pilot, survival_pilot

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
    parser.add_argument("--phases", type=Path, default=ROOT / "examples" / "pilot" / "phases.csv")
    parser.add_argument("--stay", type=Path, default=ROOT / "examples" / "pilot" / "stay.csv")
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

    aht = Continuous("aht_s", 420.0, 30.0, -20.0)
    phases = staggered_pilot(rng, aht, person_sd=15.0, selection=-25.0, trend=1.5)
    phases["aht_s"] = phases["aht_s"].round(1)
    phases["repeat_pct"] = rng.normal(12.0, 3.0, len(phases)).round(1)
    phases.to_csv(args.phases, index=False)
    print(f"wrote {args.phases}: {phases['person'].nunique()} advisors x 16 weeks")
    stay = survival_pilot(rng)
    stay["months"] = stay["months"].round(2)
    stay.to_csv(args.stay, index=False)
    print(f"wrote {args.stay}: {len(stay)} advisors, {int(stay['left'].sum())} left")


if __name__ == "__main__":
    main()
