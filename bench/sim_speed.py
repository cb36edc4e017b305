"""Simulation speed: contacts simulated per CPU second on one core (best of --repeat, default 5).

1. M/M/50+M, 45 calls/min, AHT 60 s, patience 120 s (fast path, then the event engine);
2. multi-skill: 5 queues, 200 agents with 3 skills each (proficiency 2-5), bullseye routing
   (>= 4 at first, >= 3 after 20 s, anyone with the skill after 60 s), offered load 85 % of
   the agents, a 5-day horizon of 8 h days.

Times include drawing the contacts and finishing the outcomes, not the KPI tables.

3. routing decisions alone: microseconds per choose_agent / choose_contact / index update
   with 200, 2,000 and 20,000 agents (5 queues, 3 skills each, bullseye): the index keeps
   decisions flat as the centre grows (no rescan of the agents).

    .venv/bin/python bench/sim_speed.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from homeshore.routing import AgentState, AgentView, IdleIndex, WaitingContact, build_policy
from homeshore.simulation import EngineChoice, Outcome, SimModel, run_once
from homeshore.simulation.engine import agent_views
from homeshore.simulation.reference import multi_skill_model, single_queue_model


def decision_us(agents: int, calls: int = 20_000) -> tuple[float, float, float]:
    """CPU microseconds per choose_agent, choose_contact and IdleIndex.update."""
    model = multi_skill_model(agents=agents, horizon_s=3600.0)
    policy = build_policy(model.queues)
    index = IdleIndex(model.queues)
    views: list[AgentView] = agent_views(model)
    rng = np.random.default_rng(0)
    for v, idle_s in zip(views, rng.uniform(0, 100, len(views)), strict=True):
        v.state = AgentState.AVAILABLE
        v.idle_since_s = float(idle_s)
        index.update(v)
    contacts = [WaitingContact(j, f"q{j % 5}", 100.0 - (j % 90)) for j in range(calls)]
    t0 = time.process_time()
    for c in contacts:
        policy.choose_agent(c, index, 100.0)
    per_agent = (time.process_time() - t0) / calls * 1e6
    heads = contacts[:5]
    t0 = time.process_time()
    for j in range(calls):
        policy.choose_contact(views[j % len(views)], heads, 100.0)
    per_contact = (time.process_time() - t0) / calls * 1e6
    t0 = time.process_time()
    for j in range(calls):
        v = views[j % len(views)]
        v.idle_since_s = 100.0 + j
        index.update(v)
    per_update = (time.process_time() - t0) / calls * 1e6
    return per_agent, per_contact, per_update


def rate(model: SimModel, engine: EngineChoice, repeat: int) -> tuple[float, int, float]:
    best = 0.0
    n = 0
    answered = 0.0
    for r in range(repeat):
        t0 = time.process_time()
        res = run_once(model, np.random.default_rng(r), engine=engine)
        cpu = time.process_time() - t0
        n = len(res.contacts)
        answered = float(np.mean(res.outcome == Outcome.ANSWERED))
        best = max(best, n / cpu)
    return best, n, answered


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    single = single_queue_model(45 / 60, 60.0, 120.0, 50, 2_000_000 / (45 / 60))
    multi = multi_skill_model()
    rows = [
        ("M/M/50+M, fast path", single, EngineChoice.AUTO),
        ("M/M/50+M, event engine", single, EngineChoice.EVENTS),
        ("5 queues x 200 agents x 3 skills, bullseye", multi, EngineChoice.AUTO),
    ]
    print(f"{'model':<46}{'contacts':>12}{'answered':>10}{'contacts/s':>14}")
    for name, model, engine in rows:
        per_s, n, answered = rate(model, engine, args.repeat)
        print(f"{name:<46}{n:>12,}{answered:>10.1%}{per_s:>14,.0f}")
    print(f"\n{'agents':>8}{'choose_agent us':>18}{'choose_contact us':>20}{'update us':>12}")
    for agents in (200, 2_000, 20_000):
        a, c, u = decision_us(agents)
        print(f"{agents:>8,}{a:>18.2f}{c:>20.2f}{u:>12.2f}")


if __name__ == "__main__":
    main()
