from __future__ import annotations

import pytest

from homeshore.data.scenario_file import load_scenario
from homeshore.staffing.pools import MAX_EXACT_QUEUES, pools_of, skill_pools
from tests.conftest import ROOT
from tests.scheduling.tiny import agent, scenario


def test_the_bank_is_one_pool_with_its_skill_groups() -> None:
    (pool,) = skill_pools(load_scenario(ROOT / "examples" / "anonymous_bank.yaml"))
    assert pool.queues == ("PS", "PE", "IN", "NE", "NW", "TT")
    # PE: only the English-speaking advisors; IN and NE: the same markets advisors; TT:
    # sales and evening advisors, who also serve NW (whose other advisors do not serve TT)
    assert pool.groups == (("PE",), ("TT",), ("IN", "NE"), ("NW", "TT"), pool.queues)
    assert pool.agents_for("PS") == 35 and pool.agents_for("PE") == 4


def test_the_telecom_pool_links_chat_and_voice() -> None:
    (pool,) = skill_pools(load_scenario(ROOT / "examples" / "telecom_fr.yaml"))
    assert pool.groups == (("technical",), ("legal_notices",), pool.queues)


def test_queues_without_shared_advisors_are_pools_of_their_own() -> None:
    sc = scenario(
        [agent("a", skills=("q1",)), agent("b", skills=("q2", "q3"))],
        queues=("q1", "q2", "q3", "q4"),
    )
    pools = skill_pools(sc)
    assert [p.queues for p in pools] == [("q1",), ("q2", "q3"), ("q4",)]
    assert [p.single for p in pools] == [True, False, True]
    # q4: nobody serves it, a pool of its own with its own group
    assert pools[2].groups == (("q4",),) and pools[2].servers == (0,)
    # q2 and q3 are served by the same advisor: one group, the pool
    assert pools[1].groups == (("q2", "q3"),)


def test_a_chain_of_skills_gives_nested_and_overlapping_groups() -> None:
    agents = [agent("x", skills=("q1", "q2")), agent("y", skills=("q2", "q3"))]
    sc = scenario([*agents, agent("z", skills=("q3", "q4"))], queues=("q1", "q2", "q3", "q4"))
    (pool,) = skill_pools(sc)
    # q1 only x, q4 only z; q2: x and y, who serve q1 too; q3: y and z, who serve q4 too
    assert ("q1",) in pool.groups and ("q4",) in pool.groups
    assert ("q1", "q2") in pool.groups and ("q3", "q4") in pool.groups
    assert pool.groups[-1] == ("q1", "q2", "q3", "q4")
    # a group never splits into parts served by different advisors
    assert ("q1", "q4") not in pool.groups


@pytest.mark.parametrize("n", [MAX_EXACT_QUEUES + 2])
def test_large_pools_keep_each_queue_group_and_the_pool(n: int) -> None:
    queues = tuple(f"q{i}" for i in range(n))
    agents = [agent(f"a{i}", skills=(queues[i], queues[i + 1])) for i in range(n - 1)]
    sc = scenario(agents, queues=queues)
    (pool,) = pools_of(sc.queues, sc.agents)
    assert pool.groups[-1] == queues
    assert (queues[0],) in pool.groups and (queues[-1],) in pool.groups
    assert len(pool.groups) <= n + 1
