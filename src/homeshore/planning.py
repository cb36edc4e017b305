"""`homeshore plan`: history -> forecast -> requirements -> roster -> audit -> simulation -> report.

One function per stage, each a thin call into its package (`Stages`), so that the planner
holds no stage logic of its own. Every failure becomes a PlanError naming the stage, the
variant and the input it was working on. Variants share the history and, when their planning
settings agree, the forecast; the simulation of every variant uses the same seed (common
random numbers), so differences between variants are not sampling noise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

import pandas as pd

from homeshore.analytics.output import ReportFiles, write_report
from homeshore.analytics.results import VariantOutcome, analyse
from homeshore.analytics.stages import Stages, default_stages
from homeshore.analytics.workforce import WorkforceSettings
from homeshore.data.history import History
from homeshore.data.schedule_io import read_previous
from homeshore.data.variants import Variant, load_scenario_and_variants, select_variants
from homeshore.domain import Scenario, Schedule
from homeshore.errors import HomeshoreError
from homeshore.scheduling.settings import SchedulingSettings

_T = TypeVar("_T")

__all__ = [
    "NullProgress",
    "Plan",
    "PlanError",
    "PlanProgress",
    "PlanSettings",
    "Stage",
    "run_plan",
    "write_plan",
]


class Stage(enum.StrEnum):
    SCENARIO = "scenario"
    HISTORY = "history"
    FORECAST = "forecast"
    REQUIREMENTS = "requirements"
    ROSTER = "roster"
    AUDIT = "audit"
    SIMULATION = "simulation"
    REPORT = "report"


class PlanError(HomeshoreError):
    """A stage failed: says which, for which variant, on which input, and why."""

    def __init__(self, stage: Stage, reason: str, *, variant: str | None, source: str) -> None:
        self.stage = stage
        self.variant = variant
        self.source = source
        self.reason = reason
        who = f" for variant {variant!r}" if variant else ""
        super().__init__(f"stage {stage.value}{who} failed (input: {source}): {reason}")


class PlanProgress(Protocol):
    """What the planner reports while it works (the CLI draws one bar per stage)."""

    def start(self, stage: Stage, total: float, detail: str = "") -> None: ...

    def update(self, stage: Stage, completed: float, detail: str = "") -> None: ...


class NullProgress:
    def start(self, stage: Stage, total: float, detail: str = "") -> None:
        pass

    def update(self, stage: Stage, completed: float, detail: str = "") -> None:
        pass


@dataclass(frozen=True, slots=True)
class PlanSettings:
    forecast_method: str = "auto"
    roster_time_limit_s: float = 45.0
    #: when no schedule is found in the time limit, search once more with the rest of this;
    #: None: four times the time limit
    roster_max_time_s: float | None = None
    roster_workers: int = 2
    #: stop the roster on a deterministic-time budget (the time limits in solver units):
    #: the same seed and workers give the same schedule however busy the machine is
    roster_deterministic: bool = False
    #: the roster's planning grid: None is the planning interval, at most 30 minutes
    roster_slot_min: int | None = None
    #: shifts start on this step (a coarse step keeps the model small enough to solve fast)
    roster_start_step_min: int = 60
    roster_lunch_variants: int = 1
    #: paid hours of a one-block shift, and of each block of a split shift: a short list
    #: keeps the roster model small (None: the rostering engine's own default)
    roster_shift_lengths_h: tuple[float, ...] | None = (6.0, 7.0, 8.0)
    roster_split_block_h: tuple[float, ...] | None = (3.0, 4.0)
    replications: int = 10
    seed: int | None = None  # None: the scenario's planning.seed

    def __post_init__(self) -> None:
        if self.replications < 1:
            raise ValueError("replications must be >= 1")
        if self.roster_time_limit_s <= 0:
            raise ValueError("the roster time limit must be > 0")
        if self.roster_workers < 1:
            raise ValueError("roster workers must be >= 1")

    @property
    def max_roster_time_s(self) -> float:
        if self.roster_max_time_s is not None:
            return max(self.roster_max_time_s, self.roster_time_limit_s)
        return 4 * self.roster_time_limit_s

    def scheduling(self, scenario: Scenario, seed: int) -> SchedulingSettings:
        """The rostering engine's settings for one variant."""
        slot = self.roster_slot_min or min(30, scenario.planning.interval_min)
        lengths: dict[str, tuple[float, ...]] = {}
        if self.roster_shift_lengths_h is not None:
            lengths["shift_lengths_h"] = self.roster_shift_lengths_h
        if self.roster_split_block_h is not None:
            lengths["split_block_h"] = self.roster_split_block_h
        return SchedulingSettings(
            **lengths,  # type: ignore[arg-type]
            slot_min=slot,
            start_step_min=max(slot, self.roster_start_step_min),
            lunch_variants=self.roster_lunch_variants,
            time_limit_s=self.roster_time_limit_s,
            workers=self.roster_workers,
            seed=seed,
            deterministic=self.roster_deterministic,
        )


