"""Start-up time of the command line: `homeshore --help`, `homeshore plan --help` and a
one-interval `homeshore staff`, wall and CPU time, median of --runs runs each.

    .venv/bin/python bench/startup.py [--runs 7] [--compare REV]

With --compare, the same commands also run on the source of git revision REV (checked out
in a temporary worktree, put first on PYTHONPATH), alternating with this tree run by run,
so both sides meet the same machine load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "homeshore --help": ["--help"],
    "homeshore plan --help": ["plan", "--help"],
    "homeshore staff (one interval)": [
        "staff",
        "--calls",
        "100",
        "--interval-min",
        "30",
        "--aht-s",
        "180",
        "--threshold-s",
        "20",
        "--target-sl",
        "0.8",
        "--json",
    ],
}


def run_once(src: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one command."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    code = "import sys; from homeshore.cli import main; sys.exit(main(sys.argv[1:]))"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, *args], env=env, check=True, stdout=subprocess.DEVNULL
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare", metavar="REV", help="Also time the source at git REV.")
    options = parser.parse_args()
    sides = {"this tree": ROOT / "src"}
    with tempfile.TemporaryDirectory() as tmp:
        if options.compare:
            tree = Path(tmp) / "rev"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), options.compare],
                check=True,
                capture_output=True,
            )
            sides = {options.compare: tree / "src", **sides}
        try:
            times: dict[tuple[str, str], list[tuple[float, float]]] = {}
            for name, args in COMMANDS.items():
                for src in sides.values():
                    run_once(src, args)  # warm the file cache
                for _ in range(options.runs):
                    for side, src in sides.items():
                        times.setdefault((name, side), []).append(run_once(src, args))
        finally:
            if options.compare:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                    check=True,
                    capture_output=True,
                )
    print(f"median of {options.runs} runs, seconds (wall / CPU)")
    print(f"| command | {' | '.join(sides)} |")
    print(f"|---|{'---|' * len(sides)}")
    for name in COMMANDS:
        cells = []
        for side in sides:
            runs = times[(name, side)]
            wall = statistics.median(w for w, _ in runs)
            cpu = statistics.median(c for _, c in runs)
            cells.append(f"{wall:.2f} / {cpu:.2f}")
        print(f"| {name} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
