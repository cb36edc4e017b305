"""Import a scenario (teams, queues, agents) and a published schedule into the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from homeshore.db.tables import AgentRow, QueueRow, ScheduleSegmentRow, TeamRow
from homeshore.domain import Scenario, Schedule
from homeshore.errors import InputError


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


def import_schedule(session: Session, scenario: Scenario, schedule: Schedule) -> int:
    """Replace the published schedule. Every agent it names must be in the scenario."""
    known = {a.id for a in scenario.agents}
    unknown = sorted({s.agent_id for s in schedule} - known)
    if unknown:
        raise InputError(
            f"the schedule names agents absent from scenario {scenario.name}: "
            + ", ".join(unknown[:5])
        )
    session.execute(delete(ScheduleSegmentRow))
    session.add_all(
        ScheduleSegmentRow(
            agent_id=s.agent_id,
            start=s.start,
            end=s.end,
            activity=s.activity.value,
            location=s.location.value,
            site=s.site,
            queue=s.queue,
        )
        for s in schedule
    )
    session.flush()
    return len(schedule)
