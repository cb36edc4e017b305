from __future__ import annotations

import homeshore.routing as routing
from homeshore.domain import RoutingPolicyName, RoutingSettings
from homeshore.routing import QUEUE_POLICIES, recheck_at_s, recheck_delays_s


def test_every_policy_name_has_a_rule() -> None:
    assert set(QUEUE_POLICIES) == set(RoutingPolicyName)


def test_recheck_delays() -> None:
    assert recheck_delays_s(RoutingSettings()) == ()
    bull = RoutingSettings(
        policy=RoutingPolicyName.BULLSEYE, relax_after_s=20, any_skill_after_s=60
    )
    assert recheck_delays_s(bull) == (20.0, 60.0)
    over = RoutingSettings(overflow_queue="b", overflow_after_s=45)
    assert recheck_delays_s(over) == (45.0,)


def test_public_api_is_pinned() -> None:
    assert sorted(routing.__all__) == sorted(
        [
            "QUEUE_POLICIES",
            "AgentState",
            "AgentView",
            "Bullseye",
            "Candidates",
            "IdleIndex",
            "LongestIdle",
            "PriorityAging",
            "QueuePolicy",
            "QueueRoute",
            "Router",
            "RoutingPolicy",
            "ScanCandidates",
            "WaitingContact",
            "WaitingRoom",
            "build_policy",
            "queue_policy",
            "recheck_at_s",
            "recheck_delays_s",
        ]
    )


def test_recheck_time_is_never_a_hair_early() -> None:
    arrived = 2041.6781779053547  # arrived + 20 - arrived == 19.999999999999773
    assert (arrived + 20.0) - arrived < 20.0
    at = recheck_at_s(arrived, 20.0)
    assert at - arrived >= 20.0 and at - (arrived + 20.0) < 1e-9
    assert recheck_at_s(0.0, 20.0) == 20.0
