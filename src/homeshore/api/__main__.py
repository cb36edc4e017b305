"""`python -m homeshore.api --scenario S [--schedule F] [--host H] [--port P]`: the server
alone, without loading the planning commands (what `homeshore serve` runs)."""

from __future__ import annotations

import argparse
from pathlib import Path

from homeshore.api.server import run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m homeshore.api")
    parser.add_argument("--scenario", type=Path, required=True)
    parser.add_argument("--schedule", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args()
    run(args.scenario, args.schedule, host=args.host, port=args.port, log_level=args.log_level)


if __name__ == "__main__":
    main()
