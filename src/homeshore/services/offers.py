"""Offers of extra time or time off during the day: sent to the advisors the rules allow
(home volunteers first), first come first served until the deadline; an accepted offer
changes the advisor's schedule (:mod:`homeshore.services.schedule_changes`). An offer is
pushed only to an advisor in contact time (the right to disconnect,
:func:`homeshore.services.events.may_push`); the others see it when they open their desk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from homeshore.db.tables import OfferRecipientRow, OfferRow
from homeshore.domain import Scenario, Schedule, WorkMode
from homeshore.intraday import (
    Candidate,
    Slot,
    add_work,
    extra_time_candidates,
    remove_work,
    time_off_candidates,
    violations_added,
)
from homeshore.services.errors import Conflict, Invalid, NotFound
from homeshore.services.platform import Platform
from homeshore.services.schedule_changes import (
    KINDS,
    apply_change,
    day_bounds,
    live_scenario,
    stored_schedule,
)
from homeshore.services.scope import Actor, Role
from homeshore.services.tx import Tx

#: who posts the offers the platform makes by itself
SYSTEM = "intraday"
OPEN = "open"


@dataclass(frozen=True, slots=True)
class Reply:
    """An advisor's reply as stored: accepted, declined, too_late or refused (with why)."""

    offer_id: int
    reply: str
    detail: dict[str, Any]


def post(
    p: Platform,
    actor: Actor | None,
    slot: Slot,
    candidates: Sequence[Candidate],
    *,
    reply_min: int | None = None,
) -> int:
    """Send an offer to its candidates; returns its id. The deadline is
    ``intraday_reply_min`` ahead, and never after the slot starts."""
    if slot.kind not in KINDS:
        raise Invalid(f"unknown kind of offer {slot.kind!r}: extra or time_off", field="kind")
    if not candidates:
        raise Conflict("nobody can take this offer under the rules")
    with p.transaction() as tx:
        minutes = reply_min if reply_min is not None else p.settings.intraday_reply_min
        deadline = min(tx.now + dt.timedelta(minutes=minutes), slot.start)
        if deadline <= tx.now:
            raise Conflict("this slot starts now or has started: it cannot be offered")
        offer = OfferRow(
            kind=slot.kind,
            queue_id=slot.queue,
            start=slot.start,
            end=slot.end,
            places=slot.places,
            taken=0,
            state=OPEN,
            created_at=tx.now,
            deadline=deadline,
            created_by=actor.username if actor is not None else SYSTEM,
            detail={"candidates": len(candidates)},
        )
        tx.session.add(offer)
        tx.session.flush()
        tx.session.add_all(
            OfferRecipientRow(
                offer_id=offer.id, agent_id=c.agent_id, location=c.location.value, site=c.site
            )
            for c in candidates
        )
        data = _offer_data(p, offer)
        for c in candidates:
            agent = p.agents.get(c.agent_id)
            tx.emit(
                "intraday.offer",
                data | {"location": c.location.value},
                agent_id=c.agent_id,
                team_id=agent.team_id if agent else None,
                queue_id=slot.queue,
            )
        tx.emit(
            "intraday.offer.posted",
            data | {"recipients": len(candidates)},
            queue_id=slot.queue,
            actor_user_id=actor.user_id if actor else None,
        )
        return offer.id


def _offer_data(p: Platform, offer: OfferRow) -> dict[str, Any]:
    """An offer as the API and the events show it (times in the centre's timezone)."""
    return {
        "offer_id": offer.id,
        "kind": offer.kind,
        "queue_id": offer.queue_id,
        "start": offer.start.astimezone(p.zone).isoformat(),
        "end": offer.end.astimezone(p.zone).isoformat(),
        "places": offer.places,
        "taken": offer.taken,
        "deadline": offer.deadline.astimezone(p.zone).isoformat(),
    }


def post_by_hand(
    p: Platform,
    actor: Actor,
    *,
    kind: str,
    queue_id: str,
    start: dt.datetime,
    end: dt.datetime,
    places: int,
    reply_min: int | None = None,
) -> int:
    """A planner (all advisors) or a manager (their teams') posts an offer: the rules pick
    who may take it, home volunteers first."""
    actor.require(Role.ADMIN, Role.SUPERVISOR)
    if queue_id not in p.queues:
        raise Invalid(f"no queue {queue_id!r}", field="queue_id")
    if end <= start:
        raise Invalid("the slot ends before it starts", field="end")
    if places < 1:
        raise Invalid("at least one place", field="places")
    if kind not in KINDS:
        raise Invalid(f"unknown kind of offer {kind!r}: extra or time_off", field="kind")
    slot = Slot(queue=queue_id, start=start, end=end, places=places, kind=kind)
    find = extra_time_candidates if kind == "extra" else time_off_candidates
    with p.sessions() as session:
        schedule = stored_schedule(session)
    scenario = live_scenario(p)
    candidates = [
        c
        for c in find(slot, schedule, scenario)
        if actor.sees_team(p.agents[c.agent_id].team_id if c.agent_id in p.agents else None)
    ]
    return post(p, actor, slot, candidates, reply_min=reply_min)


