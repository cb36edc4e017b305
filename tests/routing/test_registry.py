from __future__ import annotations

import homeshore.routing as routing
from homeshore.domain import RoutingPolicyName, RoutingSettings
from homeshore.routing import QUEUE_POLICIES, recheck_delays_s


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
            "recheck_delays_s",
        ]
    )
