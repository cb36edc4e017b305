"""homeshore's simulator against ciw on the same M/M/50+M queue, in one run.

Model: 45 calls/min, AHT 60 s, 50 agents, exponential patience of mean 120 s, FIFO with
the longest idle agent. Both simulate the same horizon; the script prints the KPIs of both,
the exact Erlang A values, and the speed of each (contacts simulated per CPU second, one
core) with their ratio.

    .venv/bin/python bench/sim_vs_ciw.py [--horizon-s 200000]
"""

from __future__ import annotations

import argparse
import time

import ciw
import numpy as np

from homeshore.simulation import EngineChoice, Outcome, run_once
from homeshore.simulation.reference import single_queue_model
from homeshore.staffing.erlang import erlang_a_metrics

LAM_PER_S = 45 / 60
AHT_S = 60.0
PATIENCE_S = 120.0
AGENTS = 50
T_S = 20.0


def kpis(waits: np.ndarray, answered: np.ndarray) -> dict[str, float]:
    return {
        "offered": float(waits.size),
        "SL(20 s)": float(np.mean(answered & (waits <= T_S))),
        "abandon rate": float(np.mean(~answered)),
        "E[W] s": float(waits.mean()),
        "ASA s": float(waits[answered].mean()),
    }


def run_ciw(horizon_s: float, seed: int) -> tuple[dict[str, float], float]:
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAM_PER_S)],
        service_distributions=[ciw.dists.Exponential(rate=1 / AHT_S)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1 / PATIENCE_S)],
    )
    ciw.seed(seed)
    t0 = time.process_time()
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(horizon_s)
    cpu = time.process_time() - t0
    recs = sim.get_all_records()
    waits = np.array([r.waiting_time for r in recs])
    answered = np.array([r.record_type == "service" for r in recs])
    return kpis(waits, answered), cpu


def run_homeshore(
    horizon_s: float, seed: int, engine: EngineChoice
) -> tuple[dict[str, float], float]:
    model = single_queue_model(LAM_PER_S, AHT_S, PATIENCE_S, AGENTS, horizon_s)
    t0 = time.process_time()
    res = run_once(model, np.random.default_rng(seed), engine=engine)
    cpu = time.process_time() - t0
    # like ciw's records: contacts served or abandoned (not those still waiting at the end)
    done = res.outcome != Outcome.WAITING
    return kpis(res.wait_s[done], (res.outcome == Outcome.ANSWERED)[done]), cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--horizon-s", type=float, default=200_000.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    exact = erlang_a_metrics(AGENTS, LAM_PER_S, AHT_S, PATIENCE_S, T_S)
    ref = {
        "offered": LAM_PER_S * args.horizon_s,
        "SL(20 s)": float(exact.service_level),
        "abandon rate": float(exact.p_abandon),
        "E[W] s": float(exact.mean_wait_s),
        "ASA s": float(exact.asa_s),
    }
    ours, ours_cpu = run_homeshore(args.horizon_s, args.seed, EngineChoice.AUTO)
    events, events_cpu = run_homeshore(args.horizon_s, args.seed, EngineChoice.EVENTS)
    theirs, theirs_cpu = run_ciw(args.horizon_s, args.seed)
    print(
        f"M/M/{AGENTS}+M, 45 calls/min, AHT {AHT_S:g} s, patience {PATIENCE_S:g} s, "
        f"horizon {args.horizon_s:,.0f} s"
    )
    print(f"{'KPI':<14}{'Erlang A':>12}{'homeshore':>12}{'(events)':>12}{'ciw':>12}")
    for key in ref:
        print(
            f"{key:<14}{ref[key]:>12.4f}{ours[key]:>12.4f}{events[key]:>12.4f}{theirs[key]:>12.4f}"
        )
    rate_ours = ours["offered"] / ours_cpu
    rate_events = events["offered"] / events_cpu
    rate_ciw = theirs["offered"] / theirs_cpu
    print(f"{'contacts/s':<14}{'':>12}{rate_ours:>12,.0f}{rate_events:>12,.0f}{rate_ciw:>12,.0f}")
    print(
        f"speed ratio homeshore / ciw: {rate_ours / rate_ciw:.1f}x "
        f"(event engine: {rate_events / rate_ciw:.1f}x)"
    )


if __name__ == "__main__":
    main()
