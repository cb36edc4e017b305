"""Throughput of the live router's use cases in one process, without HTTP: how many
contacts per second the services can take through create -> offer -> accept -> complete
-> wrap-up, with every step committed to the database and its events published.

    .venv/bin/python bench/router_load.py                 # SQLite and PostgreSQL
    .venv/bin/python bench/router_load.py --contacts 2000 --agents 500

It is the ceiling `bench/ops_load.py` can reach end to end (that one adds HTTP, websockets
and a load-generating client on the same 2 cores). Reports contacts/s, the mean cost of
each step, and checks that every contact ended completed (lost must be 0).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))

from homeshore.config import Settings
from homeshore.data.scenario_file import load_scenario
from homeshore.db.engine import make_engine
from homeshore.db.migrate import upgrade
from homeshore.domain import WorkMode
from homeshore.realtime import MemoryHub
from homeshore.services import contacts
from homeshore.services.clock import SystemClock
from homeshore.services.importing import import_scenario
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role
from homeshore.services.states import AgentState
from live_harness import scenario_yaml

PG_BASE = os.environ.get(
    "HOMESHORE_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def run(url: str, sync_commit: str, agents: int, n: int, seed: int) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="router_load_"))
    (tmp / "s.yaml").write_text(scenario_yaml(agents, 50))
    scenario = load_scenario(tmp / "s.yaml")
    engine = make_engine(url, pg_synchronous_commit=sync_commit)
    upgrade(engine)
    settings = Settings(database_url=url, offer_timeout_s=3600)
    p = Platform(
        engine=engine, hub=MemoryHub(), clock=SystemClock(), settings=settings, scenario=scenario
    )
    with p.sessions() as session:
        import_scenario(session, scenario, dt.datetime.now(dt.UTC))
        session.commit()
    p.recover()
    # every agent connected and available (as its websocket and state change would do)
    with p.transaction() as tx:
        for agent in p.agents.values():
            agent.connections = 1
            agent.location = WorkMode.SITE
            p.set_state(tx, agent, AgentState.AVAILABLE)
    admin = Actor(0, "bench", Role.ADMIN)
    actors = {a: Actor(0, a, Role.AGENT, a, frozenset({p.agents[a].team_id})) for a in p.agents}
    rng = random.Random(seed)
    cost: dict[str, list[float]] = {"create": [], "accept": [], "complete": [], "wrap_up": []}
    in_hand: list[tuple[int, str]] = []
    start = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        row, _ = contacts.create_contact(
            p,
            admin,
            queue_id="sales",
            channel=None,
            priority=0,
            customer_ref=f"c{i}",
            external_id=f"e{i}",
        )
        cost["create"].append(time.perf_counter() - t)
        assert row.agent_id is not None, "enough agents: every contact is offered at once"
        t = time.perf_counter()
        contacts.accept(p, actors[row.agent_id], row.id)
        cost["accept"].append(time.perf_counter() - t)
        in_hand.append((row.id, row.agent_id))
        # a random earlier contact ends, so agents cycle as in live traffic
        if len(in_hand) > agents // 2:
            cid, agent = in_hand.pop(rng.randrange(len(in_hand)))
            t = time.perf_counter()
            contacts.complete(p, actors[agent], cid)
            cost["complete"].append(time.perf_counter() - t)
            t = time.perf_counter()
            contacts.wrap_up(
                p, actors[agent], cid, disposition="ok", next_state=AgentState.AVAILABLE
            )
            cost["wrap_up"].append(time.perf_counter() - t)
    for cid, agent in in_hand:
        contacts.complete(p, actors[agent], cid)
        contacts.wrap_up(p, actors[agent], cid, disposition="ok", next_state=AgentState.AVAILABLE)
    elapsed = time.perf_counter() - start
    with engine.connect() as conn:
        done = conn.execute(
            text("SELECT count(*) FROM contacts WHERE state = 'completed'")
        ).scalar()
        events = conn.execute(text("SELECT count(*) FROM events")).scalar()
    engine.dispose()
    out = {
        "contacts_per_s": n / elapsed,
        "lost": float(n - int(done or 0)),
        "events": float(events or 0),
    }
    out.update({f"{k}_ms": statistics.fmean(v) * 1000 for k, v in cost.items() if v})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    cases = [("sqlite", "on")]
    if not args.skip_postgres:
        cases += [("postgres", "on"), ("postgres", "off")]
    print(
        f"{args.contacts} contacts through the whole life cycle, {args.agents} agents, one process"
    )
    for kind, mode in cases:
        if kind == "sqlite":
            url = f"sqlite:///{tempfile.mkdtemp(prefix='router_load_')}/r.db"
            r = run(url, "on", args.agents, args.contacts, args.seed)
        else:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(PG_BASE, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                url = f"{PG_BASE}?options=-csearch_path%3D{schema}"
                r = run(url, mode, args.agents, args.contacts, args.seed)
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
        label = kind if kind == "sqlite" else f"postgres (synchronous_commit {mode})"
        steps = "  ".join(f"{k[:-3]} {v:.2f} ms" for k, v in r.items() if k.endswith("_ms"))
        print(
            f"{label:36s} {r['contacts_per_s']:6.0f} contacts/s  lost {r['lost']:.0f}  "
            f"events {r['events']:.0f}  per step: {steps}"
        )


if __name__ == "__main__":
    main()
