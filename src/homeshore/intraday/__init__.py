"""The day itself: re-forecast the rest of the day from the arrivals so far, size the gap
per queue and interval, and offer extra time (home volunteers first) or time off to the
advisors who may legally take it. Pure: tables and schedules in, `now` as an argument.

rf = reforecast_day(forecast, arrivals, now, timezone=scenario.timezone)
gap = staffing_gap(rf, scenario, schedule, logged_in, now)
for slot in extra_time_slots(gap, not_before=now + lead_time):
    offer_to = extra_time_candidates(slot, schedule, scenario)
# on acceptance: violations_added(schedule, add_work(schedule, ...), ...) must stay empty
"""

from homeshore.intraday.checks import add_work, remove_work, violations_added
from homeshore.intraday.gap import GAP_COLUMNS, scheduled_per_interval, staffing_gap
from homeshore.intraday.offers import Candidate, extra_time_candidates, time_off_candidates
from homeshore.intraday.reforecast import QueueLevel, Reforecast, reforecast_day
from homeshore.intraday.slots import EXTRA, TIME_OFF, Slot, extra_time_slots, time_off_slots

__all__ = [
    "EXTRA",
    "GAP_COLUMNS",
    "TIME_OFF",
    "Candidate",
    "QueueLevel",
    "Reforecast",
    "Slot",
    "add_work",
    "extra_time_candidates",
    "extra_time_slots",
    "reforecast_day",
    "remove_work",
    "scheduled_per_interval",
    "staffing_gap",
    "time_off_candidates",
    "time_off_slots",
    "violations_added",
]