def offers_for(p: Platform, actor: Actor, *, include_closed: bool = False) -> list[dict[str, Any]]:
    """An advisor: the open offers sent to them. A manager or planner: today's offers with
    the replies of the advisors they see."""
    now = p.clock.now()
    o, r = OfferRow, OfferRecipientRow
    start, _ = day_bounds(p, now)
    with p.sessions() as session:
        if actor.role is Role.AGENT:
            rows = session.execute(
                select(o, r)
                .join(r, r.offer_id == o.id)
                .where(r.agent_id == actor.agent_id, o.state == OPEN, o.deadline > now)
                .order_by(o.start)
            ).all()
            return [
                _offer_data(p, offer) | {"location": rec.location, "reply": rec.reply}
                for offer, rec in rows
            ]
        query = select(o).where(o.created_at >= start).order_by(o.id)
        if not include_closed:
            query = query.where(o.state == OPEN)
        offers = list(session.scalars(query))
        replies: dict[int, list[dict[str, Any]]] = {}
        if offers:
            for rec in session.scalars(select(r).where(r.offer_id.in_([x.id for x in offers]))):
                agent = p.agents.get(rec.agent_id)
                if not actor.sees_agent(rec.agent_id, agent.team_id if agent else None):
                    continue
                replies.setdefault(rec.offer_id, []).append(
                    {
                        "agent_id": rec.agent_id,
                        "location": rec.location,
                        "reply": rec.reply,
                        "replied_at": rec.replied_at.isoformat() if rec.replied_at else None,
                    }
                )
        return [
            _offer_data(p, x)
            | {"state": x.state, "created_by": x.created_by}
            | {"recipients": replies.get(x.id, [])}
            for x in offers
        ]


