"""Import a scenario (teams, queues, agents) and a published schedule into the database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from homeshore.db.tables import AgentRow, QueueRow, ScheduleSegmentRow, TeamRow
from homeshore.domain import Scenario, Schedule, ScheduleSegment
from homeshore.errors import InputError
from homeshore.services import audit

#: who publishes a schedule given to `homeshore serve --schedule`, in the audit trail
SERVER_START = "server start-up"
_SegmentKey = tuple[dt.datetime, dt.datetime, str, str, str | None, str | None]


def import_scenario(session: Session, scenario: Scenario, now: dt.datetime) -> None:
    """Insert or update teams, queues and agents; live state of known agents is kept."""
    for team in scenario.teams:
        session.merge(TeamRow(id=team.id, name=team.name, manager=team.manager, site=team.site))
    for q in scenario.queues:
        session.merge(
            QueueRow(
                id=q.id,
                name=q.name,
                channel=q.channel.value,
                skill=q.skill,
                concurrency=q.concurrency,
                threshold_s=q.targets.threshold_s,
            )
        )
    session.flush()
    for a in scenario.agents:
        row = session.get(AgentRow, a.id)
        modes = ",".join(sorted(m.value for m in a.work_modes))
        skills = {s.skill: s.proficiency for s in a.skills}
        if row is None:
            session.add(
                AgentRow(
                    id=a.id,
                    name=a.name,
                    team_id=a.team,
                    work_modes=modes,
                    skills=skills,
                    primary_skill=a.primary_skill,
                    state="offline",
                    state_reason="",
                    state_since=now,
                    readiness=a.readiness.value,
                )
            )
        else:
            row.name, row.team_id, row.work_modes = a.name, a.team, modes
            row.skills, row.primary_skill = skills, a.primary_skill
    session.flush()


def import_schedule(
    session: Session,
    scenario: Scenario,
    schedule: Schedule,
    *,
    at: dt.datetime | None = None,
    by: str = SERVER_START,
) -> int:
    """Replace the published schedule. Every agent it names must be in the scenario. Each
    advisor whose schedule changes gets an entry ``schedule.imported`` in the audit trail
    (at ``at``, by ``by``), and the import one without an advisor; the same schedule
    imported again records nothing."""
    known = {a.id for a in scenario.agents}
    unknown = sorted({s.agent_id for s in schedule} - known)
    if unknown:
        raise InputError(
            f"the schedule names agents absent from scenario {scenario.name}: "
            + ", ".join(unknown[:5])
        )
    before: dict[str, set[_SegmentKey]] = defaultdict(set)
    s_ = ScheduleSegmentRow
    for row in session.execute(
        select(s_.agent_id, s_.start, s_.end, s_.activity, s_.location, s_.site, s_.queue)
    ):
        before[row[0]].add(tuple(row[1:]))  # type: ignore[arg-type]
    after: dict[str, set[_SegmentKey]] = defaultdict(set)
    for s in schedule:
        after[s.agent_id].add((s.start, s.end, s.activity.value, s.location.value, s.site, s.queue))
    changed = sorted(a for a in set(before) | set(after) if before[a] != after[a])
    if changed:
        when = at or dt.datetime.now(dt.UTC)
        for agent_id in changed:
            counts = {"segments": len(after[agent_id]), "before": len(before[agent_id])}
            audit.record(
                session,
                "schedule.imported",
                at=when,
                actor_name=by,
                subject_agent_id=agent_id,
                detail=counts,
            )
        totals = {"segments": len(schedule), "agents_changed": len(changed)}
        audit.record(session, "schedule.imported", at=when, actor_name=by, detail=totals)
    session.execute(delete(ScheduleSegmentRow))
    session.add_all(segment_row(s) for s in schedule)
    session.flush()
    return len(schedule)


def segment_row(s: ScheduleSegment) -> ScheduleSegmentRow:
    return ScheduleSegmentRow(
        agent_id=s.agent_id,
        start=s.start,
        end=s.end,
        activity=s.activity.value,
        location=s.location.value,
        site=s.site,
        queue=s.queue,
    )
