"""The day itself: the rest of the day re-forecast from the arrivals so far, the staffing
gap per queue and interval, and offers of extra time (home volunteers first) or of time
off, checked by the rule functions the roster and the audit use (:mod:`homeshore.intraday`).

Every ``intraday_every_s`` the tick takes a snapshot (the advisors logged in and their
readiness, from memory, on the event loop) and computes the rest off the loop: the day's
forecast and arrivals and the published schedule are read from the database in a worker
thread, where the re-forecast, the gap and the candidates of each slot are computed.
Offers (:mod:`homeshore.services.offers`) and the schedule changes they make
(:mod:`homeshore.services.schedule_changes`) are use cases like the others.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from homeshore.db.tables import ContactRow, ForecastIntervalRow, OfferRecipientRow, OfferRow
from homeshore.domain import Activity, Scenario
from homeshore.domain.tables import FORECAST_COLUMNS
from homeshore.errors import InputError
from homeshore.intraday import (
    Candidate,
    Reforecast,
    Slot,
    extra_time_candidates,
    extra_time_slots,
    reforecast_day,
    staffing_gap,
    time_off_candidates,
    time_off_slots,
)
from homeshore.services.offers import OPEN, expire, post
from homeshore.services.platform import Platform
from homeshore.services.schedule_changes import day_bounds, live_scenario, stored_schedule
from homeshore.services.states import ROUTABLE

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the computation needs, taken on the event loop (memory) or read after it."""

    now: dt.datetime
    day_start: dt.datetime
    day_end: dt.datetime
    scenario: Scenario  # advisors' readiness as the platform knows it now
    logged_in: dict[str, int]  # queue -> advisors logged in and taking contacts


@dataclass(frozen=True, slots=True)
class Proposal:
    slot: Slot
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class View:
    """The last computation: re-forecast, gap and the slots worth offering, with whom."""

    at: dt.datetime
    reforecast: Reforecast
    gap: pd.DataFrame  # homeshore.intraday.GAP_COLUMNS
    proposals: tuple[Proposal, ...]


def import_forecast(session: Session, scenario: Scenario, frame: pd.DataFrame) -> int:
    """Store a forecast (FORECAST_COLUMNS): the rows of its queues and days replace the
    stored ones of the same queues and days. Queues must be the scenario's."""
    missing = [c for c in FORECAST_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"the forecast lacks the columns {', '.join(missing)}")
    known = {q.id for q in scenario.queues}
    unknown = sorted(set(frame["queue"].astype(str)) - known)
    if unknown:
        raise InputError(
            f"the forecast names queues absent from scenario {scenario.name}: "
            + ", ".join(unknown[:5])
        )
    starts = pd.to_datetime(frame["start"], utc=False)
    if starts.dt.tz is None:
        raise InputError("the forecast's start times must carry their UTC offset", where="start")
    numbers = frame[["volume", "volume_p10", "volume_p50", "volume_p90", "aht_s"]]
    numeric = numbers.apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna().any(axis=1) | (numeric < 0).any(axis=1) | (numeric["aht_s"] <= 0)
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise InputError(f"row {row + 1}: volumes must be >= 0 and aht_s > 0", where="forecast")
    minutes = pd.to_numeric(frame["interval_min"], errors="coerce")
    if minutes.isna().any() or (minutes <= 0).any():
        raise InputError("interval_min must be a positive number of minutes", where="forecast")
    utc = starts.dt.tz_convert("UTC")
    rows = [
        ForecastIntervalRow(
            queue_id=str(q),
            start=s.to_pydatetime(),
            interval_min=int(m),
            volume=float(v),
            volume_p10=float(p10),
            volume_p50=float(p50),
            volume_p90=float(p90),
            aht_s=float(a),
        )
        for q, s, m, v, p10, p50, p90, a in zip(
            frame["queue"],
            utc,
            minutes,
            numeric["volume"],
            numeric["volume_p10"],
            numeric["volume_p50"],
            numeric["volume_p90"],
            numeric["aht_s"],
            strict=True,
        )
    ]
    days = {(r.queue_id, r.start.date()) for r in rows}
    for queue_id, day in sorted(days):
        start = dt.datetime.combine(day, dt.time(), dt.UTC)
        session.execute(
            delete(ForecastIntervalRow).where(
                ForecastIntervalRow.queue_id == queue_id,
                ForecastIntervalRow.start >= start,
                ForecastIntervalRow.start < start + dt.timedelta(days=1),
            )
        )
    session.add_all(rows)
    session.flush()
    return len(rows)


