"""Simulated single queue against exact Erlang A (homeshore.staffing.erlang), long runs.

For each case: 20 replications of 30 days at a constant rate; prints exact value,
simulated mean, 95 % CI half-width and whether the exact value lies inside the CI.
Cases: DOMAIN.md's pyworkforce reference (100 calls / 30 min, AHT 180 s, patience 300 s,
n = 13 and 14) and the M/M/50+M benchmark queue.

    .venv/bin/python bench/sim_vs_erlang_a.py [--days 30] [--replications 20]
        [--engine auto|events]   (auto: the FIFO fast path; events: the event engine)
"""

from __future__ import annotations

import argparse

from homeshore.simulation import EngineChoice, simulate
from homeshore.simulation.reference import single_queue_model
from homeshore.staffing.erlang import erlang_a_metrics

CASES = (
    ("100/30min, AHT 180, pat 300, n=13", 100 / 1800, 180.0, 300.0, 13),
    ("100/30min, AHT 180, pat 300, n=14", 100 / 1800, 180.0, 300.0, 14),
    ("45/min, AHT 60, pat 120, n=50", 45 / 60, 60.0, 120.0, 50),
    ("45/min, AHT 60, pat 120, n=44", 45 / 60, 60.0, 120.0, 44),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=float, default=30.0)
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--engine", type=EngineChoice, default=EngineChoice.AUTO)
    args = parser.parse_args()
    inside = total = 0
    print(f"{'case':<36}{'KPI':<15}{'exact':>10}{'simulated':>12}{'± 95 %':>10}  in CI")
    for name, lam, aht, patience, n in CASES:
        model = single_queue_model(lam, aht, patience, n, args.days * 86400.0, interval_s=3600.0)
        sim = simulate(model, replications=args.replications, seed=args.seed, engine=args.engine)
        row = sim.horizon_kpis().set_index("queue").loc["q"]
        exact = erlang_a_metrics(n, lam, aht, patience, 20.0)
        pairs = (
            ("SL(20 s)", "service_level", float(exact.service_level)),
            ("abandon rate", "abandon_rate", float(exact.p_abandon)),
            ("E[W] s", "wait_s_mean", float(exact.mean_wait_s)),
            ("ASA s", "asa_s", float(exact.asa_s)),
            ("occupancy", "occupancy", float(exact.occupancy)),
        )
        for label, col, want in pairs:
            got, half = float(row[col]), float(row[f"{col}_ci95"])
            ok = abs(got - want) <= half
            inside += ok
            total += 1
            verdict = "yes" if ok else "NO"
            print(f"{name:<36}{label:<15}{want:>10.5f}{got:>12.5f}{half:>10.5f}  {verdict}")
    print(
        f"{inside}/{total} exact values inside the simulation's 95 % confidence interval "
        f"({args.engine.value} engine)"
    )


if __name__ == "__main__":
    main()
