"""Scenario files (YAML or TOML): validated with pydantic, turned into domain objects.

A bad file gets an InputError naming the file, the field, the line (YAML) and the reason.
The format is documented by example in `examples/` and field by field in docs/scenario.md.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from homeshore.data._yaml_lines import load_with_lines, nearest_line
from homeshore.data.evaluation_forms import EvaluationFormModel, build_forms
from homeshore.domain import (
    Agent,
    AgentSkill,
    Channel,
    HistorySource,
    LabourRules,
    PlanningSettings,
    Queue,
    ReadinessStatus,
    RoutingPolicyName,
    RoutingSettings,
    Scenario,
    ServiceTargets,
    Site,
    SiteKind,
    Skill,
    Team,
    TeleworkAgreement,
    TimeWindow,
    WeeklyHours,
    WorkMode,
)
from homeshore.domain.time import parse_hhmm
from homeshore.errors import InputError


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


HoursSpec = dict[str, list[str]]


def _check_hours(value: HoursSpec | None) -> HoursSpec | None:
    if value is not None:
        WeeklyHours.from_mapping(value)
    return value


class TargetsModel(_Model):
    service_level: float = Field(0.8, gt=0, le=1)
    threshold_s: float = Field(20.0, ge=0)
    max_asa_s: float | None = Field(None, gt=0)
    max_abandon_rate: float | None = Field(None, gt=0, le=1)
    max_occupancy: float | None = Field(None, gt=0, le=1)


class RoutingModel(_Model):
    policy: RoutingPolicyName = RoutingPolicyName.LONGEST_IDLE
    initial_min_proficiency: int = Field(4, ge=1, le=5)
    relaxed_min_proficiency: int = Field(3, ge=1, le=5)
    relax_after_s: float = Field(30.0, ge=0)
    any_skill_after_s: float = Field(90.0, ge=0)
    aging_s_per_level: float = Field(60.0, gt=0)
    overflow_queue: str | None = None
    overflow_after_s: float | None = Field(None, ge=0)
    prefer_primary_queue: bool = True
    priority: int = Field(0, ge=-10, le=10)


class QueueModel(_Model):
    id: str = Field(min_length=1)
    name: str = ""
    channel: Channel = Channel.VOICE
    skill: str | None = None  # defaults to the queue id
    opening_hours: HoursSpec
    targets: TargetsModel = TargetsModel()
    concurrency: int = Field(1, ge=1, le=10)
    default_aht_s: float = Field(300.0, gt=0)
    default_patience_s: float | None = Field(180.0, gt=0)
    routing: RoutingModel = RoutingModel()
    # numbers customers dial to reach this queue (voice; the queue id works too)
    numbers: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+*#._-]{1,64}$")]] = []
    # record this voice queue's calls (the caller hears the recording notice)
    record: bool = False

    _hours = field_validator("opening_hours")(_check_hours)


class SiteModel(_Model):
    id: str = Field(min_length=1)
    name: str = ""
    kind: SiteKind = SiteKind.CONTACT_CENTER
    seats: int = Field(ge=0)
    has_trainer: bool = True


class TeamModel(_Model):
    id: str = Field(min_length=1)
    name: str = ""
    manager: str
    site: str
    trainer: str | None = None


class AgentModel(_Model):
    id: str = Field(min_length=1)
    name: str = ""
    team: str
    contract_h_per_week: float = Field(35.0, gt=0, le=48)
    work_modes: list[WorkMode] = [WorkMode.SITE]
    skills: dict[str, int] = Field(min_length=1)  # skill id -> proficiency 1..5
    primary_skill: str | None = None
    telework_volunteer: bool = False
    telework_consent_date: dt.date | None = None
    readiness: ReadinessStatus = ReadinessStatus.UNKNOWN
    accepts_split_shifts: bool = False
    night_worker: bool = False
    availability: HoursSpec | None = None
    days_off: list[dt.date] = []
    site: str | None = None

    _hours = field_validator("availability")(_check_hours)

    @field_validator("skills")
    @classmethod
    def _proficiency(cls, value: dict[str, int]) -> dict[str, int]:
        for skill, level in value.items():
            if not 1 <= level <= 5:
                raise ValueError(f"proficiency of {skill!r} must be 1..5, not {level}")
        return value


class AgentGroupModel(_Model):
    """`count` agents alike but for their ids: '{prefix}{n:03d}'."""

    prefix: str = Field(min_length=1)
    count: int = Field(ge=1, le=5000)
    template: dict[str, Any]


class RulesModel(_Model):
    max_daily_work_h: float = Field(10.0, gt=0, le=24)
    max_weekly_work_h: float = Field(48.0, gt=0)
    max_avg_weekly_work_h: float = Field(44.0, gt=0)
    avg_weeks: int = Field(12, ge=1)
    legal_week_h: float = Field(35.0, gt=0)
    overtime_25_until_h: float = Field(43.0, gt=0)
    contract_tolerance_h: float = Field(2.0, ge=0)
    max_overtime_h_per_week: float = Field(8.0, ge=0)
    daily_rest_h: float = Field(11.0, ge=0, le=24)
    weekly_rest_h: float = Field(35.0, ge=0)
    max_working_days_per_week: int = Field(6, ge=1, le=7)
    break_after_work_h: float = Field(6.0, gt=0)
    break_min: int = Field(20, ge=0)
    paid_break_min: int = Field(10, ge=0)
    paid_break_every_min: int = Field(120, gt=0)
    lunch_min: int = Field(45, ge=0)
    lunch_window: str = "11:00-15:00"
    lunch_if_shift_over_h: float = Field(6.0, gt=0)
    min_shift_h: float = Field(4.0, gt=0)
    max_shift_h: float = Field(10.0, gt=0)
    night_window: str = "21:00-06:00"
    night_worker_max_daily_h: float = Field(8.0, gt=0)
    night_worker_max_avg_weekly_h: float = Field(40.0, gt=0)
    change_notice_days: int = Field(7, ge=0, le=60)

    @field_validator("lunch_window")
    @classmethod
    def _window(cls, value: str) -> str:
        TimeWindow.parse(value)
        return value

    @field_validator("night_window")
    @classmethod
    def _night(cls, value: str) -> str:
        start, sep, end = value.partition("-")
        if not sep:
            raise ValueError(f"night window {value!r} is not HH:MM-HH:MM")
        parse_hhmm(start)
        parse_hhmm(end)
        return value


class AgreementModel(_Model):
    volunteers_only: bool = True
    readiness_check_required: bool = True
    contact_hours: HoursSpec | None = None
    onsite_days_per_month: int = Field(1, ge=0, le=31)
    training_share: float = Field(0.10, ge=0, lt=1)
    max_home_days_per_week: int | None = Field(None, ge=0, le=7)
    max_home_days_per_month: int | None = Field(None, ge=0, le=31)
    split_shifts_allowed: bool = True
    max_splits_per_day: int = Field(1, ge=0, le=3)
    split_gap_min_min: int = Field(60, ge=0)
    split_gap_max_min: int = Field(120, ge=0)
    reversibility_notice_days: int = Field(30, ge=0)

    _hours = field_validator("contact_hours")(_check_hours)


class PlanningModel(_Model):
    interval_min: Literal[15, 30, 60] = 30
    horizon_weeks: int = Field(1, ge=1, le=8)
    start_date: dt.date | None = None
    shrinkage: float = Field(0.30, ge=0, lt=1)
    seed: int = 20260101
    special_days_files: list[str] = []


class HistoryModel(_Model):
    kind: Literal["intervals", "acd", "generator"]
    path: str | None = None
    interval_min: Literal[15, 30, 60] = 30
    queue_map: dict[str, str] = {}
    seed: int | None = None
    weeks: int | None = Field(None, ge=1, le=104)


class ScenarioModel(_Model):
    name: str = Field(min_length=1)
    description: str = ""
    timezone: str = "Europe/Paris"
    queues: list[QueueModel] = Field(min_length=1)
    sites: list[SiteModel] = Field(min_length=1)
    teams: list[TeamModel] = Field(min_length=1)
    agents: list[AgentModel] = []
    agent_groups: list[AgentGroupModel] = []
    rules: RulesModel = RulesModel()
    agreement: AgreementModel = AgreementModel()
    planning: PlanningModel = PlanningModel()
    history: HistoryModel | None = None
    evaluation_forms: list[EvaluationFormModel] = []
    # later stages (variants, reports) may add sections of their own
    variants: list[dict[str, Any]] = []

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value


def read_document(path: Path) -> tuple[dict[str, Any], dict[tuple[str | int, ...], int]]:
    """Parse a YAML or TOML scenario file into a plain dict (and YAML key lines)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read scenario file ({exc.strerror})", path=path) from exc
    suffix = path.suffix.lower()
    lines: dict[tuple[str | int, ...], int] = {}
    try:
        if suffix == ".toml":
            doc: Any = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            doc, lines = load_with_lines(text)
        else:
            raise InputError("scenario files are .yaml, .yml or .toml", path=path)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError(f"not valid YAML: {exc.problem}", path=path, line=line) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", path=path) from exc
    if not isinstance(doc, dict):
        raise InputError("a scenario file must be a mapping at its top level", path=path)
    return doc, lines


