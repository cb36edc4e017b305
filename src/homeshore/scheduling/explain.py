"""What a rostering result means: coverage against requirements, a per-agent view, and an
explanation of what each soft goal cost, which hard rules bind, and (when no schedule
exists) which rules conflict."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd

from homeshore.domain import Schedule
from homeshore.scheduling.constraints import LABELS
from homeshore.scheduling.coverage import coverage_table as shared_coverage
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.solve import RosterResult

PENALTY_LABELS = {
    "under_coverage": "missing agents per queue and slot (main cost)",
    "over_coverage": "agents above the requirement per queue and slot",
    "off_primary_queue": "agent-slots on a queue other than the agent's primary one",
    "evening_saturday_spread": "evening/Saturday shifts: most loaded minus least loaded volunteer",
    "start_time_change": "slots of start-time change between consecutive working days",
    "home_preference": "shifts on site of agents who may work from home",
}

COVERAGE_COLUMNS = ("queue", "start", "interval_min", "required", "scheduled", "under", "over")


def coverage_table(problem: Problem, schedule: Schedule) -> pd.DataFrame:
    """Agents counted per queue and requirement interval (mean over the interval, from the
    schedule's contact-work segments) against the scheduled_agents wanted: the coverage of
    scheduling/coverage.py on the problem's requirement grid."""
    interval = problem.requirement_interval_min
    per_day = 1440 // interval
    n = problem.n_days * per_day
    per_slot = interval // problem.slot_min
    required = problem.required[:, ::per_slot][:, :n]
    starts = [problem.at(k // per_day, (k % per_day) * interval) for k in range(n)]
    wanted = pd.DataFrame(
        {
            "queue": np.repeat(problem.queue_ids, n),
            "start": starts * len(problem.queue_ids),
            "interval_min": interval,
            "scheduled_agents": required.reshape(-1),
        }
    )
    cover = shared_coverage(schedule, wanted)
    need = cover["scheduled_agents"].to_numpy()
    got = cover["planned_agents"].to_numpy()
    keep = (need > 0) | (got > 0)
    out = pd.DataFrame(
        {
            "queue": cover["queue"],
            "start": cover["start"],
            "interval_min": interval,
            "required": need.astype(int),
            "scheduled": got.round(3),
            "under": cover["shortfall"].round(3),
            "over": cover["surplus"].round(3),
        }
    )
    return out[keep].reset_index(drop=True)[list(COVERAGE_COLUMNS)]


def agent_view(problem: Problem, schedule: Schedule) -> str:
    """One line per agent-day: place, hours and what happens inside the shift."""
    lines: list[str] = []
    by_agent: dict[str, dict[dt.date, list[str]]] = defaultdict(lambda: defaultdict(list))
    for seg in schedule:
        local = seg.start.astimezone(problem.zone)
        end = seg.end.astimezone(problem.zone)
        what = seg.activity.value + (f" {seg.queue}" if seg.queue else "")
        by_agent[seg.agent_id][local.date()].append(f"{local:%H:%M}-{end:%H:%M} {what}")
    places: dict[tuple[str, dt.date], str] = {}
    for seg in schedule:
        day = seg.start.astimezone(problem.zone).date()
        places[seg.agent_id, day] = seg.location.value + (f"@{seg.site}" if seg.site else "")
    for agent in problem.agents:
        days = by_agent.get(agent.id, {})
        lines.append(f"{agent.id} ({agent.name}, {agent.contract_h_per_week:g} h/week)")
        for d in range(problem.n_days):
            date = problem.date(d)
            items = days.get(date)
            label = f"  {date:%a %d/%m}"
            if not items:
                lines.append(f"{label}  off")
            else:
                lines.append(f"{label}  {places[agent.id, date]}: " + ", ".join(items))
    return "\n".join(lines) + "\n"


def explanation(result: RosterResult) -> str:
    """Readable account of a result: status, soft-goal costs, binding and conflicting rules."""
    out = [f"status: {result.status} after {result.wall_s:.1f} s"]
    if result.objective is not None:
        bound = "" if result.bound is None else f", bound {result.bound:g}"
        out.append(f"objective: {result.objective:g}{bound}")
    if result.penalty_costs:
        out.append("")
        out.append("soft goals (units x weight = cost):")
        weights = result.problem.settings.weights
        for name, label in PENALTY_LABELS.items():
            units = result.penalty_units.get(name, 0)
            weight = getattr(weights, name)
            out.append(f"  {name:<24} {units:>8} x {weight:>4} = {units * weight:>10}   {label}")
            for key in sorted(result.penalty_units):
                if key.startswith(name + "["):
                    out.append(f"    {key:<40} {result.penalty_units[key]:>8}")
    if result.binding:
        out.append("")
        out.append("hard rules at their limit (constraints exactly at the bound):")
        for rule, count in sorted(result.binding.items(), key=lambda kv: -kv[1]):
            out.append(f"  {rule:<22} {count:>7}   {LABELS.get(rule, rule)}")
    if result.rejected:
        out.append("")
        out.append("shift templates each rule removed from the choices:")
        for rule, count in sorted(result.rejected.items(), key=lambda kv: -kv[1]):
            out.append(f"  {rule:<22} {count:>7}   {LABELS.get(rule, rule)}")
    if result.conflicts:
        out.append("")
        out.append("these rules cannot all hold (remove or relax one of them):")
        for rule, scope in result.conflicts:
            out.append(f"  {rule:<22} for {scope:<20} {LABELS.get(rule, rule)}")
    elif result.status == "infeasible":
        out.append("no conflicting set of rules was found within the time limit")
    return "\n".join(out) + "\n"


__all__ = ["COVERAGE_COLUMNS", "agent_view", "coverage_table", "explanation"]
