"""Routing policies shared by the simulator and the live router (see types.py)."""

from homeshore.routing.bullseye import Bullseye
from homeshore.routing.index import IdleIndex
from homeshore.routing.longest_idle import LongestIdle
from homeshore.routing.priority_aging import PriorityAging
from homeshore.routing.registry import (
    QUEUE_POLICIES,
    build_policy,
    queue_policy,
    recheck_at_s,
    recheck_delays_s,
)
from homeshore.routing.router import QueueRoute, Router
from homeshore.routing.scan import ScanCandidates
from homeshore.routing.types import (
    AgentState,
    AgentView,
    Candidates,
    QueuePolicy,
    RoutingPolicy,
    WaitingContact,
)
from homeshore.routing.waiting import WaitingRoom

__all__ = [
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
