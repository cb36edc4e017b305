"""Replay the Anonymous Bank's real arrivals with its observed staffing; compare simulated
and observed abandonment and waits per hour of the day.

Inputs (the shared data, not shipped in the repo): ../shared/data/anonymous_bank_1999/
<month>.txt, read with homeshore.data.acd. What is replayed:

- arrivals: the observed instants and queues (call types PS, NW, NE, TT, IN, PE);
- handle time: the observed one for answered calls; for abandoned calls, a draw from the
  same queue's observed handle times;
- patience: Kaplan-Meier per queue from the observed waits (answered waits censored);
- staffing: each agent works, on each day, the spans covered by its observed services,
  merged across gaps of up to --gap-min minutes, and holds the skills of the call types it
  served in the month; routing: longest idle agent, first come first served.

Prints observed vs simulated per hour and writes docs/sim_vs_reality.png.

    .venv/bin/python bench/sim_vs_reality.py [--month january] [--replications 5]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from homeshore.data.acd import read_acd
from homeshore.domain import Channel, Queue, WeeklyHours
from homeshore.simulation import (
    Contacts,
    Empirical,
    Outcome,
    QueueDemand,
    SimAgent,
    SimModel,
    WorkWindow,
    estimate_patience,
    finish,
    run_events,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "anonymous_bank_1999"
HOUR_S = 3600.0


def build(calls: pd.DataFrame, gap_min: float) -> tuple[SimModel, pd.DataFrame]:
    origin = calls["arrival"].min().floor("D")
    calls = calls.assign(
        arrival_s=(calls["arrival"] - origin).dt.total_seconds(),
        queue=calls["queue"].astype(str),
    ).sort_values("arrival_s", kind="stable")
    queue_ids = sorted(calls["queue"].unique())
    n_k = int(np.ceil(calls["arrival_s"].max() / HOUR_S)) + 1
    served = calls[~calls["abandoned"]]
    demand = []
    for qid in queue_ids:
        q = Queue(qid, qid, Channel.VOICE, qid, WeeklyHours.always())
        rows = calls[calls["queue"] == qid]
        k = (rows["arrival_s"] // HOUR_S).astype(int)
        volumes = np.bincount(k, minlength=n_k).astype(float)
        handle = served.loc[served["queue"] == qid, "handle_s"].to_numpy()
        mean = float(handle.mean()) if handle.size else 1.0
        demand.append(
            QueueDemand(q, volumes, np.full(n_k, mean), Empirical(tuple(handle)), Empirical((1.0,)))
        )
    agents = []
    for name, rows in served.groupby("agent"):
        start = rows["arrival_s"].to_numpy() + rows["wait_s"].to_numpy()
        end = start + rows["handle_s"].to_numpy()
        order = np.argsort(start)
        windows: list[list[float]] = []
        for s, e in zip(start[order], end[order], strict=True):
            same_day = windows and int(s // 86400) == int(windows[-1][0] // 86400)
            if same_day and s - windows[-1][1] <= gap_min * 60:
                windows[-1][1] = max(windows[-1][1], e)
            else:
                windows.append([s, e])
        skills = {str(qid): 3 for qid in rows["queue"].unique()}
        agents.append(
            SimAgent(
                str(name),
                skills,
                tuple(WorkWindow(s, e) for s, e in windows if e > s),
            )
        )
    model = SimModel(origin.to_pydatetime(), HOUR_S, tuple(demand), tuple(agents))
    return model, calls


def replay(model: SimModel, calls: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    q_index = {d.queue.id: i for i, d in enumerate(model.demand)}
    queue = calls["queue"].map(q_index).to_numpy(dtype=np.int64)
    arrival = calls["arrival_s"].to_numpy()
    handle = calls["handle_s"].to_numpy().copy()
    waits = calls.assign(start=calls["arrival"])[["queue", "start", "wait_s", "abandoned"]]
    patience_law = estimate_patience(waits, "kaplan_meier")
    patience = np.empty(arrival.size)
    for qid, i in q_index.items():
        mask = queue == i
        missing = mask & np.isnan(handle)
        handle[missing] = model.demand[i].handle.sample(rng, int(missing.sum()))
        patience[mask] = patience_law[qid].sample(rng, int(mask.sum()))
    contacts = Contacts(arrival, queue, (arrival // HOUR_S).astype(np.int64), handle, patience)
    start, agent = run_events(model, contacts)
    res = finish(contacts, start, agent, model.horizon_s)
    return pd.DataFrame(
        {
            "hour": calls["arrival"].dt.hour.to_numpy(),
            "abandoned": res.outcome == Outcome.ABANDONED,
            "wait_s": res.wait_s,
        }
    )


def per_hour(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.groupby("hour").agg(
        offered=("wait_s", "size"), abandon_rate=("abandoned", "mean"), wait_s=("wait_s", "mean")
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", default="january")
    parser.add_argument("--replications", type=int, default=5)
    parser.add_argument("--gap-min", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1999)
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "sim_vs_reality.png")
    args = parser.parse_args()
    calls, _ = read_acd([DATA / f"{args.month}.txt"])
    model, calls = build(calls, args.gap_min)
    observed = per_hour(
        pd.DataFrame(
            {
                "hour": calls["arrival"].dt.hour.to_numpy(),
                "abandoned": calls["abandoned"].to_numpy(),
                "wait_s": calls["wait_s"].to_numpy(),
            }
        )
    )
    runs = [
        per_hour(replay(model, calls, np.random.default_rng(child)))
        for child in np.random.SeedSequence(args.seed).spawn(args.replications)
    ]
    sim = pd.concat(runs).groupby(level=0).mean()
    table = observed.join(sim, rsuffix="_sim")
    busy = table[table["offered"] >= 100]
    print(
        f"{args.month} 1999: {len(calls):,} offered calls, {len(model.agents)} agents, "
        f"{len(model.demand)} queues, {args.replications} replications"
    )
    print(
        f"{'hour':>4}{'offered':>9}{'abandon obs':>13}{'abandon sim':>13}"
        f"{'E[W] obs s':>12}{'E[W] sim s':>12}"
    )
    for hour, r in busy.iterrows():
        print(
            f"{hour:>4}{r['offered']:>9.0f}{r['abandon_rate']:>13.1%}"
            f"{r['abandon_rate_sim']:>13.1%}{r['wait_s']:>12.1f}{r['wait_s_sim']:>12.1f}"
        )
    w = busy["offered"]
    obs_ab = float(np.average(busy["abandon_rate"], weights=w))
    sim_ab = float(np.average(busy["abandon_rate_sim"], weights=w))
    obs_w = float(np.average(busy["wait_s"], weights=w))
    sim_w = float(np.average(busy["wait_s_sim"], weights=w))
    corr_ab = float(np.corrcoef(busy["abandon_rate"], busy["abandon_rate_sim"])[0, 1])
    corr_w = float(np.corrcoef(busy["wait_s"], busy["wait_s_sim"])[0, 1])
    print(
        f"all busy hours: abandonment observed {obs_ab:.1%}, simulated {sim_ab:.1%} "
        f"(hourly correlation {corr_ab:.2f}); E[W] observed {obs_w:.1f} s, simulated "
        f"{sim_w:.1f} s (hourly correlation {corr_w:.2f})"
    )

    for gap in (5.0, 10.0, 20.0):  # how the staffing reconstruction moves the result
        m, c = build(read_acd([DATA / f"{args.month}.txt"])[0], gap)
        reps = [
            replay(m, c, np.random.default_rng(child))
            for child in np.random.SeedSequence(args.seed).spawn(args.replications)
        ]
        both = pd.concat(reps)
        print(
            f"staffing spans merged across gaps <= {gap:g} min: abandonment simulated "
            f"{both['abandoned'].mean():.1%} (observed {calls['abandoned'].mean():.1%}), "
            f"E[W] {both['wait_s'].mean():.1f} s (observed {calls['wait_s'].mean():.1f} s)"
        )

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, col, label in (
        (axes[0], "abandon_rate", "abandonment rate"),
        (axes[1], "wait_s", "mean wait E[W] (s)"),
    ):
        ax.plot(busy.index, busy[col], "o-", label="observed")
        ax.plot(busy.index, busy[f"{col}_sim"], "s--", label="simulated (replay)")
        ax.set_xlabel("hour of day")
        ax.set_title(label)
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.suptitle(f"Anonymous Bank, {args.month} 1999: replay of real arrivals and staffing")
    fig.tight_layout()
    args.plot.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.plot.with_name(f".{args.plot.name}.tmp.png")
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, args.plot)
    print(f"plot: {args.plot.relative_to(ROOT) if args.plot.is_relative_to(ROOT) else args.plot}")


if __name__ == "__main__":
    main()
