"""Waiting contacts: one FIFO lane per queue and contact priority.

The oldest contact of a lane is its most urgent (same queue, same priority), so a freed
agent only needs the head of each lane. Removal is lazy; contacts whose ``deadline_s``
has passed are dropped from the heads and kept in ``expired`` for the caller to record.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from homeshore.routing.types import WaitingContact


class WaitingRoom:
    __slots__ = ("_by_queue", "_lanes", "_removed", "expired", "size")

    def __init__(self) -> None:
        self._lanes: dict[str, dict[int, deque[WaitingContact]]] = {}
        self._by_queue: dict[str, list[deque[WaitingContact]]] = {}  # the same lanes
        self._removed: set[int | str] = set()
        #: contacts waiting (read only; same as len())
        self.size = 0
        #: contacts dropped at a head because their deadline passed; the caller empties it
        self.expired: list[WaitingContact] = []

    def __len__(self) -> int:
        return self.size

    def push(self, contact: WaitingContact) -> None:
        lanes = self._lanes.get(contact.queue)
        if lanes is None:
            lanes = self._lanes[contact.queue] = {}
        lane = lanes.get(contact.priority)
        if lane is None:
            lane = lanes[contact.priority] = deque()
            self._by_queue.setdefault(contact.queue, []).append(lane)
        lane.append(contact)
        self.size += 1

    def remove(self, contact: WaitingContact) -> None:
        """Take a contact out (answered, or hung up): O(1) at a head, lazy elsewhere."""
        lane = self._lanes[contact.queue][contact.priority]
        if lane and lane[0].id == contact.id:
            lane.popleft()
        else:
            self._removed.add(contact.id)
        self.size -= 1

    def _clean(self, lane: deque[WaitingContact], now_s: float) -> WaitingContact | None:
        removed = self._removed
        while lane:
            head = lane[0]
            if removed and head.id in removed:
                removed.discard(head.id)
                lane.popleft()
            elif head.deadline_s <= now_s:
                lane.popleft()
                self.size -= 1
                self.expired.append(head)
            else:
                return head
        return None

    def head(self, queue: str, now_s: float) -> WaitingContact | None:
        """Oldest contact of the queue's highest-priority non-empty lane."""
        lanes = self._lanes.get(queue)
        if not lanes:
            return None
        if len(lanes) == 1:
            for lane in lanes.values():
                return self._clean(lane, now_s)
        for prio in sorted(lanes, reverse=True):
            head = self._clean(lanes[prio], now_s)
            if head is not None:
                return head
        return None

    def heads(self, now_s: float, queues: Iterable[str] | None = None) -> list[WaitingContact]:
        """The head of every lane of the given queues (all queues by default)."""
        out: list[WaitingContact] = []
        by_queue = self._by_queue
        removed = self._removed
        for q in by_queue if queues is None else queues:
            if q not in by_queue:
                continue
            for lane in by_queue[q]:
                if not lane:
                    continue
                head = lane[0]
                if head.deadline_s <= now_s or (removed and head.id in removed):
                    cleaned = self._clean(lane, now_s)
                    if cleaned is None:
                        continue
                    head = cleaned
                out.append(head)
        return out

    def drain(self) -> Iterator[WaitingContact]:
        """Every contact still waiting, oldest lane first (end of a run)."""
        removed = self._removed
        for lanes in self._lanes.values():
            for lane in lanes.values():
                while lane:
                    c = lane.popleft()
                    if c.id in removed:
                        removed.discard(c.id)
                    else:
                        yield c
        self.size = 0
