"""Settings of the rostering engine: the template grid, soft-goal weights, solver limits.

Hard-rule numbers live in LabourRules / TeleworkAgreement (domain/rules.py); this module only
holds what is specific to how schedules are built and what the soft goals weigh.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PenaltyWeights:
    """Cost of one unit of each soft goal (the objective is their weighted sum)."""

    under_coverage: int = 100  # per missing agent and slot on a queue (the main cost)
    over_coverage: int = 4  # per agent and slot above the requirement
    off_primary_queue: int = 1  # per agent and slot counted on a queue other than its primary
    evening_saturday_spread: int = 20  # per shift of difference between the most and least
    #                                    loaded volunteer (evening and Saturday shifts)
    start_time_change: int = 1  # per slot of start-time change between consecutive work days
    home_preference: int = 2  # per shift on site of an agent who may work from home (volunteer,
    #                           home mode, readiness passed): home where seats are not short

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            if getattr(self, name) < 0:
                raise ValueError(f"weight {name} must be >= 0")


@dataclass(frozen=True, slots=True)
class SchedulingSettings:
    """How shift templates are generated and how the solver runs."""

    slot_min: int = 15  # planning grid; breaks are rounded up to it
    start_step_min: int = 30  # shifts start on this step
    shift_lengths_h: tuple[float, ...] = (4.0, 5.0, 6.0, 7.0, 8.0, 9.0)  # paid hours of a day
    split_block_h: tuple[float, ...] = (2.0, 3.0, 4.0)  # each block of a split shift
    lunch_variants: int = 2  # lunch placements tried per shift (around its middle)
    lunch_margin_min: int = 60  # a lunch has at least this much of the shift before and after
    training_day_h: float = 7.0  # paid hours of an on-site training day (one training block)
    training_start_min: int = 9 * 60
    evening_start_min: int = 19 * 60  # a shift ending after this is an evening shift
    night_worker_threshold_h: float = 3.0  # L3122-5: night work of a non-night-worker stays below
    weights: PenaltyWeights = field(default_factory=PenaltyWeights)
    time_limit_s: float = 60.0
    batch_agents: int = 30  # above this, build batch by batch then improve by LNS
    construction_share: float = 0.4  # time budget share of the first pass over the batches
    lns_step_s: float = 5.0  # time limit of one neighbourhood re-solve
    lns_agents: int = 30  # agents freed in one neighbourhood
    #: half of each neighbourhood: agents able to cover a missing slot, drawn by what misses
    lns_focus_under: bool = True
    #: above batch_agents, start from a greedy schedule (checked by the auditor) instead of
    #: solving batch after batch
    greedy_construction: bool = True
    #: after the greedy, passes of cheap per-agent moves (polish.py) until they stop
    #: improving, at most this many, within this share of the time limit
    polish_passes: int = 30
    polish_share: float = 0.85
    #: polish may change a shift's paid length while the week stays within its limits
    polish_lengths: bool = True
    #: passes stop when one covers less than this share of the required agent-slots more
    polish_min_gain: float = 0.0002
    max_core_checks: int = 40  # solves spent shrinking the set of conflicting rules
    workers: int = 2
    seed: int = 1
    #: stop at a deterministic-time budget (time_limit_s in solver units) and search in
    #: interleaved batches: same seed and workers give the same schedule
    deterministic: bool = False

    def __post_init__(self) -> None:
        if self.slot_min not in (5, 10, 15, 30, 60):
            raise ValueError("slot_min must be 5, 10, 15, 30 or 60")
        if self.start_step_min % self.slot_min:
            raise ValueError("start_step_min must be a multiple of slot_min")
        if not self.shift_lengths_h:
            raise ValueError("shift_lengths_h must not be empty")
        for h in (*self.shift_lengths_h, *self.split_block_h, self.training_day_h):
            if h <= 0 or (h * 60) % self.slot_min:
                raise ValueError(f"shift length {h} h is not a whole number of slots")
        if self.workers < 1:
            raise ValueError("workers must be >= 1")
        if self.time_limit_s <= 0:
            raise ValueError("time_limit_s must be > 0")
        if self.lunch_variants < 1:
            raise ValueError("lunch_variants must be >= 1")
