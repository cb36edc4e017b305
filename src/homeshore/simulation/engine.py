"""The event engine: any number of queues, multi-skill agents, schedules and routing policies.

One heap of events (contact completions, work-window ends and starts, routing rechecks)
merged with the pre-drawn arrivals. Every routing decision goes through the same
RoutingPolicy objects as the live router, over an IdleIndex and a WaitingRoom.
Abandonment is lazy: a waiting contact whose patience ran out is dropped when it reaches
the head of its lane, and its outcome follows from its deadline (contacts.finish).
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from homeshore.domain.queue import Channel
from homeshore.routing import (
    AgentState,
    AgentView,
    IdleIndex,
    RoutingPolicy,
    WaitingContact,
    WaitingRoom,
    build_policy,
    recheck_at_s,
    recheck_delays_s,
)
from homeshore.simulation.arrivals import IntArray
from homeshore.simulation.contacts import Contacts
from homeshore.simulation.distributions import FloatArray
from homeshore.simulation.model import SimAgent, SimModel

_COMPLETE, _END, _START, _RECHECK = 0, 1, 2, 3


def agent_views(model: SimModel) -> list[AgentView]:
    """The routing view of each agent, away until its first window starts."""
    views = []
    for a in model.agents:
        capacity: dict[Channel, int] = {}
        for q in model.queues:
            if a.skills.get(q.skill, 0) > 0:
                capacity[q.channel] = max(capacity.get(q.channel, 1), q.concurrency)
        views.append(
            AgentView(
                id=a.id,
                skills=dict(a.skills),
                capacity=capacity,
                state=AgentState.AWAY,
                location=a.location,
                primary_queue=a.primary_queue,
            )
        )
    return views


def _servable(model: SimModel, agent: SimAgent) -> list[str]:
    """Queues whose contacts this agent may ever take (own skills, or by overflow)."""
    own = {q.id for q in model.queues if agent.skills.get(q.skill, 0) > 0}
    extra = {q.id for q in model.queues if q.routing.overflow_queue in own}
    return sorted(own | extra)


def run_events(
    model: SimModel, contacts: Contacts, policy: RoutingPolicy | None = None
) -> tuple[FloatArray, IntArray]:
    """Start time (nan if never) and agent index (-1) per contact."""
    queues = model.queues
    router = policy if policy is not None else build_policy(queues)
    qids = [q.id for q in queues]
    channel = [q.channel for q in queues]
    recheck = [recheck_delays_s(q.routing) for q in queues]
    views = agent_views(model)
    by_id = {v.id: k for k, v in enumerate(views)}
    servable = [_servable(model, a) for a in model.agents]
    index = IdleIndex(queues)
    waiting = WaitingRoom()
    horizon_s = model.horizon_s

    windows = [(k, w) for k, a in enumerate(model.agents) for w in a.windows]
    heap: list[tuple[float, int, int]] = []
    for p, (k, w) in enumerate(windows):
        heap.append((w.start_s, _START, p))
        heap.append((w.end_s, _END, k))
    heapq.heapify(heap)

    n = len(contacts)
    arr: list[float] = contacts.arrival_s.tolist()
    qs: list[int] = contacts.queue.tolist()
    hs: list[float] = contacts.handle_s.tolist()
    dl = (contacts.arrival_s + contacts.patience_s).tolist()
    start = [math.nan] * n
    who = [-1] * n
    push, pop = heapq.heappush, heapq.heappop
    new_contact = tuple.__new__
    available = AgentState.AVAILABLE

    # contacts of each queue an agent may hold at once
    capacity: list[list[int]] = [[v.capacity.get(ch, 1) for ch in channel] for v in views]

    def take(j: int, k: int, t: float) -> bool:
        """Agent k starts contact j at t; True if it may still take more."""
        start[j] = t
        who[j] = k
        in_use = views[k].in_use
        ch = channel[qs[j]]
        held = in_use[ch] + 1 if ch in in_use else 1
        in_use[ch] = held
        push(heap, (t + hs[j], _COMPLETE, j))
        return held < capacity[k][qs[j]]

    def fill(k: int, t: float) -> None:
        """Agent k has free capacity: it takes waiting contacts, then is re-filed."""
        v = views[k]
        more = True
        while more and waiting.size:
            heads = waiting.heads(t, servable[k])
            if not heads:
                break
            c = router.choose_contact(v, heads, t)
            if c is None:
                break
            waiting.remove(c)
            more = take(int(c.id), k, t)
        if waiting.expired:
            waiting.expired.clear()
        if more:
            index.update(v)
        else:
            index.remove(v.id)

    i = 0
    inf = math.inf
    while True:
        t_arr = arr[i] if i < n else inf
        if heap and heap[0][0] <= t_arr:
            t, kind, p = pop(heap)
            if t >= horizon_s:
                break
            if kind == _COMPLETE:
                k = who[p]
                v = views[k]
                in_use = v.in_use
                ch = channel[qs[p]]
                if in_use[ch] == 1:
                    del in_use[ch]  # an idle agent holds an empty mapping
                else:
                    in_use[ch] -= 1
                if v.state is available:
                    v.idle_since_s = t
                    fill(k, t)
            elif kind == _RECHECK:
                if who[p] >= 0 or dl[p] <= t:
                    continue
                for d in recheck[qs[p]]:  # chain the next recheck of this contact
                    if t - arr[p] < d:
                        at = recheck_at_s(arr[p], d)
                        if at < dl[p]:
                            push(heap, (at, _RECHECK, p))
                        break
                qid = qids[qs[p]]
                while True:
                    h = waiting.head(qid, t)
                    if h is None or (h.id != p and h.arrived_s < arr[p]):
                        # an older contact heads the queue: it crossed this step first and
                        # found no agent, and every agent freed since would have taken it;
                        # a younger contact can be eligible for no more agents than it
                        break
                    found = router.choose_agent(h, index, t)
                    if found is None:
                        break
                    waiting.remove(h)
                    k = by_id[found.id]
                    if take(int(h.id), k, t):
                        index.update(found)
                    else:
                        index.remove(found.id)
            elif kind == _START:
                k, w = windows[p]
                v = views[k]
                v.state = available
                v.planned_queue = w.queue
                if not v.in_use:
                    v.idle_since_s = t
                fill(k, t)
            else:
                views[p].state = AgentState.AWAY
                index.remove(views[p].id)
        elif i < n:
            q = qs[i]
            # the NamedTuple's own __new__ is a Python frame; build the same tuple directly
            contact = new_contact(WaitingContact, (i, qids[q], t_arr, 0, dl[i]))
            found = router.choose_agent(contact, index, t_arr)
            if found is not None:
                k = by_id[found.id]
                if take(i, k, t_arr):
                    index.update(found)
                else:
                    index.remove(found.id)
            else:
                waiting.push(contact)
                if recheck[q]:
                    at = recheck_at_s(t_arr, recheck[q][0])
                    if at < dl[i]:
                        push(heap, (at, _RECHECK, i))
            i += 1
        else:
            break
    return np.asarray(start, dtype=np.float64), np.asarray(who, dtype=np.int64)
