"""Readiness checks of home workstations: judged with the E-model, stored per agent.

Only what the server measured itself can let an advisor work from home
(:func:`record_probe`: the probe run the server timed on its websocket). Figures a client
reports (its own round trips, the browser's WebRTC statistics, or the raw samples of
:func:`record_reported`) are stored and shown as reported, and can only make a verdict
worse, never better.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from sqlalchemy import select

from homeshore.db.tables import ReadinessCheckRow
from homeshore.readiness.emodel import NetworkSample, ReadinessResult, verdict
from homeshore.readiness.probe import ProbeSummary
from homeshore.readiness.probe_server import ProbeRuns
from homeshore.readiness.setup import SetUp
from homeshore.services import audit
from homeshore.services.agents import agent_for, set_readiness
from homeshore.services.audit import Origin
from homeshore.services.errors import Invalid, NotFound
from homeshore.services.live import LiveAgent
from homeshore.services.platform import Platform
from homeshore.services.scope import Actor, Role
from homeshore.services.tx import Tx

#: a check the server measured (a client's reported figures may have made it worse)
MEASURED: Final = "measured"
#: a check made only of figures a client reported: it never lets an advisor work from home
REPORTED: Final = "reported"
#: the probes of one server-measured sample (about a second at the clients' pace)
PROBES_PER_SAMPLE: Final = 10
#: how bad each readiness is, for "the worse of two"
_BADNESS: Final = {"pass": 0, "warn": 1, "unknown": 2, "fail": 3}


@dataclass(frozen=True, slots=True)
class ProbeCheck:
    """A stored probe check: the row, the server's figures, the client's, and which of the
    two the verdict rests on."""

    row: ReadinessCheckRow
    measured: ProbeSummary
    reported: ProbeSummary | None
    judged_on: Literal["measured", "reported"]


def _sample_dicts(samples: tuple[NetworkSample, ...] | list[NetworkSample]) -> list[Any]:
    return [{"rtt_ms": s.rtt_ms, "jitter_ms": s.jitter_ms, "loss_pct": s.loss_pct} for s in samples]


def _set_up(
    wired: bool | None, usb_headset: bool | None, access: str | None, vpn: bool | None
) -> SetUp:
    try:
        return SetUp(wired=wired, usb_headset=usb_headset, access=access, vpn=vpn)
    except ValueError as exc:
        raise Invalid(str(exc), field="access") from exc


def _judge(
    p: Platform,
    samples: tuple[NetworkSample, ...] | list[NetworkSample],
    bandwidth_kbps: float | None,
    setup: SetUp,
    quiet_room: bool | None,
) -> ReadinessResult:
    return verdict(
        samples,
        bandwidth_kbps=bandwidth_kbps,
        wired=setup.wired,
        usb_headset=setup.usb_headset,
        thresholds=p.thresholds,
        quiet_room=quiet_room,
    )


def _worse(a: ReadinessResult, b: ReadinessResult) -> bool:
    """Is ``b`` worse than ``a``: a worse verdict, or the same with a lower R factor."""
    return (_BADNESS[b.verdict.value], -b.r_factor) > (_BADNESS[a.verdict.value], -a.r_factor)


def _lowest(*values: float | None) -> float | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None


def record_probe(
    p: Platform,
    actor: Actor,
    runs: ProbeRuns,
    probe_id: str,
    *,
    now_s: float,
    reported: ProbeSummary | None,
    path: str,
    wired: bool | None,
    usb_headset: bool | None,
    quiet_room: bool | None,
    access: str | None = None,
    vpn: bool | None = None,
    origin: Origin | None = None,
) -> ProbeCheck:
    """Judge the probe run the server measured under ``probe_id`` (taken: once) for the
    calling agent, and the figures its client reported; store the worse of the two and make
    it the agent's readiness. ``now_s`` is the runs' clock."""
    actor.require(Role.AGENT)
    assert actor.agent_id is not None
    agent = agent_for(p, actor, actor.agent_id)
    setup = _set_up(wired, usb_headset, access, vpn)
    run = runs.take(actor.user_id, probe_id, now_s)
    if run is None:
        raise NotFound(
            "no probe run of yours has this id (used already, older than "
            f"{runs.keep_s / 60:g} minutes, or never started): run the check again",
            field="probe_id",
        )
    try:
        measured = run.measurement(probes_per_sample=PROBES_PER_SAMPLE)
    except ValueError as exc:
        raise Invalid(str(exc), field="probe_id") from exc
    bandwidth = _lowest(measured.bandwidth_kbps, reported.bandwidth_kbps if reported else None)
    result = _judge(p, measured.samples, bandwidth, setup, quiet_room)
    judged_on: Literal["measured", "reported"] = "measured"
    if reported is not None and reported.samples:
        theirs = _judge(p, reported.samples, bandwidth, setup, quiet_room)
        if _worse(result, theirs):
            result, judged_on = theirs, "reported"
    figures = None
    if reported is not None:
        figures = {**reported.to_dict(), "judged_on_it": judged_on == "reported"}
    with p.transaction() as tx:
        row = _stored(tx, agent, result, measured.samples, path, setup, MEASURED, figures)
        agent.readiness_at = tx.now
        agent.setup = setup.key
        agent.bad_calls = 0
        if agent.readiness_due:
            agent.readiness_due = ""
            p.agent_values(tx, agent, readiness_due=None)
        set_readiness(p, tx, agent, result.verdict.value)
        _announce(tx, actor, agent, row, origin)
    return ProbeCheck(row, measured, reported, judged_on)


def record_reported(
    p: Platform,
    actor: Actor,
    *,
    samples: list[NetworkSample],
    bandwidth_kbps: float | None,
    wired: bool | None,
    usb_headset: bool | None,
    quiet_room: bool | None = None,
    access: str | None = None,
    vpn: bool | None = None,
    origin: Origin | None = None,
) -> ReadinessCheckRow:
    """Samples an agent's own software reported: judged and stored as reported. They never
    let the agent work from home: the agent's readiness only changes when this verdict is
    worse (a reported fail takes a home agent off the line); the date and set-up of the last
    measured check stay."""
    actor.require(Role.AGENT)
    assert actor.agent_id is not None
    agent = agent_for(p, actor, actor.agent_id)
    if not samples:
        raise Invalid("send at least one network sample", field="samples")
    setup = _set_up(wired, usb_headset, access, vpn)
    result = _judge(p, samples, bandwidth_kbps, setup, quiet_room)
    with p.transaction() as tx:
        row = _stored(tx, agent, result, samples, None, setup, REPORTED, None)
        if _BADNESS[result.verdict.value] > _BADNESS.get(agent.readiness, 0):
            set_readiness(p, tx, agent, result.verdict.value)
        _announce(tx, actor, agent, row, origin)
        return row


def _stored(
    tx: Tx,
    agent: LiveAgent,
    result: ReadinessResult,
    samples: tuple[NetworkSample, ...] | list[NetworkSample],
    path: str | None,
    setup: SetUp,
    source: str,
    reported: dict[str, Any] | None,
) -> ReadinessCheckRow:
    row = ReadinessCheckRow(
        agent_id=agent.id,
        at=tx.now,
        verdict=result.verdict.value,
        r_factor=round(result.r_factor, 3),
        mos=round(result.mos, 3),
        reasons=list(result.reasons),
        samples=_sample_dicts(samples),
        path=path,
        setup=setup.to_dict(),
        source=source,
        reported=reported,
    )
    tx.session.add(row)
    tx.session.flush()
    return row


def _announce(
    tx: Tx, actor: Actor, agent: LiveAgent, row: ReadinessCheckRow, origin: Origin | None
) -> None:
    """The verdict as an event (the desk, the manager's console) and in the audit trail."""
    tx.emit(
        "readiness.result",
        {
            "verdict": row.verdict,
            "r_factor": row.r_factor,
            "mos": row.mos,
            "reasons": row.reasons,
            "path": row.path,
            "source": row.source,
            "readiness": agent.readiness,  # the agent's, after this check
        },
        agent_id=agent.id,
        team_id=agent.team_id,
        actor_user_id=actor.user_id,
    )
    audit.record(
        tx,
        "readiness.verdict",
        actor=actor,
        origin=origin,
        subject_user_id=actor.user_id,
        subject_agent_id=agent.id,
        detail={
            "check_id": row.id,
            "verdict": row.verdict,
            "source": row.source,
            "readiness": agent.readiness,
        },
    )


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