def _forecast(session: Session, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    f = ForecastIntervalRow
    rows = session.execute(
        select(
            f.queue_id,
            f.start,
            f.interval_min,
            f.volume,
            f.volume_p10,
            f.volume_p50,
            f.volume_p90,
            f.aht_s,
        ).where(f.start >= start, f.start < end)
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(FORECAST_COLUMNS))


def _arrivals(session: Session, start: dt.datetime, now: dt.datetime) -> pd.DataFrame:
    c = ContactRow
    rows = session.execute(
        select(c.queue_id, c.created_at).where(
            c.created_at >= start, c.created_at <= now, c.callback_of.is_(None)
        )
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["queue", "at"])


def take_snapshot(p: Platform) -> Snapshot:
    """On the event loop: who is logged in where, and readiness as the platform holds it."""
    now = p.clock.now()
    start, end = day_bounds(p, now)
    logged: dict[str, int] = {}
    for agent in p.agents.values():
        if agent.state not in ROUTABLE:
            continue
        queue = _queue_now(p, agent.id, agent.skills, now)
        if queue is not None:
            logged[queue] = logged.get(queue, 0) + 1
    return Snapshot(now, start, end, live_scenario(p), logged)


def _queue_now(p: Platform, agent_id: str, skills: dict[str, int], now: dt.datetime) -> str | None:
    """The queue an advisor logged in counts for: its scheduled one, else the queue of its
    best skill (the first such in the scenario)."""
    planned = p.planned(agent_id, now)
    if planned is not None and planned.activity is Activity.WORK and planned.queue:
        return planned.queue
    best = max(skills.values(), default=0)
    if best <= 0:
        return None
    return next((q.id for q in p.scenario.queues if skills.get(q.skill, 0) == best), None)


def compute(p: Platform, snap: Snapshot) -> View | None:
    """Off the event loop: None when no forecast covers the day."""
    s = p.settings
    with p.sessions() as session:
        forecast = _forecast(session, snap.day_start, snap.day_end)
        if forecast.empty:
            return None
        arrivals = _arrivals(session, snap.day_start, snap.now)
        schedule = stored_schedule(session)
        asked = _already_asked(session, snap.day_start)
        open_places = _open_places(session, snap.now)
    re = reforecast_day(forecast, arrivals, snap.now, timezone=p.scenario.timezone)
    gap = staffing_gap(re, snap.scenario, schedule, snap.logged_in, snap.now)
    # time off only where the queue stays covered at the re-forecast's P90: early in the
    # day the level is the forecast's, and a surplus against the mean is no evidence
    cautious = dataclasses.replace(re, table=re.table.assign(volume=re.table["volume_p90"]))
    spare = staffing_gap(cautious, snap.scenario, schedule, snap.logged_in, snap.now)
    not_before = snap.now + dt.timedelta(minutes=s.intraday_lead_min)
    # slots start or end where the day's shifts do, so that they can extend a shift
    cuts = sorted(
        {
            t
            for seg in schedule
            if snap.day_start <= seg.start < snap.day_end
            for t in (seg.start, seg.end)
        }
    )
    bounds = {
        "threshold": s.intraday_gap_threshold,
        "min_slot_min": s.intraday_slot_min,
        "max_slot_min": s.intraday_slot_max,
        "not_before": not_before,
        "cuts": cuts,
    }
    proposals: list[Proposal] = []
    for slots, find in (
        (extra_time_slots(gap, **bounds), extra_time_candidates),  # type: ignore[arg-type]
        (time_off_slots(spare, **bounds), time_off_candidates),  # type: ignore[arg-type]
    ):
        for slot in slots:
            places = slot.places - _overlapping(open_places, slot)
            if places <= 0:
                continue
            found = [
                c
                for c in find(slot, schedule, snap.scenario)
                if (slot.kind, slot.queue, c.agent_id) not in asked
                or not _asked_over(asked[(slot.kind, slot.queue, c.agent_id)], slot)
            ]
            if found:
                proposals.append(Proposal(dataclasses.replace(slot, places=places), tuple(found)))
    return View(snap.now, re, gap, tuple(proposals))


def _already_asked(
    session: Session, since: dt.datetime
) -> dict[tuple[str, str, str], list[tuple[dt.datetime, dt.datetime]]]:
    """(kind, queue, advisor) -> the times of today's offers sent to them: an advisor is not
    asked twice for the same time (a second offer after one expired reaches others)."""
    o, r = OfferRow, OfferRecipientRow
    out: dict[tuple[str, str, str], list[tuple[dt.datetime, dt.datetime]]] = {}
    for kind, queue, agent_id, start, end in session.execute(
        select(o.kind, o.queue_id, r.agent_id, o.start, o.end)
        .join(r, r.offer_id == o.id)
        .where(o.created_at >= since)
    ):
        out.setdefault((kind, queue, agent_id), []).append((start, end))
    return out


def _asked_over(times: list[tuple[dt.datetime, dt.datetime]], slot: Slot) -> bool:
    return any(a < slot.end and slot.start < b for a, b in times)


def _open_places(
    session: Session, now: dt.datetime
) -> list[tuple[str, str, dt.datetime, dt.datetime, int]]:
    o = OfferRow
    rows = session.execute(
        select(o.kind, o.queue_id, o.start, o.end, o.places - o.taken).where(
            o.state == OPEN, o.deadline > now
        )
    ).all()
    return [(k, q, s, e, int(n)) for k, q, s, e, n in rows]


def _overlapping(
    open_places: Iterable[tuple[str, str, dt.datetime, dt.datetime, int]], slot: Slot
) -> int:
    return sum(
        n
        for kind, queue, start, end, n in open_places
        if kind == slot.kind and queue == slot.queue and start < slot.end and slot.start < end
    )


async def refresh(p: Platform) -> View | None:
    """Recompute the view, publish it to the managers, and (``intraday_offers`` auto) post
    the offers it proposes."""
    expire(p)
    snap = take_snapshot(p)
    view = await asyncio.to_thread(compute, p, snap)
    p.intraday = view
    with p.transaction() as tx:
        tx.emit("intraday.updated", summary(view, snap.now))
    if view is not None and p.settings.intraday_offers == "auto":
        for proposal in view.proposals:
            post(p, None, proposal.slot, proposal.candidates)
    return view


async def current(p: Platform) -> View | None:
    """The last computation; with a stored forecast and none yet (the tick's first is to
    come), one computed now, without posting offers or publishing it."""
    if p.intraday is None and p.intraday_on:
        p.intraday = await asyncio.to_thread(compute, p, take_snapshot(p))
    return p.intraday


def summary(view: View | None, now: dt.datetime) -> dict[str, Any]:
    """The event's data: per queue, the day's level and the largest gap ahead."""
    if view is None:
        return {"at": now.isoformat(), "forecast": False, "queues": []}
    queues = []
    for queue, level in sorted(view.reforecast.levels.items()):
        rows = view.gap[view.gap["queue"] == queue]
        queues.append(
            {
                "queue_id": queue,
                "level": round(level.level, 3),
                "level_low": round(level.level_low, 3),
                "level_high": round(level.level_high, 3),
                "observed": level.observed_so_far,
                "expected": round(level.expected_so_far, 1),
                "max_gap": round(float(rows["gap"].max()), 2) if len(rows) else 0.0,
            }
        )
    return {"at": view.at.isoformat(), "forecast": True, "queues": queues}


def gap_rows(view: View) -> list[dict[str, Any]]:
    """The gap table as plain rows (the API's and the console's)."""
    out = []
    for row in view.gap.itertuples(index=False):
        values = {k: getattr(row, k) for k in view.gap.columns}
        if isinstance(values["logged_in"], float) and math.isnan(values["logged_in"]):
            values["logged_in"] = None  # the intervals ahead: the schedule counts
        out.append(values)
    return out


__all__ = [
    "Proposal",
    "Snapshot",
    "View",
    "compute",
    "current",
    "gap_rows",
    "import_forecast",
    "refresh",
    "summary",
    "take_snapshot",
]