@dataclass(frozen=True)
class Plan:
    source: Path
    history: pd.DataFrame  # INTERVAL_COLUMNS
    history_description: str
    outcomes: tuple[VariantOutcome, ...]
    settings: PlanSettings
    seed: int
    stage_seconds: dict[str, float] = field(default_factory=dict)


def planning_start(scenario: Scenario, history: pd.DataFrame) -> dt.date:
    """The first planned day: planning.start_date, else the first Monday after the history."""
    if scenario.planning.start_date is not None:
        return scenario.planning.start_date
    last = pd.to_datetime(history["start"], utc=True).max().tz_convert(scenario.timezone).date()
    return last + dt.timedelta(days=7 - last.weekday())


def _forecast_key(scenario: Scenario, start: dt.date) -> tuple[object, ...]:
    p = scenario.planning
    hours = tuple((q.id, q.opening_hours, q.default_aht_s) for q in scenario.queues)
    return (p.interval_min, p.horizon_weeks, start, hours)


class _Runner:
    def __init__(self, progress: PlanProgress) -> None:
        self.progress = progress
        self.seconds: dict[str, float] = {}

    def call(self, stage: Stage, variant: str | None, source: str, work: Callable[[], _T]) -> _T:
        started = time.perf_counter()
        try:
            return work()
        except PlanError:
            raise
        except HomeshoreError as exc:
            raise PlanError(stage, str(exc), variant=variant, source=source) from exc
        except Exception as exc:  # a stage's own bug or unexpected input: still say where
            reason = f"{type(exc).__name__}: {exc}"
            raise PlanError(stage, reason, variant=variant, source=source) from exc
        finally:
            key = stage.value
            self.seconds[key] = self.seconds.get(key, 0.0) + time.perf_counter() - started


def run_plan(
    path: Path | str,
    *,
    variants: Sequence[str] | None = None,
    settings: PlanSettings | None = None,
    progress: PlanProgress | None = None,
    stages: Stages | None = None,
    previous: Sequence[Path | str] = (),
) -> Plan:
    """Plan every selected variant of a scenario file, from its history to simulated KPIs.
    `previous`: schedule files already worked or planned before the planned weeks (daily
    rest across the start; the telework agreement's month so far), read in the scenario's
    timezone; every variant's roster and audit count them."""
    path = Path(path)
    settings = settings or PlanSettings()
    progress = progress or NullProgress()
    run = _Runner(progress)

    progress.start(Stage.SCENARIO, 1)
    base, every = run.call(
        Stage.SCENARIO, None, str(path), lambda: load_scenario_and_variants(path)
    )
    chosen: list[Variant] = run.call(
        Stage.SCENARIO, None, str(path), lambda: select_variants(every, variants)
    )
    before: Schedule | None = None
    if previous:
        files = ", ".join(map(str, previous))
        before = run.call(
            Stage.SCENARIO,
            None,
            f"previous schedule {files}",
            lambda: read_previous(previous, timezone=base.timezone),
        )
    progress.update(Stage.SCENARIO, 1, f"{len(chosen)} variant(s)")
    seed = settings.seed if settings.seed is not None else base.planning.seed
    history_source = _history_source(base)
    progress.start(Stage.HISTORY, 1)
    stages = stages or default_stages()
    history = run.call(Stage.HISTORY, None, history_source, lambda: stages.history(base))
    progress.update(Stage.HISTORY, 1, f"{len(history.intervals):,} intervals")

    n = len(chosen)
    progress.start(Stage.FORECAST, n)
    progress.start(Stage.REQUIREMENTS, n)
    progress.start(Stage.ROSTER, n * settings.roster_time_limit_s)
    progress.start(Stage.AUDIT, n)
    progress.start(Stage.SIMULATION, n * settings.replications)
    planner = _VariantPlanner(
        run, stages, settings, history, history_source, seed, str(path), before
    )
    outcomes = tuple(planner.plan(i, v) for i, v in enumerate(chosen))
    return Plan(
        source=path,
        history=history.intervals,
        history_description=history.description,
        outcomes=outcomes,
        settings=settings,
        seed=seed,
        stage_seconds=dict(run.seconds),
    )


