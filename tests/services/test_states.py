"""The agent state table: every state has a way out and can be reached; no dead end."""

from __future__ import annotations

from homeshore.services.states import ROUTABLE, SELF_SERVICE, TRANSITIONS, AgentState, allowed


def test_every_state_is_in_the_table_with_a_way_out() -> None:
    assert set(TRANSITIONS) == set(AgentState)
    for state, exits in TRANSITIONS.items():
        assert exits, f"{state} has no way out"
        assert state not in exits
        assert all(reason for reason in exits.values())


def _reachable(start: AgentState) -> set[AgentState]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_every_state_is_reachable_from_offline_and_leads_back_to_it() -> None:
    assert _reachable(AgentState.OFFLINE) == set(AgentState)
    for state in AgentState:
        assert AgentState.OFFLINE in _reachable(state), f"{state} cannot get back to offline"
        assert AgentState.AVAILABLE in _reachable(state), f"{state} cannot get back to work"


def test_stuck_prone_states_have_a_forced_exit() -> None:
    # freeswitch#2540: reserved and busy must leave without the agent's help
    assert AgentState.BREAK in TRANSITIONS[AgentState.RESERVED]  # offer timeout
    for state in (AgentState.RESERVED, AgentState.BUSY, AgentState.WRAP_UP, AgentState.AVAILABLE):
        assert AgentState.DISCONNECTED in TRANSITIONS[state]  # connection drop
    assert AgentState.OFFLINE in TRANSITIONS[AgentState.BUSY]  # supervisor log-off
    assert AgentState.OFFLINE in TRANSITIONS[AgentState.DISCONNECTED]


def test_allowed_and_sets() -> None:
    assert allowed(AgentState.BUSY, AgentState.BUSY)
    assert not allowed(AgentState.OFFLINE, AgentState.BUSY)
    assert not allowed(AgentState.BREAK, AgentState.RESERVED)
    assert AgentState.RESERVED not in SELF_SERVICE
    assert {AgentState.AVAILABLE, AgentState.RESERVED, AgentState.BUSY} >= ROUTABLE
