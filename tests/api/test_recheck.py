"""Waiting contacts are offered again when their wait crosses a routing step (bullseye
relaxation, overflow), through the real app with the manual clock."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from homeshore.domain import Channel, RoutingPolicyName, RoutingSettings, Scenario
from homeshore.domain.agent import AgentSkill
from tests.services.support import Live, live_app, mini_scenario, next_event


def bullseye_scenario() -> Scenario:
    """Queue plans under bullseye: proficiency 4 first, 3 after 30 s, any after 90 s."""
    base = mini_scenario()
    routing = RoutingSettings(
        policy=RoutingPolicyName.BULLSEYE,
        initial_min_proficiency=4,
        relaxed_min_proficiency=3,
        relax_after_s=30.0,
        any_skill_after_s=90.0,
    )
    queues = tuple(
        dataclasses.replace(q, routing=routing) if q.id == "plans" else q for q in base.queues
    )
    return dataclasses.replace(base, queues=queues)


def overflow_scenario() -> Scenario:
    """Queue plans overflows after 45 s to a voice queue 'retention' that only b2 serves."""
    base = mini_scenario()
    plans = next(q for q in base.queues if q.id == "plans")
    retention = dataclasses.replace(plans, id="retention", name="Retention", skill="retention")
    routing = dataclasses.replace(plans.routing, overflow_queue="retention", overflow_after_s=45.0)
    queues = [
        dataclasses.replace(q, routing=routing) if q.id == "plans" else q for q in base.queues
    ]
    queues.append(retention)
    agents = tuple(
        dataclasses.replace(a, skills=(AgentSkill("retention", 4),)) if a.id == "b2" else a
        for a in base.agents
    )
    return dataclasses.replace(base, queues=tuple(queues), agents=agents)


@pytest.fixture
def bullseye(db_url: str) -> Iterator[Live]:
    with live_app(db_url, scenario=bullseye_scenario()) as running:
        yield running


@pytest.fixture
def overflow(db_url: str) -> Iterator[Live]:
    with live_app(db_url, scenario=overflow_scenario()) as running:
        yield running


def test_bullseye_contact_reaches_idle_proficiency_3_agent_after_relax(bullseye: Live) -> None:
    live = bullseye
    assert live.platform.queues["plans"].channel is Channel.VOICE
    with live.ws("a2") as ws:  # a2 holds plans at proficiency 3
        assert live.go("a2", "available").json()["state"] == "available"
        contact = live.new_contact("plans")
        assert contact["state"] == "queued"
        live.tick(29.9)
        assert live.get("admin", f"/api/contacts/{contact['id']}").json()["state"] == "queued"
        assert live.get("a2", "/api/agents/a2").json()["state"] == "available"
        live.tick(0.1)  # the wait reaches relax_after_s: the recheck timer fires
        now = live.get("admin", f"/api/contacts/{contact['id']}").json()
        assert now["state"] == "offered"
        assert now["agent_id"] == "a2"
        offered = next_event(ws, "contact.offered")
        assert offered["contact_id"] == contact["id"]
        assert offered["data"]["waited_s"] == pytest.approx(30.0)


def test_bullseye_proficiency_4_agent_takes_it_at_once(bullseye: Live) -> None:
    live = bullseye
    with live.ws("a1"), live.ws("a2"):
        live.go("a2", "available")
        live.go("a1", "available")
        contact = live.new_contact("plans")
        assert contact["state"] == "offered"
        assert contact["agent_id"] == "a1"


def test_overflow_contact_reaches_overflow_queue_agent(overflow: Live) -> None:
    live = overflow
    with live.ws("b2") as ws:  # b2 serves retention only
        assert live.go("b2", "available").json()["state"] == "available"
        contact = live.new_contact("plans")
        assert contact["state"] == "queued"
        live.tick(44.5)
        assert live.get("admin", f"/api/contacts/{contact['id']}").json()["state"] == "queued"
        live.tick(0.5)  # overflow_after_s reached
        now = live.get("admin", f"/api/contacts/{contact['id']}").json()
        assert now["state"] == "offered"
        assert now["agent_id"] == "b2"
        assert next_event(ws, "contact.offered")["contact_id"] == contact["id"]


def test_no_recheck_without_due_timer(bullseye: Live) -> None:
    """Between the steps the tick does not ask the policy (nothing it could change)."""
    live = bullseye
    with live.ws("a2"):
        live.go("a2", "available")
        live.new_contact("plans")
        line = live.platform.waiting
        due = line.next_due_s()
        assert due is not None
        assert due == pytest.approx(live.clock.now().timestamp() + 30.0)
        assert not line.pop_due(live.clock.now().timestamp() + 29.0)
        assert line.pop_due(live.clock.now().timestamp() + 30.0)
