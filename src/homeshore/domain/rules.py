"""Labour-law and telework-agreement settings. Defaults from DOMAIN.md sections 2-3.

Every number is a setting: an agreement or a variant of a scenario may change it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from homeshore.domain.time import TimeWindow, WeeklyHours


@dataclass(frozen=True, slots=True)
class LabourRules:
    max_daily_work_h: float = 10.0  # L3121-18
    max_weekly_work_h: float = 48.0  # L3121-20
    max_avg_weekly_work_h: float = 44.0  # over avg_weeks consecutive weeks, L3121-22
    avg_weeks: int = 12
    legal_week_h: float = 35.0  # L3121-27
    overtime_25_until_h: float = 43.0  # +25 % for hours 36-43, +50 % beyond
    contract_tolerance_h: float = 2.0  # weekly hours may differ from contract by this
    max_overtime_h_per_week: float = 8.0
    daily_rest_h: float = 11.0  # L3131-1
    weekly_rest_h: float = 35.0  # L3132-2 (24 + 11)
    max_working_days_per_week: int = 6  # L3132-1
    break_after_work_h: float = 6.0  # L3121-16
    break_min: int = 20
    paid_break_min: int = 10  # every paid_break_every_min of calls (IDCC 2098 / 2148)
    paid_break_every_min: int = 120
    lunch_min: int = 45
    lunch_window: TimeWindow = field(default_factory=lambda: TimeWindow(11 * 60, 15 * 60))
    lunch_if_shift_over_h: float = 6.0
    min_shift_h: float = 4.0
    max_shift_h: float = 10.0
    night_window_start_min: int = 21 * 60  # L3122-2: 21:00-06:00
    night_window_end_min: int = 6 * 60
    night_worker_max_daily_h: float = 8.0  # L3122-6
    night_worker_max_avg_weekly_h: float = 40.0  # L3122-7
    #: a change of the published working hours is notified this many days ahead (L3123-24
    #: for part-time work: 7 days, down to 3 by agreement); inside it, only with the
    #: employee's consent (an offer the advisor accepts)
    change_notice_days: int = 7


@dataclass(frozen=True, slots=True)
class TeleworkAgreement:
    """The signed agreement or charter (L1222-9, ANI 2005 / 2020). All settings, no truths."""

    volunteers_only: bool = True
    readiness_check_required: bool = True
    # the hours in which the employer may contact a teleworker (right to disconnect)
    contact_hours: WeeklyHours = field(default_factory=WeeklyHours.always)
    #: SFR / Teleperformance 2009: about one day a month in the contact centre. Per calendar
    #: month for an advisor with a home day in it, counting the weeks already worked or
    #: planned; a day may wait for a later plan while a whole week of the month remains
    #: after the horizon (homeshore.scheduling.telework_month).
    onsite_days_per_month: int = 1
    #: "about a tenth of working time in training": the training time of a teleworker's
    #: calendar month so far is this share of its paid time, rounded down to whole training
    #: days (share x paid - one training day < training <= share x paid), counting the weeks
    #: already worked or planned. Only training counts; presence on site is
    #: onsite_days_per_month.
    training_share: float = 0.10
    max_home_days_per_week: int | None = None  # Orange 2013: at least 2 days a week on site
    max_home_days_per_month: int | None = None  # or a monthly allowance of 3-12 days
    split_shifts_allowed: bool = True  # only for home agents who accept them
    max_splits_per_day: int = 1  # L3123-23
    split_gap_min_min: int = 60
    split_gap_max_min: int = 120
    reversibility_notice_days: int = 30
    # what the platform measures about a teleworker, shown to the agent (ANI 2005 art. 6)
    monitoring_disclosed: tuple[str, ...] = (
        "state changes and their times",
        "contacts handled and their durations",
        "adherence to the published schedule",
        "home network round-trip time, jitter and loss during readiness checks",
        "the network quality of each call (round trip, jitter, loss) every few seconds",
        "your manager listening to a call, or talking to you during it: shown on your desk "
        "while it lasts, and logged "
        "(who, which call, when, how long)",
        "the recording of calls in queues that record them (shown on your desk; kept for "
        "the platform's retention period; each playing by a manager is logged)",
        "your managers' quality evaluations of your contacts (shown to you) and the "
        "customers' satisfaction scores",
    )

    def __post_init__(self) -> None:
        if not 0.0 <= self.training_share < 1.0:
            raise ValueError("training_share must be in [0, 1)")
        if self.split_gap_min_min > self.split_gap_max_min:
            raise ValueError("split_gap_min_min must not exceed split_gap_max_min")
