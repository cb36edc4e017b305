"""homeshore's staffing engine against pyworkforce 0.5.4 on the same random intervals.

    .venv/bin/python bench/staffing_vs_pyworkforce.py [--intervals 10000] [--seed 2026]
        [--peer-a-sample 300]   # 0: run pyworkforce's Erlang A on every interval (~40 min)

10,000 seeded intervals: 10-2,000 calls per 30 min, AHT 180-600 s, target 80 % answered in
20 s, patience 60-600 s for Erlang A. pyworkforce 0.5.4 needs Python 3.12: this script makes
bench/.venv-pyworkforce with pyenv's 3.12 (once), installs pyworkforce==0.5.4 there and runs
it in a subprocess on the same intervals (passed through a temporary file), timing it inside
that subprocess. Every interval where the agent counts differ is printed with the service
level each side achieves, computed with homeshore's exact formulas. pyworkforce's Erlang A
takes about a quarter of a second per interval, so by default it runs on a seeded sample of
intervals and its time for all 10,000 is extrapolated (said so in the output). Erlang C
times are the best of 3 runs on each side; Erlang A's peer time is one run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from homeshore.staffing.erlang import queue_metrics
from homeshore.staffing.sizing import StaffingTargets, meets_targets, required_agents

ROOT = Path(__file__).resolve().parents[1]
PEER_VENV = ROOT / "bench" / ".venv-pyworkforce"
PEER_VERSION = "0.5.4"
TARGET = StaffingTargets(service_level=0.8, threshold_s=20.0)
INTERVAL_MIN = 30

PEER_SCRIPT = r"""
import json, sys, time
from pyworkforce.queuing import ErlangA, ErlangC

data = json.load(open(sys.argv[1]))
calls, aht, pat, sample = data["calls"], data["aht_s"], data["patience_s"], data["a_sample"]
c_s = float("inf")
for _ in range(3):  # best of 3, as for homeshore
    t0 = time.perf_counter()
    c = [ErlangC(transactions=x, aht=a / 60, asa=20 / 60, interval=30)
         .required_positions(service_level=0.8)["raw_positions"] for x, a in zip(calls, aht)]
    c_s = min(c_s, time.perf_counter() - t0)
t1 = time.perf_counter()
a_out = [ErlangA(transactions=calls[i], aht=aht[i] / 60, asa=20 / 60, interval=30,
                 patience=pat[i] / 60).required_positions(service_level=0.8)["raw_positions"]
         for i in sample]
t2 = time.perf_counter()
json.dump({"erlang_c": c, "erlang_c_s": c_s, "erlang_a": a_out, "erlang_a_s": t2 - t1},
          open(sys.argv[2], "w"))
