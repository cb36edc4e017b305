"""Live routing: offers contacts to agents with the policies of homeshore.routing.

Two moments decide (as in the simulator): a contact becomes ready (it arrives, is put
back, transferred, or its wait crosses a relaxation step) and asks the policy for an
agent; an agent frees capacity and asks the policy for a contact among the lane heads.
An offer reserves the agent until it accepts, rejects or lets the offer time out.
"""

from __future__ import annotations

import datetime as dt

from homeshore.services.live import LiveAgent, LiveContact
from homeshore.services.platform import Platform
from homeshore.services.states import AgentState
from homeshore.services.tx import Tx


def offer(p: Platform, tx: Tx, contact: LiveContact, agent: LiveAgent) -> None:
    p.waiting.remove(contact.id)
    deadline = tx.now + dt.timedelta(seconds=p.settings.offer_timeout_s)
    contact.state = "offered"
    contact.agent_id = agent.id
    contact.offer_deadline = deadline
    contact.offers += 1
    agent.offered.add(contact.id)
    agent.view.in_use[contact.channel] = agent.view.in_use.get(contact.channel, 0) + 1
    p.contact_values(
        tx,
        contact,
        state="offered",
        agent_id=agent.id,
        offered_at=tx.now,
        offer_deadline=deadline,
        offers=contact.offers,
    )
    tx.emit(
        "contact.offered",
        {
            "queue_id": contact.queue_id,
            "channel": contact.channel.value,
            "priority": contact.priority,
            "waited_s": round((tx.now - contact.enqueued_at).total_seconds(), 3),
            "deadline": deadline.isoformat(),
        },
        agent_id=agent.id,
        team_id=agent.team_id,
        queue_id=contact.queue_id,
        contact_id=contact.id,
    )
    if agent.state is AgentState.AVAILABLE:
        p.set_state(tx, agent, AgentState.RESERVED)
    else:
        p.refresh(agent, tx.now)


def route_contact(
    p: Platform, tx: Tx, contact: LiveContact, *, exclude: str | None = None
) -> LiveAgent | None:
    """Offer a ready contact to the agent the policy picks, or keep it waiting."""
    p.waiting.add(contact)
    excluded = p.agents.get(exclude) if exclude else None
    if excluded is not None:
        p.index.remove(excluded.id)
    try:
        view = p.policy.choose_agent(contact.waiting(), p.index, tx.now.timestamp())
    finally:
        if excluded is not None:
            p.refresh(excluded, tx.now)
    if view is None:
        return None
    agent = p.agents[view.id]
    offer(p, tx, contact, agent)
    return agent


def fill_agent(p: Platform, tx: Tx, agent: LiveAgent, *, skip: int | None = None) -> int:
    """Give an agent with free capacity the waiting contacts the policy picks for it."""
    given = 0
    now_s = tx.now.timestamp()
    while p.routable(agent, tx.now) and len(p.waiting):
        heads = [
            p.contacts[cid].waiting()
            for cid in p.waiting.head_ids()
            if cid != skip and cid in p.contacts
        ]
        choice = p.policy.choose_contact(agent.view, heads, now_s)
        if choice is None:
            break
        offer(p, tx, p.contacts[int(choice.id)], agent)
        given += 1
    return given


def route_waiting(p: Platform, tx: Tx) -> int:
    """Re-ask the policy for every lane head (waits crossed a relaxation step, an agent's
    schedule began). Stops at the first head that finds no agent in each lane."""
    given = 0
    now_s = tx.now.timestamp()
    progress = True
    while progress and len(p.waiting) and len(p.index):
        progress = False
        for cid in p.waiting.head_ids():
            contact = p.contacts[cid]
            view = p.policy.choose_agent(contact.waiting(), p.index, now_s)
            if view is not None:
                offer(p, tx, contact, p.agents[view.id])
                given += 1
                progress = True
    return given
