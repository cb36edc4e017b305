"""Readiness checks of home workstations: judged with the E-model, stored per agent."""

from __future__ import annotations

from sqlalchemy import select

from homeshore.db.tables import ReadinessCheckRow
from homeshore.readiness.emodel import NetworkSample, verdict
from homeshore.readiness.setup import SetUp
from homeshore.services.agents import agent_for, set_readiness
from homeshore.services.errors import Invalid
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role


def record_check(
    p: Platform,
    actor: Actor,
    *,
    samples: list[NetworkSample],
    bandwidth_kbps: float | None,
    wired: bool | None,
    usb_headset: bool | None,
    quiet_room: bool | None = None,
    path: str = "websocket",
    access: str | None = None,
    vpn: bool | None = None,
) -> ReadinessCheckRow:
    """An agent's desktop measured its connection: store the verdict, update the agent."""
    actor.require(Role.AGENT)
    assert actor.agent_id is not None
    agent = agent_for(p, actor, actor.agent_id)
    if not samples:
        raise Invalid("send at least one network sample", field="samples")
    try:
        setup = SetUp(wired=wired, usb_headset=usb_headset, access=access, vpn=vpn)
    except ValueError as exc:
        raise Invalid(str(exc), field="access") from exc
    result = verdict(
        samples,
        bandwidth_kbps=bandwidth_kbps,
        wired=wired,
        usb_headset=usb_headset,
        thresholds=p.thresholds,
        quiet_room=quiet_room,
    )
    with p.transaction() as tx:
        row = ReadinessCheckRow(
            agent_id=agent.id,
            at=tx.now,
            verdict=result.verdict.value,
            r_factor=round(result.r_factor, 3),
            mos=round(result.mos, 3),
            reasons=list(result.reasons),
            samples=[
                {"rtt_ms": s.rtt_ms, "jitter_ms": s.jitter_ms, "loss_pct": s.loss_pct}
                for s in samples
            ],
            path=path,
            setup=setup.to_dict(),
        )
        tx.session.add(row)
        tx.session.flush()
        tx.emit(
            "readiness.result",
            {
                "verdict": row.verdict,
                "r_factor": row.r_factor,
                "mos": row.mos,
                "reasons": row.reasons,
                "path": path,
            },
            agent_id=agent.id,
            team_id=agent.team_id,
            actor_user_id=actor.user_id,
        )
        agent.readiness_at = tx.now
        agent.setup = setup.key
        agent.bad_calls = 0
        if agent.readiness_due:
            agent.readiness_due = ""
            p.agent_values(tx, agent, readiness_due=None)
        set_readiness(p, tx, agent, result.verdict.value)
        return row


def checks(p: Platform, actor: Actor, agent_id: str) -> list[ReadinessCheckRow]:
    agent_for(p, actor, agent_id)
    with p.sessions() as session:
        return list(
            session.scalars(
                select(ReadinessCheckRow)
                .where(ReadinessCheckRow.agent_id == agent_id)
                .order_by(ReadinessCheckRow.id.desc())
                .limit(50)
            )
        )
