from __future__ import annotations

import pytest

from homeshore.domain import Channel
from homeshore.routing import IdleIndex, ScanCandidates, WaitingContact, build_policy
from homeshore.routing.types import AgentState
from tests.routing.conftest import AGING, BULLSEYE, make_agent, make_queue


def _index(queues, agents):  # type: ignore[no-untyped-def]
    idx = IdleIndex(queues)
    for a in agents:
        idx.update(a)
    return idx


@pytest.mark.parametrize("cands", ["index", "scan"])
def test_longest_idle_picks_the_agent_idle_longest(cands: str) -> None:
    queues = [make_queue("q", prefer_primary_queue=False)]
    agents = [make_agent("a", {"q": 3}, 50.0), make_agent("b", {"q": 1}, 10.0)]
    agents.append(make_agent("c", {"q": 5}, 30.0))
    c = _index(queues, agents) if cands == "index" else ScanCandidates(queues, agents)
    policy = build_policy(queues)
    got = policy.choose_agent(WaitingContact(1, "q", 100.0), c, 100.0)
    assert got is not None and got.id == "b"


def test_offline_and_away_agents_are_never_chosen() -> None:
    queues = [make_queue("q")]
    agents = [
        make_agent("off", {"q": 5}, 0.0, state=AgentState.OFFLINE),
        make_agent("away", {"q": 5}, 0.0, state=AgentState.AWAY),
    ]
    policy = build_policy(queues)
    assert policy.choose_agent(WaitingContact(1, "q", 0.0), _index(queues, agents), 5.0) is None


def test_agent_without_the_skill_is_never_chosen() -> None:
    queues = [make_queue("q"), make_queue("r")]
    agents = [make_agent("a", {"r": 5}, 0.0)]
    policy = build_policy(queues)
    assert policy.choose_agent(WaitingContact(1, "q", 0.0), _index(queues, agents), 1e6) is None


def test_bullseye_relaxes_proficiency_at_t1_then_t2() -> None:
    queues = [
        make_queue(
            "q",
            policy=BULLSEYE,
            initial_min_proficiency=4,
            relaxed_min_proficiency=3,
            relax_after_s=20.0,
            any_skill_after_s=60.0,
        )
    ]
    policy = build_policy(queues)
    contact = WaitingContact(1, "q", 0.0)
    novice = _index(queues, [make_agent("n", {"q": 1})])
    mid = _index(queues, [make_agent("m", {"q": 3})])
    expert = _index(queues, [make_agent("e", {"q": 4})])
    assert policy.choose_agent(contact, expert, 0.0) is not None
    assert policy.choose_agent(contact, mid, 19.9) is None
    assert policy.choose_agent(contact, mid, 20.0) is not None
    assert policy.choose_agent(contact, novice, 59.9) is None
    assert policy.choose_agent(contact, novice, 60.0) is not None
    # the freed agent's side agrees
    n = make_agent("n", {"q": 1})
    assert policy.choose_contact(n, [contact], 59.9) is None
    assert policy.choose_contact(n, [contact], 60.0) == contact


def test_bullseye_prefers_the_longest_idle_among_qualified_not_the_best() -> None:
    queues = [make_queue("q", policy=BULLSEYE, prefer_primary_queue=False)]
    agents = [make_agent("e5", {"q": 5}, 40.0), make_agent("e4", {"q": 4}, 10.0)]
    agents.append(make_agent("m3", {"q": 3}, 0.0))
    got = build_policy(queues).choose_agent(WaitingContact(1, "q", 0.0), _index(queues, agents), 0)
    assert got is not None and got.id == "e4"


def test_priority_aging_lets_an_old_low_priority_contact_pass() -> None:
    queues = [
        make_queue("vip", priority=2),
        make_queue("std", policy=AGING, aging_s_per_level=60.0, prefer_primary_queue=False),
    ]
    policy = build_policy(queues)
    agent = make_agent("a", {"vip": 3, "std": 3})
    vip = WaitingContact(1, "vip", 100.0)
    std = WaitingContact(2, "std", 0.0)
    assert policy.choose_contact(agent, [vip, std], 110.0) == vip  # std at 1.83 levels
    assert policy.choose_contact(agent, [vip, std], 121.0) == std  # std at 2.02 levels


