"""The whole contract of routing: what a policy sees and what it answers.

A routing policy is written once and used by both the simulator and the live router.
It is a pure function of its inputs: no clock (the caller passes ``now_s``), no
randomness, no I/O, and it never mutates what it is given.

Times are plain seconds on one clock the caller chooses (the simulator: seconds from the
start of the run; the live router: ``datetime.timestamp()``). Only differences matter.

How a caller routes
-------------------
1. Build one policy for the whole centre from the scenario's queues::

       policy = homeshore.routing.build_policy(scenario.queues)
       agents = homeshore.routing.IdleIndex(scenario.queues)   # indexed candidates
       waiting = homeshore.routing.WaitingRoom()               # per-queue FIFO lanes

2. Keep the index up to date: after any change of an agent (logs in, goes on break,
   takes or ends a contact) call ``agents.update(view)`` with its current ``AgentView``
   (or ``agents.remove(agent_id)`` when it logs off). The index keeps, per queue and
   proficiency level, the agents free for that queue ordered by load then idle time, so a
   decision never rescans every agent.

3. A contact arrives (or its wait crosses one of ``recheck_delays_s(queue)``)::

       agent = policy.choose_agent(contact, agents, now_s)
       if agent is None:
           waiting.push(contact)           # and re-ask at arrived_s + each recheck delay

4. An agent frees capacity (ends a contact, comes back from a break, logs in)::

       contact = policy.choose_contact(view, waiting.heads(), now_s)
       if contact is not None:
           waiting.remove(contact)

Both calls take microseconds: ``choose_agent`` looks at the head of at most a few
ordered sets, ``choose_contact`` at the oldest contact of each queue/priority lane.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from homeshore.domain.agent import WorkMode
from homeshore.domain.queue import Channel


class AgentState(enum.StrEnum):
    AVAILABLE = "available"  # logged in, on a WORK activity, takes contacts up to capacity
    AWAY = "away"  # break, lunch, training: finishes its contacts, takes no new one
    OFFLINE = "offline"  # not logged in: never routed to (right to disconnect)


class WaitingContact(NamedTuple):
    """A contact waiting for an agent. ``id`` is unique among waiting contacts."""

    id: int | str
    queue: str
    arrived_s: float
    priority: int = 0  # contact-level boost on top of the queue's priority
    # when the caller knows the contact leaves (simulated patience); inf when unknown
    deadline_s: float = float("inf")


@dataclass(slots=True)
class AgentView:
    """An agent as routing sees it. Callers own and update it; policies only read it.

    ``skills`` maps a skill id to a proficiency 1..5 (to change skills, assign a new
    mapping: IdleIndex recomputes what an agent serves when the mapping object changes);
    ``capacity`` gives, per channel, how many contacts the agent may hold at once (1 call,
    N chats); ``in_use`` how many it holds now.
    An agent serves one channel at a time: while it holds a call it takes no chat.
    """

    id: str
    skills: Mapping[str, int]
    capacity: Mapping[Channel, int]
    state: AgentState = AgentState.AVAILABLE
    idle_since_s: float = 0.0
    location: WorkMode = WorkMode.SITE
    in_use: dict[Channel, int] = field(default_factory=dict)
    primary_queue: str | None = None  # the queue of its primary skill
    planned_queue: str | None = None  # the queue its current WORK segment counts toward

    def load(self) -> int:
        return sum(self.in_use.values())

    def free_for(self, channel: Channel) -> bool:
        """True if the agent may take one more contact of that channel now."""
        if self.state is not AgentState.AVAILABLE:
            return False
        in_use = self.in_use
        if not in_use:
            return True
        held = in_use.get(channel, 0)
        if held != sum(in_use.values()):
            return False  # holds contacts of another channel
        return held < self.capacity.get(channel, 1)

    def prefers(self, queue: str) -> bool:
        return queue == self.primary_queue or queue == self.planned_queue


class Candidates(Protocol):
    """The agents a policy may pick from, as ordered views (no full scan).

    ``first`` returns the agent free for ``queue``'s channel, holding ``queue``'s skill at
    ``min_proficiency`` or more, with the least load then the longest idle time; when the
    queue's routing has ``prefer_primary_queue``, an agent whose primary or planned queue
    is ``queue`` comes before any other.
    """

    def first(self, queue: str, min_proficiency: int) -> AgentView | None: ...


class QueuePolicy(Protocol):
    """How one queue's contacts rank and whom they accept, as a function of their wait."""

    def min_proficiency(self, wait_s: float) -> int:
        """Lowest proficiency an agent needs to take a contact that has waited wait_s."""
        ...

    def urgency(self, contact: WaitingContact, wait_s: float) -> float:
        """Higher is served first when an agent chooses among waiting contacts."""
        ...


class RoutingPolicy(Protocol):
    """The centre-wide routing decision, shared by the simulator and the live router."""

    def choose_agent(
        self, contact: WaitingContact, candidates: Candidates, now_s: float
    ) -> AgentView | None:
        """The agent to offer a waiting contact to, or None to keep it waiting."""
        ...

    def choose_contact(
        self, agent: AgentView, heads: Sequence[WaitingContact], now_s: float
    ) -> WaitingContact | None:
        """The contact an agent with free capacity takes among the oldest of each lane."""
        ...
