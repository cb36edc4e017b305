"""Pools of queues that share advisors, and the skill groups inside each pool.

An advisor can take the contacts of every queue whose skill it holds, and the router lets it
(homeshore.routing): queues linked by advisors form one **pool** (a connected component of
the advisor-queue graph). Inside a pool, a **skill group** is a set of queues whose
contacts only a part of the pool can take: for a set S of queues, the advisors able to
serve S are those holding one of S's skills, and the group of S is every queue of the pool
that only those advisors serve (its closure). The pool itself is the largest group.

A pool is staffed when, for every group, the advisors present who can serve it are at
least the group's pooled requirement (staffing/pooling.py): the classic condition (Hall's)
for the advisors to be shared among the queues, with the Erlang margin of each group.
Groups that split into parts served by disjoint advisors add nothing (their parts' own
conditions imply theirs), so only connected groups are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from homeshore.domain import Agent, Queue, Scenario

__all__ = ["MAX_EXACT_QUEUES", "Pool", "skill_pools"]

#: pools up to this many queues get every connected group; larger ones get each queue's
#: own group and the pool (2^n subsets would be too many)
MAX_EXACT_QUEUES = 10


@dataclass(frozen=True, slots=True)
class Pool:
    """Queues sharing advisors. ``groups``: the skill groups, smallest first, the pool last;
    ``servers``: for each queue, how many of the scenario's advisors can take its contacts."""

    name: str
    queues: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    servers: tuple[int, ...]

    @property
    def single(self) -> bool:
        return len(self.queues) == 1

    def agents_for(self, queue: str) -> int:
        return self.servers[self.queues.index(queue)]


def _signature(agent: Agent, queues: Sequence[Queue]) -> frozenset[str]:
    return frozenset(q.id for q in queues if agent.proficiency(q.skill) > 0)


def skill_pools(scenario: Scenario) -> tuple[Pool, ...]:
    """The scenario's pools in the order of their first queue; a queue nobody can serve is
    a pool of its own."""
    return pools_of(scenario.queues, scenario.agents)


def pools_of(queues: Sequence[Queue], agents: Iterable[Agent]) -> tuple[Pool, ...]:
    ids = [q.id for q in queues]
    signatures: list[frozenset[str]] = [_signature(a, queues) for a in agents]
    kinds = sorted(set(signatures), key=lambda s: sorted(s))
    parent = {q: q for q in ids}

    def root(q: str) -> str:
        while parent[q] != q:
            parent[q] = parent[parent[q]]
            q = parent[q]
        return q

    for sig in kinds:
        ordered = sorted(sig, key=ids.index)
        for other in ordered[1:]:
            parent[root(other)] = root(ordered[0])
    members: dict[str, list[str]] = {}
    for q in ids:
        members.setdefault(root(q), []).append(q)
    out = []
    for queue_ids in sorted(members.values(), key=lambda m: ids.index(m[0])):
        inside = [s for s in kinds if s & set(queue_ids)]
        servers = tuple(sum(1 for s in signatures if q in s) for q in queue_ids)
        out.append(
            Pool(
                name="+".join(queue_ids),
                queues=tuple(queue_ids),
                groups=_groups(tuple(queue_ids), inside),
                servers=servers,
            )
        )
    return tuple(out)


def _groups(
    queues: tuple[str, ...], kinds: Sequence[frozenset[str]]
) -> tuple[tuple[str, ...], ...]:
    """Connected closures of the pool's queue sets, smallest first, the pool last."""
    served_by = {q: frozenset(i for i, k in enumerate(kinds) if q in k) for q in queues}
    if len(queues) == 1:
        return (queues,)

    def closure(subset: Iterable[str]) -> tuple[str, ...]:
        who = frozenset().union(*(served_by[q] for q in subset))
        return tuple(q for q in queues if served_by[q] and served_by[q] <= who)

    if len(queues) <= MAX_EXACT_QUEUES:
        seeds: Iterable[Iterable[str]] = (
            s for size in range(1, len(queues) + 1) for s in combinations(queues, size)
        )
    else:
        seeds = [(q,) for q in queues]
    found = {closure(s) for s in seeds}
    found.add(queues)
    kept = [g for g in found if g and _connected(g, served_by)]
    return tuple(sorted(kept, key=lambda g: (len(g), [queues.index(q) for q in g])))


def _connected(group: tuple[str, ...], served_by: dict[str, frozenset[int]]) -> bool:
    seen = {group[0]}
    todo = [group[0]]
    while todo:
        q = todo.pop()
        for other in group:
            if other not in seen and served_by[q] & served_by[other]:
                seen.add(other)
                todo.append(other)
    return len(seen) == len(group)
