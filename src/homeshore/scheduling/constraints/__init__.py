"""Hard rules, one function each with a name and a human label.

TEMPLATE_RULES judge one agent-day template; MODEL_RULES post constraints across days and
agents. `homeshore.scheduling.audit` re-checks every one of them on any schedule, by its own
code.
"""

from __future__ import annotations

from homeshore.scheduling.constraints.availability import AVAILABILITY, DAYS_OFF
from homeshore.scheduling.constraints.base import ModelRule, TemplateRule
from homeshore.scheduling.constraints.breaks import BREAK_AFTER_WORK, LUNCH_WINDOW, PAID_BREAKS
from homeshore.scheduling.constraints.daily_work import DAILY_SPAN, MAX_DAILY_WORK
from homeshore.scheduling.constraints.home_days import MAX_HOME_DAYS_MONTH, MAX_HOME_DAYS_WEEK
from homeshore.scheduling.constraints.night_work import NIGHT_WORK_AVERAGE, NIGHT_WORK_DAILY
from homeshore.scheduling.constraints.rest import DAILY_REST, MAX_WORKING_DAYS, WEEKLY_REST
from homeshore.scheduling.constraints.seats import SEATS
from homeshore.scheduling.constraints.shift_length import SHIFT_LENGTH
from homeshore.scheduling.constraints.skills import SKILLS
from homeshore.scheduling.constraints.telework import HOME_WORK, RIGHT_TO_DISCONNECT, SPLIT_SHIFTS
from homeshore.scheduling.constraints.training import ONSITE_DAYS, TRAINING_SHARE, TRAINING_SITE
from homeshore.scheduling.constraints.working_time import (
    AVERAGE_WEEKLY_WORK,
    CONTRACT_HOURS,
    MAX_WEEKLY_WORK,
    OVERTIME,
)

TEMPLATE_RULES: tuple[TemplateRule, ...] = (
    HOME_WORK,
    SPLIT_SHIFTS,
    RIGHT_TO_DISCONNECT,
    AVAILABILITY,
    DAYS_OFF,
    SKILLS,
    MAX_DAILY_WORK,
    DAILY_SPAN,
    SHIFT_LENGTH,
    BREAK_AFTER_WORK,
    PAID_BREAKS,
    LUNCH_WINDOW,
    NIGHT_WORK_DAILY,
    TRAINING_SITE,
)

MODEL_RULES: tuple[ModelRule, ...] = (
    CONTRACT_HOURS,
    OVERTIME,
    MAX_WEEKLY_WORK,
    AVERAGE_WEEKLY_WORK,
    DAILY_REST,
    MAX_WORKING_DAYS,
    WEEKLY_REST,
    NIGHT_WORK_AVERAGE,
    SEATS,
    ONSITE_DAYS,
    TRAINING_SHARE,
    MAX_HOME_DAYS_WEEK,
    MAX_HOME_DAYS_MONTH,
)

LABELS: dict[str, str] = {
    **{r.name: r.label for r in TEMPLATE_RULES},
    **{r.name: r.label for r in MODEL_RULES},
}

__all__ = ["LABELS", "MODEL_RULES", "TEMPLATE_RULES", "ModelRule", "TemplateRule"]