def reply(p: Platform, actor: Actor, offer_id: int, *, accept: bool) -> Reply:
    """An advisor's answer. Accepting checks the rules again on the schedule as it is now
    (nothing the audit would reject is ever given) and takes a place if one is left: two
    advisors for the last place, one gets it. The reply is stored whatever it is."""
    actor.require(Role.AGENT)
    agent_id = actor.agent_id or ""
    with p.transaction() as tx:
        offer = tx.session.get(OfferRow, offer_id)
        rec = tx.session.get(OfferRecipientRow, (offer_id, agent_id))
        if offer is None or rec is None:
            raise NotFound(f"no offer {offer_id} for you")
        if rec.reply is not None:
            raise Conflict(f"you replied to offer {offer_id} already ({rec.reply})")
        rec.replied_at = tx.now
        if not accept:
            rec.reply = "declined"
            return Reply(offer_id, "declined", {})
        if offer.state != OPEN or tx.now >= offer.deadline:
            rec.reply, rec.detail = "too_late", {"state": offer.state}
            return Reply(offer_id, "too_late", {"state": offer.state})
        slot = Slot(offer.queue_id, offer.start, offer.end, offer.places, offer.kind)
        location = WorkMode(rec.location)
        problems = apply_change(p, tx, actor, agent_id, slot, location, rec.site, offer_id=offer.id)
        if problems:
            rec.reply, rec.detail = "refused", {"rules": problems}
            return Reply(offer_id, "refused", {"rules": problems})
        taken = tx.session.execute(
            update(OfferRow)
            .where(OfferRow.id == offer.id, OfferRow.taken < OfferRow.places)
            .values(taken=OfferRow.taken + 1)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise LastPlaceGone(offer_id)
        tx.session.refresh(offer)
        rec.reply = "accepted"
        if offer.taken >= offer.places:
            offer.state = "filled"
            _closed(p, tx, offer, exclude=agent_id)
        live = p.agents.get(agent_id)
        tx.emit(
            "intraday.offer.taken",
            _offer_data(p, offer) | {"agent_id": agent_id, "location": location.value},
            agent_id=agent_id,
            team_id=live.team_id if live else None,
            queue_id=offer.queue_id,
            actor_user_id=actor.user_id,
        )
        return Reply(offer_id, "accepted", {"start": offer.start.isoformat()})


class LastPlaceGone(Conflict):
    def __init__(self, offer_id: int) -> None:
        super().__init__(f"offer {offer_id} has no place left")


def reply_too_late(p: Platform, actor: Actor, offer_id: int) -> Reply:
    """Store the reply of an advisor who came after the last place went (the accepting
    transaction was rolled back with the schedule change it had made)."""
    with p.transaction() as tx:
        rec = tx.session.get(OfferRecipientRow, (offer_id, actor.agent_id or ""))
        if rec is not None and rec.reply is None:
            rec.reply, rec.replied_at, rec.detail = "too_late", tx.now, {"state": "filled"}
    return Reply(offer_id, "too_late", {"state": "filled"})


def _closed(p: Platform, tx: Tx, offer: OfferRow, *, exclude: str | None = None) -> None:
    """Tell the advisors who had not replied that the offer is closed (filled or expired)."""
    for rec in tx.session.scalars(
        select(OfferRecipientRow).where(
            OfferRecipientRow.offer_id == offer.id, OfferRecipientRow.reply.is_(None)
        )
    ):
        if rec.agent_id == exclude:
            continue
        agent = p.agents.get(rec.agent_id)
        tx.emit(
            "intraday.offer.closed",
            _offer_data(p, offer) | {"state": offer.state},
            agent_id=rec.agent_id,
            team_id=agent.team_id if agent else None,
            queue_id=offer.queue_id,
        )


def expire(p: Platform) -> int:
    """Close the open offers whose deadline has passed; returns how many."""
    now = p.clock.now()
    with p.sessions() as session:
        due = session.scalar(
            select(OfferRow.id).where(OfferRow.state == OPEN, OfferRow.deadline <= now).limit(1)
        )
    if due is None:
        return 0
    with p.transaction() as tx:
        offers = list(
            tx.session.scalars(
                select(OfferRow).where(OfferRow.state == OPEN, OfferRow.deadline <= tx.now)
            )
        )
        for offer in offers:
            offer.state = "expired"
            _closed(p, tx, offer)
            tx.emit("intraday.offer.expired", _offer_data(p, offer), queue_id=offer.queue_id)
        return len(offers)


@dataclass(frozen=True, slots=True)
class HandChange:
    """A change by hand: applied at once (outside the notice period), or sent to the advisor
    as an offer to accept (inside it: the change needs the advisor's consent)."""

    applied: bool
    offer_id: int | None = None


def change_by_hand(
    p: Platform,
    actor: Actor,
    *,
    agent_id: str,
    kind: str,
    queue_id: str,
    start: dt.datetime,
    end: dt.datetime,
    location: WorkMode | None = None,
    reply_min: int | None = None,
) -> HandChange:
    """A planner (any advisor) or a manager (their teams') changes an advisor's day: extra
    work, or time off (an advisor sent home), under the rules the offers follow (Conflict
    naming the rules it would break). A change starting within the scenario's
    ``change_notice_days`` needs the advisor's consent: it is sent to the advisor as an
    offer with one place; a later one is applied at once."""
    actor.require(Role.ADMIN, Role.SUPERVISOR)
    agent = p.agents.get(agent_id)
    if agent is None or not actor.sees_agent(agent_id, agent.team_id):
        raise NotFound(f"no advisor {agent_id} in your teams")
    if queue_id not in p.queues:
        raise Invalid(f"no queue {queue_id!r}", field="queue_id")
    if end <= start:
        raise Invalid("the change ends before it starts", field="end")
    if kind not in KINDS:
        raise Invalid(f"unknown change {kind!r}: extra or time_off", field="kind")
    if start <= p.clock.now():
        raise Invalid("a change starts in the future", field="start")
    slot = Slot(queue_id, start, end, 1, kind)
    scenario = live_scenario(p)
    with p.sessions() as session:
        schedule = stored_schedule(session)
    where, site = _place(scenario, schedule, slot, agent_id, location)
    notice = dt.timedelta(days=p.scenario.rules.change_notice_days)
    if start < p.clock.now() + notice:
        after = (
            add_work(schedule, agent_id, slot, where, site)
            if kind == "extra"
            else remove_work(schedule, agent_id, slot)
        )
        problems = violations_added(schedule, after, scenario, agent_id, when=start)
        if problems:
            raise Conflict(broken([{"rule": v.rule, "detail": v.detail} for v in problems]))
        candidate = Candidate(agent_id, where, site, 0.0)
        return HandChange(False, post(p, actor, slot, [candidate], reply_min=reply_min))
    with p.transaction() as tx:
        found = apply_change(p, tx, actor, agent_id, slot, where, site)
        if found:
            raise Conflict(broken(found))
    return HandChange(True)


def broken(problems: Sequence[dict[str, str]]) -> str:
    return "the change breaks " + "; ".join(f"{x['rule']} ({x['detail']})" for x in problems)


def _place(
    scenario: Scenario,
    schedule: Schedule,
    slot: Slot,
    agent_id: str,
    location: WorkMode | None,
) -> tuple[WorkMode, str | None]:
    """Where the advisor would work the change: as asked, else where the rules place a
    candidate (the shift it extends, else home first), else the advisor's site."""
    agent = next(a for a in scenario.agents if a.id == agent_id)
    if location is not None:
        return location, None if location is WorkMode.HOME else scenario.agent_site(agent)
    find = extra_time_candidates if slot.kind == "extra" else time_off_candidates
    for c in find(slot, schedule, scenario):
        if c.agent_id == agent_id:
            return c.location, c.site
    away = sorted(m for m in agent.work_modes if m is not WorkMode.HOME)
    if away:
        return away[0], scenario.agent_site(agent)
    return WorkMode.HOME, None


__all__ = [
    "OPEN",
    "SYSTEM",
    "HandChange",
    "LastPlaceGone",
    "Reply",
    "change_by_hand",
    "expire",
    "offers_for",
    "post",
    "post_by_hand",
    "reply",
    "reply_too_late",
]