class _VariantPlanner:
    """Runs the per-variant stages; forecasts are shared by variants whose inputs agree."""

    def __init__(
        self,
        run: _Runner,
        stages: Stages,
        settings: PlanSettings,
        history: History,
        history_source: str,
        seed: int,
        source: str,
        previous: Schedule | None = None,
    ) -> None:
        self.run = run
        self.previous = previous
        self.progress = run.progress
        self.stages = stages
        self.settings = settings
        self.history = history
        self.history_source = history_source
        self.seed = seed
        self.source = source
        self.forecasts: dict[tuple[object, ...], pd.DataFrame] = {}

    def forecast(self, scenario: Scenario, name: str, start: dt.date) -> pd.DataFrame:
        intervals = self.history.intervals
        key = _forecast_key(scenario, start)
        if key not in self.forecasts:
            weeks = scenario.planning.horizon_weeks
            method = self.settings.forecast_method
            self.forecasts[key] = self.run.call(
                Stage.FORECAST,
                name,
                f"{self.history_source}, {weeks} week(s) from {start}",
                lambda: self.stages.forecast(intervals, scenario, start, method),
            )
        return self.forecasts[key]

    def plan(self, i: int, variant: Variant) -> VariantOutcome:
        run, progress, stages, settings = self.run, self.progress, self.stages, self.settings
        scenario, name = variant.scenario, variant.name
        start = run.call(
            Stage.FORECAST,
            name,
            self.history_source,
            lambda: planning_start(scenario, self.history.intervals),
        )
        forecast = self.forecast(scenario, name, start)
        progress.update(Stage.FORECAST, i + 1, name)

        requirements = run.call(
            Stage.REQUIREMENTS,
            name,
            f"forecast of {len(forecast):,} intervals, targets of {self.source}",
            lambda: stages.requirements(forecast, scenario),
        )
        progress.update(Stage.REQUIREMENTS, i + 1, name)

        limit_s = settings.roster_time_limit_s
        roster_settings = run.call(
            Stage.ROSTER, name, "plan settings", lambda: settings.scheduling(scenario, self.seed)
        )

        def on_roster(wall_s: float, objective: float) -> None:
            detail = f"{name}: cost {objective:,.0f}"
            progress.update(Stage.ROSTER, i * limit_s + min(wall_s, limit_s), detail)

        roster = run.call(
            Stage.ROSTER,
            name,
            f"{len(scenario.agents)} agents of {self.source}, requirements of "
            f"{len(requirements):,} intervals",
            lambda: stages.roster(
                scenario,
                requirements,
                roster_settings,
                settings.max_roster_time_s,
                on_roster,
                self.previous,
            ),
        )
        progress.update(Stage.ROSTER, (i + 1) * limit_s, f"{name}: {roster.status}")
        schedule = roster.schedule

        audit = run.call(
            Stage.AUDIT,
            name,
            f"schedule of {len(schedule):,} segments",
            lambda: stages.audit(schedule, scenario, start, roster_settings, self.previous),
        )
        progress.update(Stage.AUDIT, i + 1, f"{name}: {len(audit)} violation(s)")

        reps = settings.replications
        simulation = run.call(
            Stage.SIMULATION,
            name,
            f"schedule of {len(schedule):,} segments, forecast of {len(forecast):,} intervals",
            lambda: stages.simulate(
                scenario,
                schedule,
                forecast,
                self.history.waits,
                reps,
                self.seed,
                lambda done: progress.update(Stage.SIMULATION, i * reps + done, name),
            ),
        )
        return VariantOutcome(
            name=name,
            title=variant.title,
            description=variant.description,
            scenario=scenario,
            forecast=forecast,
            requirements=requirements,
            schedule=schedule,
            roster_status=roster.status,
            audit=audit,
            simulation=simulation,
            replications=reps,
            roster_wall_s=roster.wall_s,
            roster_objective=roster.objective,
            roster_bound=roster.bound,
            penalty_costs=dict(roster.penalty_costs),
        )


