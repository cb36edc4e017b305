"""Skills: an agent works contacts only while one of the queues it has the skill for is open.

The queue each interval counts toward is chosen by the model among the agent's skill queues
(counts per skill set and queue, so a multi-skilled agent counts once)."""

from __future__ import annotations

from homeshore.domain import Activity, Agent
from homeshore.scheduling.constraints.base import TemplateRule
from homeshore.scheduling.problem import Problem
from homeshore.scheduling.templates import ShiftTemplate


def skill_queue_indices(problem: Problem, agent: Agent) -> tuple[int, ...]:
    return tuple(i for i, q in enumerate(problem.scenario.queues) if agent.proficiency(q.skill) > 0)


def skills(problem: Problem, agent: Agent, day: int, t: ShiftTemplate) -> bool:
    queues = skill_queue_indices(problem, agent)
    base = day * problem.slots_per_day
    for k in t.slots(problem.slot_min, Activity.WORK):
        slot = base + k
        if slot >= problem.n_slots:
            return True
        if not any(problem.open_[q, slot] for q in queues):
            return True
    return False


SKILLS = TemplateRule(
    "skills", "contact work only while one of the agent's skill queues is open", skills
)
