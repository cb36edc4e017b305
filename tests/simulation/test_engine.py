from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from homeshore.domain import Channel, Queue, RoutingPolicyName, RoutingSettings, WeeklyHours
from homeshore.simulation import (
    Contacts,
    Exponential,
    Outcome,
    QueueDemand,
    RunResult,
    SimAgent,
    SimModel,
    WorkWindow,
    draw_contacts,
    finish,
    run_events,
)

ORIGIN = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
HORIZON_S = 7200.0


def check_invariants(model: SimModel, res: RunResult) -> None:
    c = res.contacts
    queues = model.queues
    answered = res.outcome == Outcome.ANSWERED
    # every contact has exactly one outcome, consistent with what happened to it
    assert set(np.unique(res.outcome)) <= {o.value for o in Outcome}
    assert np.array_equal(answered, res.agent >= 0)
    assert np.array_equal(answered, np.isfinite(res.start_s))
    deadline = c.arrival_s + c.patience_s
    ab = res.outcome == Outcome.ABANDONED
    assert np.all(deadline[ab] <= res.horizon_s)
    assert np.all(deadline[res.outcome == Outcome.WAITING] > res.horizon_s)
    assert np.all(res.start_s[answered] >= c.arrival_s[answered])
    assert np.all(res.start_s[answered] <= deadline[answered] + 1e-9)
    assert np.all(res.start_s[answered] < res.horizon_s)
    for k, agent in enumerate(model.agents):
        mine = np.flatnonzero(res.agent == k)
        for j in mine:
            q = queues[int(c.queue[j])]
            skilled = agent.skills.get(q.skill, 0) > 0
            via = q.routing.overflow_queue
            if via is not None:
                target = next(o for o in queues if o.id == via)
                skilled = skilled or agent.skills.get(target.skill, 0) > 0
            assert skilled, f"agent {agent.id} served {q.id} without the skill"
            s = res.start_s[j]
            assert any(w.start_s <= s < w.end_s for w in agent.windows), "started off shift"
        # capacity: sweep the agent's contacts per channel
        events = []
        for j in mine:
            ch = queues[int(c.queue[j])].channel
            events.append((res.start_s[j], 1, ch))
            events.append((res.start_s[j] + c.handle_s[j], -1, ch))
        held: dict[Channel, int] = {}
        for _, delta, ch in sorted(events, key=lambda e: (e[0], e[1])):
            held[ch] = held.get(ch, 0) + delta
            busy = [x for x, v in held.items() if v > 0]
            assert len(busy) <= 1, "agent mixed channels"
            cap = max(
                (q.concurrency for q in queues if q.channel is ch and agent.skills.get(q.skill)),
                default=1,
            )
            assert held[ch] <= cap, f"agent {agent.id} over capacity"


