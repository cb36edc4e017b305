"""Fast path for one queue served first come, first served by the longest idle agent.

Same semantics as the event engine with the longest-idle policy, computed with one heap of
agents keyed by the time each becomes free (= the time it has been idle since): the top of
the heap is both the first agent to free up and, among idle agents, the longest idle. A
contact waits until that time; if it exceeds its patience it abandons and takes no agent.
Work windows are honoured lazily: an agent whose key falls outside its current window is
moved to its next window (an agent finishes its contact before leaving).
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from homeshore.simulation.arrivals import IntArray
from homeshore.simulation.contacts import Contacts
from homeshore.simulation.distributions import FloatArray
from homeshore.simulation.model import SimAgent


def run_fifo(
    contacts: Contacts, agents: tuple[SimAgent, ...], horizon_s: float
) -> tuple[FloatArray, IntArray]:
    """Start time (nan if never) and agent index (-1) per contact."""
    n = len(contacts)
    arr = contacts.arrival_s.tolist()
    svc = contacts.handle_s.tolist()
    pat = contacts.patience_s.tolist()
    windows = [[(w.start_s, w.end_s) for w in a.windows] for a in agents]
    ptr = [0] * len(agents)
    wend = [w[0][1] if w else -math.inf for w in windows]
    heap = [(w[0][0], k) for k, w in enumerate(windows) if w]
    heapq.heapify(heap)
    start = [math.nan] * n
    who = [-1] * n
    replace = heapq.heapreplace
    for i in range(n):
        t = arr[i]
        while heap:
            f, a = heap[0]
            s = f if f > t else t
            if s < wend[a]:
                break
            # the agent left its window before it could take this contact: next window
            ws = windows[a]
            p = ptr[a] + 1
            while p < len(ws) and ws[p][1] <= f:
                p += 1
            if p == len(ws):
                heapq.heappop(heap)
                continue
            ptr[a] = p
            wend[a] = ws[p][1]
            replace(heap, (ws[p][0] if ws[p][0] > f else f, a))
        else:
            break
        if s - t > pat[i] or s >= horizon_s:
            continue
        start[i] = s
        who[i] = a
        replace(heap, (s + svc[i], a))
    return np.asarray(start, dtype=np.float64), np.asarray(who, dtype=np.int64)
