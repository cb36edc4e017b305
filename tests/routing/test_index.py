from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from homeshore.domain import Channel
from homeshore.routing import IdleIndex, ScanCandidates
from homeshore.routing.types import AgentState
from tests.routing.conftest import make_agent, make_queue

QUEUES = [
    make_queue("v1"),
    make_queue("v2", prefer_primary_queue=False),
    make_queue("chat", Channel.CHAT, concurrency=2),
]
SKILLS = ["v1", "v2", "chat"]

change = st.tuples(
    st.integers(0, 7),  # agent
    st.sampled_from(["idle", "call", "chat", "away", "off"]),
    st.floats(0, 1000),
)


@settings(max_examples=150, deadline=None)
@given(
    profs=st.lists(
        st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), min_size=1),
        min_size=8,
        max_size=8,
    ),
    changes=st.lists(change, max_size=40),
    min_p=st.integers(1, 5),
)
def test_index_answers_like_a_full_scan(
    profs: list[dict[str, int]],
    changes: list[tuple[int, str, float]],
    min_p: int,
) -> None:
    agents = [make_agent(f"a{i}", p, float(i), primary=SKILLS[i % 3]) for i, p in enumerate(profs)]
    idx = IdleIndex(QUEUES)
    for a in agents:
        idx.update(a)
    for i, what, t in changes:
        a = agents[i]
        a.idle_since_s = t
        a.state = AgentState.AVAILABLE
        a.in_use.clear()
        if what == "call":
            a.in_use[Channel.VOICE] = 1
        elif what == "chat":
            a.in_use[Channel.CHAT] = 1
        elif what == "away":
            a.state = AgentState.AWAY
        elif what == "off":
            a.state = AgentState.OFFLINE
        idx.update(a)
    scan = ScanCandidates(QUEUES, agents)
    for q in ("v1", "v2", "chat"):
        got = idx.first(q, min_p)
        want = scan.first(q, min_p)
        if want is None:
            assert got is None
        else:
            assert got is not None
            counts = q != "v2"  # v2 does not prefer its primary agents
            assert (counts and got.prefers(q), got.load(), got.idle_since_s) == (
                counts and want.prefers(q),
                want.load(),
                want.idle_since_s,
            )
            assert got.skills.get(q, 0) >= min_p


def test_remove_takes_an_agent_out() -> None:
    idx = IdleIndex(QUEUES)
    a = make_agent("a", {"v1": 3})
    idx.update(a)
    assert "a" in idx and len(idx) == 1
    idx.remove("a")
    assert idx.first("v1", 1) is None and len(idx) == 0


def test_compaction_keeps_the_answers() -> None:
    import random

    rnd = random.Random(4)
    agents = [
        make_agent(f"a{i}", {s: rnd.randint(1, 5) for s in rnd.sample(SKILLS, 2)}, 0.0)
        for i in range(30)
    ]
    idx = IdleIndex(QUEUES)
    for a in agents:
        idx.update(a)
    for step in range(3000):  # far past the compaction threshold
        a = agents[rnd.randrange(len(agents))]
        a.in_use.clear()
        a.state = AgentState.AVAILABLE
        a.idle_since_s = float(step)
        what = rnd.random()
        if what < 0.3:
            a.in_use[Channel.VOICE] = 1
        elif what < 0.4:
            a.state = AgentState.AWAY
        idx.update(a)
        if step % 250 == 0:
            scan = ScanCandidates(QUEUES, agents)
            for q in ("v1", "v2", "chat"):
                for p in (1, 3, 5):
                    got, want = idx.first(q, p), scan.first(q, p)
                    assert (got is None) == (want is None)
                    if got is not None and want is not None:
                        assert got.idle_since_s == want.idle_since_s
    total = sum(len(h) for h in idx._heaps.values())
    assert total < 4 * len(agents) * 2 + 256 + 100  # stale entries do not pile up