def _history_source(scenario: Scenario) -> str:
    h = scenario.history
    if h is None:
        return f"{scenario.source}: no history section"
    if h.path is not None:
        return f"{h.kind} history {h.path}"
    return f"{h.kind} history of {scenario.source}"


#: conventions stated at the end of every report
REPORT_NOTES = (
    "Service level: contacts answered within the queue's threshold over contacts offered; "
    "an abandoned contact counts as not answered whatever its wait. ASA: mean wait of "
    "answered contacts.",
    "Paid hours: work, short breaks, training and on-site activities (lunch is not paid). "
    "Overtime: paid hours of a week above the legal week (+25 % up to the second threshold, "
    "+50 % beyond); hours above a part-time contract but under the legal week are extra "
    "hours, not overtime.",
    "A seat is used by an advisor present at a site (any activity but lunch); home work uses "
    "none. Peak seats used adds up each site's own peak.",
    "Requirements: queues that share advisors form a pool, staffed together with every "
    "advisor counted once; each queue is held to its share of its pool's requirement "
    "(docs/pooling.md). Coverage: an advisor counts toward the queue the roster names for "
    "its work segment, pro rata of the minutes it works in the interval; recomputed here "
    "from the schedule, as the roster counts it.",
    "Every variant's simulation uses the same seed (common random numbers): differences "
    "between variants are not sampling noise. Bands are 95 % confidence intervals of the "
    "mean over the replications.",
)


def write_plan(
    plan: Plan, out_dir: Path | str, workforce: WorkforceSettings | None = None
) -> ReportFiles:
    """Analyse every variant and write the report folder; returns the files written."""
    run = _Runner(NullProgress())
    return run.call(
        Stage.REPORT, None, f"output folder {out_dir}", lambda: _write(plan, out_dir, workforce)
    )


def _write(plan: Plan, out_dir: Path | str, workforce: WorkforceSettings | None) -> ReportFiles:
    analyses = [analyse(o, workforce) for o in plan.outcomes]
    first = plan.outcomes[0]
    starts = pd.to_datetime(first.forecast["start"], utc=True).dt.tz_convert(
        first.scenario.timezone
    )
    s = plan.settings
    facts = (
        ("scenario file", str(plan.source)),
        ("history", plan.history_description),
        ("planned", f"{starts.min():%a %d %b %Y} to {starts.max():%a %d %b %Y}"),
        ("interval", f"{first.scenario.planning.interval_min} min"),
        (
            "settings",
            f"forecast method {s.forecast_method}; roster time limit {s.roster_time_limit_s:g} s "
            f"on {s.roster_workers} worker(s); {s.replications} simulation replications; "
            f"seed {plan.seed}",
        ),
        (
            "stage times",
            ", ".join(f"{k} {v:.1f} s" for k, v in plan.stage_seconds.items()),
        ),
    )
    metadata = {
        "scenario_file": str(plan.source),
        "scenario": first.scenario.name,
        "history": plan.history_description,
        "seed": plan.seed,
        "settings": dataclasses.asdict(s),
        "variants": [{"name": o.name, "title": o.label} for o in plan.outcomes],
        "stage_seconds": plan.stage_seconds,
    }
    return write_report(
        Path(out_dir),
        analyses,
        plan.history,
        title=f"{first.scenario.name}: homeshoring plan",
        facts=facts,
        notes=REPORT_NOTES,
        metadata=metadata,
    )