def validate_document(
    doc: dict[str, Any], path: Path, lines: dict[tuple[str | int, ...], int] | None = None
) -> ScenarioModel:
    try:
        return ScenarioModel.model_validate(doc)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        where = _format_loc(loc)
        more = len(exc.errors()) - 1
        reason = err["msg"] + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")
        raise InputError(
            reason, path=path, where=where, line=nearest_line(lines or {}, loc)
        ) from exc


def _format_loc(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_scenario(path: Path | str) -> Scenario:
    """Read, validate and build a scenario; every problem is an InputError naming its place."""
    path = Path(path)
    doc, lines = read_document(path)
    model = validate_document(doc, path, lines)
    scenario = build_scenario(model, path, lines)
    if model.variants:  # a bad variant is a bad file too (variants build on this module)
        from homeshore.data.variants import variants_from_document

        variants_from_document(doc, path, lines)
    return scenario


def build_scenario(
    model: ScenarioModel, path: Path, lines: dict[tuple[str | int, ...], int] | None = None
) -> Scenario:
    lines = lines or {}

    def fail(reason: str, loc: tuple[str | int, ...]) -> InputError:
        return InputError(reason, path=path, where=_format_loc(loc), line=nearest_line(lines, loc))

    queues = tuple(_queue(q) for q in model.queues)
    _unique([q.id for q in queues], "queues", fail)
    _numbers_unique(queues, fail)
    skills = tuple(Skill(s) for s in sorted({q.skill for q in queues}))
    sites = tuple(Site(s.id, s.name or s.id, s.kind, s.seats, s.has_trainer) for s in model.sites)
    _unique([s.id for s in sites], "sites", fail)
    site_ids = {s.id for s in sites}
    teams = []
    for i, t in enumerate(model.teams):
        if t.site not in site_ids:
            raise fail(f"unknown site {t.site!r}", ("teams", i, "site"))
        teams.append(Team(t.id, t.name or t.id, t.manager, t.site, t.trainer))
    _unique([t.id for t in teams], "teams", fail)
    team_ids = {t.id for t in teams}
    skill_ids = {s.id for s in skills}
    queue_ids = {q.id for q in queues}
    for i, q in enumerate(model.queues):
        target = q.routing.overflow_queue
        if target is not None and target not in queue_ids:
            raise fail(f"unknown overflow queue {target!r}", ("queues", i, "routing"))

    raw_agents: list[tuple[tuple[str | int, ...], AgentModel]] = [
        (("agents", i), a) for i, a in enumerate(model.agents)
    ]
    for g, group in enumerate(model.agent_groups):
        for n in range(1, group.count + 1):
            data = {"id": f"{group.prefix}{n:03d}", **group.template}
            try:
                raw_agents.append((("agent_groups", g), AgentModel.model_validate(data)))
            except ValidationError as exc:
                err = exc.errors()[0]
                raise fail(err["msg"], ("agent_groups", g, "template", *err["loc"])) from exc
    agents = []
    for loc, a in raw_agents:
        if a.team not in team_ids:
            raise fail(f"unknown team {a.team!r}", (*loc, "team"))
        if a.site is not None and a.site not in site_ids:
            raise fail(f"unknown site {a.site!r}", (*loc, "site"))
        for skill in a.skills:
            if skill not in skill_ids:
                raise fail(f"unknown skill {skill!r} (no queue uses it)", (*loc, "skills"))
        try:
            agents.append(_agent(a))
        except ValueError as exc:
            raise fail(str(exc), loc) from exc
    _unique([a.id for a in agents], "agents", fail)

    r = model.rules
    night_start, _, night_end = r.night_window.partition("-")
    rules = LabourRules(
        **{k: v for k, v in r.model_dump().items() if k not in ("lunch_window", "night_window")},
        lunch_window=TimeWindow.parse(r.lunch_window),
        night_window_start_min=parse_hhmm(night_start),
        night_window_end_min=parse_hhmm(night_end),
    )
    ag = model.agreement
    try:
        agreement = TeleworkAgreement(
            **{k: v for k, v in ag.model_dump().items() if k != "contact_hours"},
            contact_hours=(
                WeeklyHours.from_mapping(ag.contact_hours)
                if ag.contact_hours is not None
                else WeeklyHours.always()
            ),
        )
    except ValueError as exc:
        raise fail(str(exc), ("agreement",)) from exc
    history = None
    if model.history is not None:
        h = model.history
        hist_path = (path.parent / h.path).resolve() if h.path else None
        history = HistorySource(
            h.kind, hist_path, h.interval_min, dict(h.queue_map), h.seed, h.weeks
        )
    p = model.planning
    special_days = tuple((path.parent / f).resolve() for f in p.special_days_files)
    for i, day_file in enumerate(special_days):
        if not day_file.is_file():
            raise fail(
                f"special-days file {day_file} not found", ("planning", "special_days_files", i)
            )
    planning = PlanningSettings(
        p.interval_min, p.horizon_weeks, p.start_date, p.shrinkage, p.seed, special_days
    )
    return Scenario(
        name=model.name,
        timezone=model.timezone,
        queues=queues,
        skills=skills,
        sites=sites,
        teams=tuple(teams),
        agents=tuple(agents),
        rules=rules,
        agreement=agreement,
        planning=planning,
        history=history,
        evaluation_forms=build_forms(model.evaluation_forms, fail),
        description=model.description,
        source=path,
    )


def _numbers_unique(queues: tuple[Queue, ...], fail: Any) -> None:
    """A dialled number (a voice queue's id or one of its numbers) reaches one queue."""
    reached: dict[str, str] = {}
    for i, queue in enumerate(queues):
        numbers = (queue.id, *queue.numbers) if queue.channel is Channel.VOICE else ()
        for k, number in enumerate(numbers):
            if reached.setdefault(number, queue.id) != queue.id:
                where = ("queues", i, "numbers", k - 1) if k else ("queues", i, "id")
                raise fail(f"number {number!r} already reaches queue {reached[number]}", where)


def _unique(ids: list[str], section: str, fail: Any) -> None:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            raise fail(f"duplicate id {value!r}", (section, i, "id"))
        seen.add(value)


def _queue(q: QueueModel) -> Queue:
    t = q.targets
    r = q.routing
    return Queue(
        id=q.id,
        name=q.name or q.id,
        channel=q.channel,
        skill=q.skill or q.id,
        opening_hours=WeeklyHours.from_mapping(q.opening_hours),
        targets=ServiceTargets(
            t.service_level, t.threshold_s, t.max_asa_s, t.max_abandon_rate, t.max_occupancy
        ),
        concurrency=q.concurrency,
        default_aht_s=q.default_aht_s,
        default_patience_s=q.default_patience_s,
        routing=RoutingSettings(**r.model_dump()),
        numbers=tuple(q.numbers),
        record_calls=q.record,
    )


def _agent(a: AgentModel) -> Agent:
    return Agent(
        id=a.id,
        name=a.name or a.id,
        team=a.team,
        contract_h_per_week=a.contract_h_per_week,
        work_modes=frozenset(a.work_modes),
        skills=tuple(AgentSkill(k, v) for k, v in a.skills.items()),
        primary_skill=a.primary_skill,
        telework_volunteer=a.telework_volunteer,
        telework_consent_date=a.telework_consent_date,
        readiness=a.readiness,
        accepts_split_shifts=a.accepts_split_shifts,
        night_worker=a.night_worker,
        availability=(
            WeeklyHours.from_mapping(a.availability)
            if a.availability is not None
            else WeeklyHours.always()
        ),
        days_off=frozenset(a.days_off),
        site=a.site,
    )
