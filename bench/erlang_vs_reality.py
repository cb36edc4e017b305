"""Erlang C and Erlang A against what the Anonymous Bank's call centre really did, per hour.

    .venv/bin/python bench/erlang_vs_reality.py [--min-calls 60]

Reads the six shared months (../shared/data/anonymous_bank_1999, not shipped) with
homeshore.data.acd, pools the six services into one queue (the bank's agents serve several),
and for every hour with at least --min-calls offered calls predicts P(abandon) and P(wait)
from what was observed that hour:

- arrivals lambda = offered calls / 3600 s; AHT = handle time of answered calls / answered;
- patience: exponential MLE with censoring, per month (abandons / total time waited by all
  offered calls: an answered call's wait is a censored patience);
- agents: two estimates of the staffing, since the logs only show agents while they serve:
  'distinct' = agents seen serving during the hour (an upper bound: some worked part of it),
  'busy' = ceil(agent-seconds of service in the hour / 3600) (a lower bound: idle time is
  invisible).

Observed: abandoned / offered, and the share of offered calls that waited at all (wait > 0).
Writes docs/erlang_vs_reality.png and docs/erlang_vs_reality.md and prints the table.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from homeshore.data.acd import read_acd
from homeshore.data.intervals import aggregate
from homeshore.staffing.erlang import erlang_a_metrics, erlang_c_metrics

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "anonymous_bank_1999"
DOCS = ROOT / "docs"
TIMEZONE = "Asia/Jerusalem"
MODELS = (("c", "Erlang C", "tab:orange"), ("a", "Erlang A", "tab:blue"))


def hourly(min_calls: int) -> tuple[pd.DataFrame, pd.Series]:
    paths = sorted(DATA.glob("*.txt"))
    if not paths:
        raise SystemExit(f"no call logs in {DATA}")
    calls, report = read_acd(paths, timezone=TIMEZONE)
    print(f"{report.records} records, {len(calls)} offered calls in {len(paths)} files")
    pooled = calls.assign(queue="all")
    tables = aggregate(pooled, interval_min=60, threshold_s=20.0, timezone=TIMEZONE)
    iv = tables.intervals
    waits = tables.waits
    hour = waits["start"].dt.floor("h")
    waited = (waits["wait_s"] > 0).groupby(hour).mean().rename("obs_p_wait")
    iv = iv.join(waited, on="start")
    month = iv["start"].dt.strftime("%Y-%m")
    # censored exponential MLE per month: abandons / total time waited by every offered call
    wait_total = iv["wait_s_mean"].fillna(0.0) * iv["offered"]
    per_month = iv["abandoned"].groupby(month).sum() / wait_total.groupby(month).sum()
    patience = (1.0 / per_month[per_month > 0]).rename("patience_s")  # drops a stray July
    iv = iv.assign(month=month).join(patience, on="month")
    keep = (iv["offered"] >= min_calls) & (iv["agents_staffed"] > 0) & (iv["answered"] > 0)
    keep &= iv["patience_s"].notna()
    return iv.loc[keep].reset_index(drop=True), patience


def predict(iv: pd.DataFrame) -> pd.DataFrame:
    lam = iv["offered"].to_numpy(float) / 3600.0
    aht = iv["aht_s"].to_numpy(float)
    pat = iv["patience_s"].to_numpy(float)
    staffing = {
        "distinct": iv["agents_staffed"].to_numpy(float),
        "busy": np.ceil(iv["busy_s"].to_numpy(float) / 3600.0),
    }
    rows = []
    for name, n in staffing.items():
        c = erlang_c_metrics(n, lam, aht, 20.0)
        a = erlang_a_metrics(n, lam, aht, pat, 20.0, with_asa=False)
        rows.append(
            pd.DataFrame(
                {
                    "staffing": name,
                    "agents": n,
                    "load_erl": lam * aht,
                    "obs_p_abandon": iv["abandoned"] / iv["offered"],
                    "obs_p_wait": iv["obs_p_wait"],
                    "c_p_abandon": c.p_abandon,
                    "c_p_wait": c.p_wait,
                    "c_unstable": n <= lam * aht,
                    "a_p_abandon": a.p_abandon,
                    "a_p_wait": a.p_wait,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def summary(pred: pd.DataFrame) -> pd.DataFrame:
    out = []
    for staffing, part in pred.groupby("staffing", sort=False):
        for quantity in ("p_abandon", "p_wait"):
            obs = part[f"obs_{quantity}"].to_numpy(float)
            for model, prefix in (("Erlang C", "c"), ("Erlang A", "a")):
                p = part[f"{prefix}_{quantity}"].to_numpy(float)
                err = p - obs
                out.append(
                    {
                        "staffing": staffing,
                        "quantity": quantity,
                        "model": model,
                        "hours": len(obs),
                        "observed mean": obs.mean(),
                        "predicted mean": p.mean(),
                        "MAE": np.abs(err).mean(),
                        "bias": err.mean(),
                        "corr": np.corrcoef(p, obs)[0, 1] if p.std() > 0 else np.nan,
                        "Erlang C unstable hours": int(part["c_unstable"].sum()),
                    }
                )
    return pd.DataFrame(out)


def plot(pred: pd.DataFrame, path: Path) -> None:
    fig, axes = plt.subplots(2, 2, figsize=(10, 9))
    for col, staffing in enumerate(("distinct", "busy")):
        part = pred[pred["staffing"] == staffing]
        for row, quantity in enumerate(("p_abandon", "p_wait")):
            ax = axes[row, col]
            obs = part[f"obs_{quantity}"]
            for prefix, label, color in MODELS:
                y = part[f"{prefix}_{quantity}"]
                ax.scatter(obs, y, s=4, alpha=0.35, color=color, label=label)
            ax.plot([0, 1], [0, 1], color="black", linewidth=0.8)
            top = 1.0 if quantity == "p_wait" else min(1.0, float(obs.max()) * 1.3 + 0.02)
            ax.set_xlim(0, top)
            ax.set_ylim(0, 1.0 if quantity == "p_wait" else max(top, 0.05))
            ax.set_xlabel(f"observed {quantity.replace('_', '(')})")
            ax.set_ylabel(f"predicted {quantity.replace('_', '(')})")
            ax.set_title(f"{quantity.replace('_', '(')}), agents = {staffing}", fontsize=10)
            ax.legend(loc="upper left", markerscale=4, fontsize=8)
    fig.suptitle(
        "Anonymous Bank 1999, one point per hour: Erlang C and Erlang A vs observed", fontsize=11
    )
    fig.tight_layout()
    atomic(path, lambda p: fig.savefig(p, dpi=110, format="png"))
    plt.close(fig)


def atomic(path: Path, write: object) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)  # type: ignore[operator]
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def markdown(table: pd.DataFrame, patience: pd.Series, min_calls: int) -> str:
    head = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns) + "\n"
    body = ""
    for row in table.itertuples(index=False):
        cells = [f"{v:.4f}" if isinstance(v, float) else str(v) for v in row]
        body += "| " + " | ".join(cells) + " |\n"
    months = ", ".join(f"{m}: {p:.0f} s" for m, p in patience.items())
    return (
        "# Erlang C and Erlang A against the Anonymous Bank's hours\n\n"
        "Written by `.venv/bin/python bench/erlang_vs_reality.py` (do not edit by hand).\n\n"
        f"One row per staffing estimate, quantity and model, over the hours with at least "
        f"{min_calls} offered calls (six services pooled). MAE and bias are differences of "
        "probabilities (predicted - observed; 0.10 = 10 points); corr is the correlation "
        "across hours. 'distinct' "
        "counts the agents seen serving during the hour (an upper bound on staffing), 'busy' "
        "rounds up the agent-hours of service (a lower bound). Erlang C cannot abandon; where "
        "load >= agents it is unstable and predicts P(wait) = 1.\n\n"
        f"Mean patience (censored exponential MLE per month): {months}.\n\n"
        + head
        + body
        + "\n![Erlang C and A vs observed, per hour](erlang_vs_reality.png)\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-calls", type=int, default=60)
    args = parser.parse_args()
    iv, patience = hourly(args.min_calls)
    pred = predict(iv)
    table = summary(pred)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    DOCS.mkdir(exist_ok=True)
    plot(pred, DOCS / "erlang_vs_reality.png")
    text = markdown(table, patience, args.min_calls)
    md = DOCS / "erlang_vs_reality.md"
    atomic(md, lambda p: Path(p).write_text(text))
    print(f"wrote {DOCS / 'erlang_vs_reality.png'} and {md}")


if __name__ == "__main__":
    main()