@st.composite
def models(draw: st.DrawFn) -> SimModel:
    n_q = draw(st.integers(1, 3))
    queues = []
    for i in range(n_q):
        chat = draw(st.booleans())
        policy = draw(st.sampled_from(list(RoutingPolicyName)))
        overflow = None
        if i > 0 and draw(st.booleans()):
            overflow = f"q{draw(st.integers(0, i - 1))}"
        routing = RoutingSettings(
            policy=policy,
            relax_after_s=draw(st.sampled_from([0.0, 10.0, 30.0])),
            any_skill_after_s=draw(st.sampled_from([30.0, 60.0])),
            overflow_queue=overflow,
            overflow_after_s=20.0 if overflow else None,
            prefer_primary_queue=draw(st.booleans()),
            priority=draw(st.integers(0, 2)),
        )
        channel = Channel.CHAT if chat else Channel.VOICE
        if overflow is not None:
            channel = queues[int(overflow[1:])].channel
        conc = draw(st.integers(2, 3)) if channel is Channel.CHAT else 1
        queues.append(
            Queue(
                f"q{i}",
                f"q{i}",
                channel,
                f"s{i}",
                WeeklyHours.always(),
                concurrency=conc,
                routing=routing,
            )
        )
    demand = tuple(
        QueueDemand(
            q,
            np.array([draw(st.floats(0, 60)), draw(st.floats(0, 60))]),
            np.full(2, draw(st.sampled_from([60.0, 300.0]))),
            Exponential(100.0),
            Exponential(draw(st.sampled_from([30.0, 120.0, float("inf")]))),
        )
        for q in queues
    )
    agents = []
    for j in range(draw(st.integers(1, 6))):
        skills = draw(
            st.dictionaries(
                st.sampled_from([f"s{i}" for i in range(n_q)]), st.integers(1, 5), min_size=1
            )
        )
        cuts = sorted(draw(st.lists(st.floats(0, HORIZON_S), min_size=2, max_size=6, unique=True)))
        windows = tuple(
            WorkWindow(a, b, draw(st.sampled_from([None, *[q.id for q in queues]])))
            for a, b in zip(cuts[::2], cuts[1::2], strict=False)
            if b > a
        )
        primary = draw(st.sampled_from([None, *[q.id for q in queues]]))
        agents.append(SimAgent(f"a{j}", skills, windows, primary))
    return SimModel(ORIGIN, HORIZON_S / 2, demand, tuple(agents))


@settings(max_examples=60, deadline=None)
@given(model=models(), seed=st.integers(0, 2**32 - 1))
def test_engine_invariants(model: SimModel, seed: int) -> None:
    contacts = draw_contacts(model, np.random.default_rng(seed))
    start, agent = run_events(model, contacts)
    check_invariants(model, finish(contacts, start, agent, model.horizon_s))


def test_agent_finishes_its_contact_before_a_break() -> None:
    q = Queue("q", "q", Channel.VOICE, "q", WeeklyHours.always())
    demand = (
        QueueDemand(
            q, np.array([30.0]), np.array([600.0]), Exponential(600.0), Exponential(float("inf"))
        ),
    )
    agent = SimAgent("a", {"q": 3}, (WorkWindow(0, 1000), WorkWindow(2000, 3600)), "q")
    model = SimModel(ORIGIN, 3600.0, demand, (agent,))
    contacts = draw_contacts(model, np.random.default_rng(3))
    start, who = run_events(model, contacts)
    res = finish(contacts, start, who, model.horizon_s)
    served = np.flatnonzero(who == 0)
    ends = res.end_s[served]
    starts = res.start_s[served]
    assert np.any(ends > 1000)  # one contact ran past the start of the break...
    assert not np.any((starts >= 1000) & (starts < 2000))  # ...but none started during it
    # after the break the agent takes the oldest waiting contact at once
    assert np.isclose(starts[starts >= 2000].min(), max(2000.0, ends[starts < 2000].max()))


def test_bullseye_relaxes_exactly_at_the_step_despite_rounding() -> None:
    routing = RoutingSettings(
        policy=RoutingPolicyName.BULLSEYE, relax_after_s=20.0, any_skill_after_s=60.0
    )
    q = Queue("q", "q", Channel.VOICE, "q", WeeklyHours.always(), routing=routing)
    demand = (
        QueueDemand(q, np.array([1.0]), np.array([100.0]), Exponential(100.0), Exponential(1e9)),
    )
    agent = SimAgent("a", {"q": 3}, (WorkWindow(0.0, 7200.0),), "q")
    model = SimModel(ORIGIN, 7200.0, demand, (agent,))
    arrived = 2041.6781779053547  # arrived + 20 rounds below 20 s of wait
    contacts = Contacts(
        np.array([arrived]),
        np.zeros(1, dtype=np.int64),
        np.zeros(1, dtype=np.int64),
        np.array([100.0]),
        np.array([1e9]),
    )
    start, who = run_events(model, contacts)
    assert who[0] == 0
    assert 20.0 <= start[0] - arrived < 20.0 + 1e-9  # not at the 60 s step