def test_chat_capacity_n_then_no_more() -> None:
    queues = [make_queue("chat", Channel.CHAT, concurrency=3)]
    policy = build_policy(queues)
    agent = make_agent("a", {"chat": 3}, chat_capacity=3)
    idx = _index(queues, [agent])
    for k in range(3):
        got = policy.choose_agent(WaitingContact(k, "chat", 0.0), idx, 1.0)
        assert got is agent
        agent.in_use[Channel.CHAT] = agent.in_use.get(Channel.CHAT, 0) + 1
        idx.update(agent)
    assert policy.choose_agent(WaitingContact(9, "chat", 0.0), idx, 1.0) is None


def test_agent_in_a_call_takes_no_chat_and_least_loaded_chat_agent_first() -> None:
    queues = [make_queue("v"), make_queue("chat", Channel.CHAT, concurrency=2)]
    policy = build_policy(queues)
    busy = make_agent("busy", {"v": 3, "chat": 3}, 0.0)
    busy.in_use[Channel.VOICE] = 1
    one = make_agent("one", {"chat": 3}, 0.0)
    one.in_use[Channel.CHAT] = 1
    free = make_agent("free", {"chat": 3}, 50.0)
    idx = _index(queues, [busy, one, free])
    got = policy.choose_agent(WaitingContact(1, "chat", 0.0), idx, 60.0)
    assert got is free
    assert policy.choose_contact(busy, [WaitingContact(1, "chat", 0.0)], 60.0) is None


def test_overflow_to_another_queue_after_a_wait() -> None:
    queues = [
        make_queue("a", overflow_queue="b", overflow_after_s=45.0),
        make_queue("b"),
    ]
    policy = build_policy(queues)
    helper = make_agent("h", {"b": 2})
    idx = _index(queues, [helper])
    contact = WaitingContact(1, "a", 0.0)
    assert policy.choose_agent(contact, idx, 44.0) is None
    assert policy.choose_agent(contact, idx, 45.0) is helper
    assert policy.choose_contact(helper, [contact], 44.0) is None
    assert policy.choose_contact(helper, [contact], 45.0) == contact


def test_primary_queue_preference_on_both_sides() -> None:
    queues = [make_queue("a"), make_queue("b")]
    policy = build_policy(queues)
    generalist = make_agent("g", {"a": 5, "b": 5}, 0.0, primary="b")
    specialist = make_agent("s", {"a": 3}, 90.0, primary="a")
    idx = _index(queues, [generalist, specialist])
    assert policy.choose_agent(WaitingContact(1, "a", 0.0), idx, 100.0) is specialist
    older_a = WaitingContact(1, "a", 0.0)
    newer_b = WaitingContact(2, "b", 50.0)
    assert policy.choose_contact(generalist, [older_a, newer_b], 100.0) == newer_b
    # without the preference, first come first served across queues
    plain = build_policy([make_queue("a", prefer_primary_queue=False), make_queue("b")])
    assert plain.choose_contact(specialist, [older_a], 100.0) == older_a
    flat = build_policy(
        [make_queue("a", prefer_primary_queue=False), make_queue("b", prefer_primary_queue=False)]
    )
    assert flat.choose_contact(generalist, [older_a, newer_b], 100.0) == older_a


def test_build_policy_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="queue a: unknown overflow queue 'zz'"):
        build_policy([make_queue("a", overflow_queue="zz", overflow_after_s=5.0)])
    with pytest.raises(ValueError, match="queue a: overflow_queue needs overflow_after_s"):
        build_policy([make_queue("a", overflow_queue="b"), make_queue("b")])
    with pytest.raises(ValueError, match="another channel"):
        build_policy(
            [
                make_queue("a", overflow_queue="b", overflow_after_s=5.0),
                make_queue("b", Channel.CHAT, concurrency=2),
            ]
        )
    with pytest.raises(ValueError, match="queue a: bullseye"):
        build_policy([make_queue("a", policy=BULLSEYE, relax_after_s=90, any_skill_after_s=30)])