"""


def python312() -> str:
    candidates = [Path("/root/.pyenv/versions/3.12.1/bin/python3")]
    if shutil.which("pyenv"):
        found = subprocess.run(
            ["pyenv", "which", "python3.12"], capture_output=True, text=True, check=False
        )
        if found.returncode == 0:
            candidates.append(Path(found.stdout.strip()))
    on_path = shutil.which("python3.12")
    if on_path:
        candidates.append(Path(on_path))
    for c in candidates:
        if c.is_file():
            return str(c)
    sys.exit("pyworkforce 0.5.4 needs Python 3.12: none found (pyenv or PATH)")


def peer_python() -> str:
    python = PEER_VENV / "bin" / "python"
    if not python.is_file():
        print(f"creating {PEER_VENV.relative_to(ROOT)} with Python 3.12 ...", flush=True)
        subprocess.run([python312(), "-m", "venv", str(PEER_VENV)], check=True)
    check = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('pyworkforce'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.stdout.strip() != PEER_VERSION:
        print(f"installing pyworkforce=={PEER_VERSION} ...", flush=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"pyworkforce=={PEER_VERSION}"],
            check=True,
        )
    return str(python)


def run_peer(calls: np.ndarray, aht: np.ndarray, pat: np.ndarray, sample: np.ndarray) -> dict:
    python = peer_python()
    with tempfile.TemporaryDirectory() as tmp:
        src, out, script = Path(tmp, "in.json"), Path(tmp, "out.json"), Path(tmp, "peer.py")
        src.write_text(
            json.dumps(
                {
                    "calls": calls.tolist(),
                    "aht_s": aht.tolist(),
                    "patience_s": pat.tolist(),
                    "a_sample": sample.tolist(),
                }
            )
        )
        script.write_text(PEER_SCRIPT)
        subprocess.run([python, str(script), str(src), str(out)], check=True)
        result: dict = json.loads(out.read_text())
        return result


def achieved_sl(n: np.ndarray, lam: np.ndarray, aht: np.ndarray, pat: np.ndarray) -> np.ndarray:
    return np.asarray(
        queue_metrics(n, lam, aht, TARGET.threshold_s, pat, with_asa=False).service_level
    )


def best_of(runs: int, fn: object) -> tuple[float, np.ndarray]:
    best, result = np.inf, None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    assert result is not None
    return best, result


def report_differences(
    label: str,
    idx: np.ndarray,
    ours: np.ndarray,
    peer: np.ndarray,
    calls: np.ndarray,
    aht: np.ndarray,
    pat: np.ndarray,
) -> None:
    lam = calls / (INTERVAL_MIN * 60.0)
    differ = np.flatnonzero(ours != peer)
    print(f"\n{label}: agent counts differ on {differ.size} of {idx.size} intervals")
    if differ.size == 0:
        return
    sl_ours = achieved_sl(ours[differ], lam[idx[differ]], aht[idx[differ]], pat[idx[differ]])
    sl_peer = achieved_sl(peer[differ], lam[idx[differ]], aht[idx[differ]], pat[idx[differ]])
    print(f"{'interval':>8} {'calls':>6} {'aht_s':>6} {'pat_s':>6} "
          f"{'homeshore':>9} {'SL':>7} {'pyworkforce':>11} {'SL':>7}")  # fmt: skip
    for k, i in enumerate(differ):
        j = idx[i]
        print(
            f"{j:>8} {calls[j]:>6.0f} {aht[j]:>6.1f} {pat[j]:>6.1f} {ours[i]:>9} "
            f"{sl_ours[k]:>7.4f} {peer[i]:>11} {sl_peer[k]:>7.4f}"
        )
    extra = peer[differ] - ours[differ]
    print(
        f"pyworkforce - homeshore: {extra.min():+d} to {extra.max():+d} agents, "
        f"total {extra.sum():+d} over {int(peer.sum())} ({extra.sum() / peer.sum():+.2%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--peer-a-sample", type=int, default=300)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    n_iv = args.intervals
    calls = rng.integers(10, 2001, n_iv).astype(float)
    aht = np.round(rng.uniform(180.0, 600.0, n_iv), 1)
    pat = np.round(rng.uniform(60.0, 600.0, n_iv), 1)
    lam = calls / (INTERVAL_MIN * 60.0)
    size = n_iv if args.peer_a_sample <= 0 else min(args.peer_a_sample, n_iv)
    sample = np.sort(rng.choice(n_iv, size=size, replace=False))
    print(
        f"{n_iv} intervals (seed {args.seed}): {calls.min():.0f}-{calls.max():.0f} calls per "
        f"{INTERVAL_MIN} min, AHT {aht.min():.0f}-{aht.max():.0f} s, patience "
        f"{pat.min():.0f}-{pat.max():.0f} s; target {TARGET.service_level:.0%} in "
        f"{TARGET.threshold_s:g} s (SL = answered within 20 s / offered)"
    )

    c_s, ours_c = best_of(3, lambda: required_agents(lam, aht, TARGET))
    a_s, ours_a = best_of(3, lambda: required_agents(lam, aht, TARGET, patience_s=pat))
    a_full_s, _ = best_of(
        3,
        lambda: queue_metrics(
            required_agents(lam, aht, TARGET, patience_s=pat), lam, aht, 20.0, pat
        ),
    )
    peer = run_peer(calls, aht, pat, sample)
    peer_c = np.asarray(peer["erlang_c"], dtype=np.int64)
    peer_a = np.asarray(peer["erlang_a"], dtype=np.int64)

    print("\n== Erlang C (all intervals) ==")
    print(f"homeshore   {c_s * 1e3:9.1f} ms  ({c_s / n_iv * 1e6:.2f} us per interval, best of 3)")
    peer_c_s = peer["erlang_c_s"]
    print(
        f"pyworkforce {peer_c_s * 1e3:9.1f} ms  "
        f"({peer_c_s / n_iv * 1e3:.3f} ms per interval, best of 3)"
    )
    print(f"ratio       {peer_c_s / c_s:9.0f}x faster")
    inf = np.full(n_iv, np.inf)
    report_differences("Erlang C", np.arange(n_iv), ours_c, peer_c, calls, aht, inf)

    print("\n== Erlang A ==")
    print(f"homeshore   {a_s * 1e3:9.1f} ms for all {n_iv} intervals (best of 3); "
          f"{a_full_s * 1e3:.1f} ms with every metric incl. ASA at the answer")  # fmt: skip
    per = peer["erlang_a_s"] / size
    scope = "all intervals" if size == n_iv else f"a seeded sample of {size} intervals"
    print(f"pyworkforce {peer['erlang_a_s']:9.1f} s  on {scope} ({per * 1e3:.1f} ms per interval)")
    if size < n_iv:
        print(f"            -> {per * n_iv:9.0f} s  for {n_iv} intervals (extrapolated)")
    print(f"ratio       {per * n_iv / a_s:9.0f}x faster (per interval)")
    report_differences("Erlang A", sample, ours_a[sample], peer_a, calls, aht, pat)

    # homeshore's answers are the true minimum: n meets the target, n - 1 does not
    ok = meets_targets(queue_metrics(ours_a, lam, aht, 20.0, pat, with_asa=False), TARGET)
    below = meets_targets(
        queue_metrics(np.maximum(ours_a - 1, 0), lam, aht, 20.0, pat, with_asa=False), TARGET
    )
    print(
        f"\nErlang A minimality over all {n_iv}: target met at n on {int(ok.sum())}, "
        f"also met at n - 1 on {int((below & (ours_a > 1)).sum())}; "
        f"homeshore above pyworkforce on {int((ours_a[sample] > peer_a).sum())} sampled intervals; "
        f"homeshore below the offered load on {int((ours_a < lam * aht).sum())}"
    )


if __name__ == "__main__":
    main()
