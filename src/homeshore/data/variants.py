"""Scenario variants: named sets of changes to a scenario file, compared side by side.

A variant changes workforce, agreement or rule settings, never code. It is applied to the
scenario *document* (the parsed YAML/TOML) and the result goes through the same validation as
the base scenario, so a variant can only describe what a scenario file can describe.

Operations, applied in this order (see docs/scenario.md, "variants"):

1. ``based_on``: start from another, earlier variant instead of the base file.
2. ``rules``, ``agreement``, ``planning``: fields given replace the base values.
3. ``queues``, ``sites``, ``teams``: ``{id: {field: value}}`` replaces fields of existing entries.
4. ``add_sites``, ``add_teams``, ``add_agents``, ``add_agent_groups``: new entries.
5. ``remove_agents``: a list of matches; an agent matched by any of them is removed.
6. ``agents``: a list of ``{match, set}``; every agent matched gets the fields of ``set``.

Agent groups are expanded into agents (ids ``prefix001``...) before 5 and 6, so a match can
select part of a group. A match that selects no agent is an error (it is almost always a typo).
"""

from __future__ import annotations

import copy
import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from homeshore.data._yaml_lines import nearest_line
from homeshore.data.scenario_file import (
    AgentModel,
    AgreementModel,
    PlanningModel,
    QueueModel,
    RulesModel,
    SiteModel,
    TeamModel,
    build_scenario,
    read_document,
    validate_document,
)
from homeshore.domain import Scenario, WorkMode
from homeshore.errors import InputError

__all__ = [
    "AgentChange",
    "AgentMatch",
    "Variant",
    "VariantModel",
    "apply_variant",
    "base_variant",
    "load_scenario_and_variants",
    "load_variants",
    "select_variants",
    "variants_from_document",
]

Lines = dict[tuple[str | int, ...], int]

#: name of the variant standing for the scenario file as written, when it declares none
BASE_NAME = "base"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known_fields(model: type[BaseModel], value: Mapping[str, Any], what: str) -> None:
    unknown = sorted(set(value) - set(model.model_fields))
    if unknown:
        raise ValueError(f"unknown {what} field(s): {', '.join(unknown)}")


#: the model of each section a variant may change, to reject unknown field names early
_SECTION_MODELS: dict[str, type[BaseModel]] = {
    "rules": RulesModel,
    "agreement": AgreementModel,
    "planning": PlanningModel,
    "queues": QueueModel,
    "sites": SiteModel,
    "teams": TeamModel,
}


class AgentMatch(_Model):
    """Which agents a change applies to: every criterion given must hold."""

    ids: list[str] = []  # ids or shell patterns ("home_*")
    team: list[str] = []
    work_mode: WorkMode | None = None  # agents who may work in this mode
    skill: str | None = None  # agents who have this skill
    telework_volunteer: bool | None = None

    def is_empty(self) -> bool:
        return not (
            self.ids
            or self.team
            or self.work_mode is not None
            or self.skill is not None
            or self.telework_volunteer is not None
        )

    def matches(self, agent: Mapping[str, Any]) -> bool:
        agent_id = str(agent.get("id", ""))
        if self.ids and not any(fnmatch.fnmatchcase(agent_id, p) for p in self.ids):
            return False
        if self.team and agent.get("team") not in self.team:
            return False
        if self.work_mode is not None:
            modes = [str(m) for m in agent.get("work_modes", [WorkMode.SITE.value])]
            if self.work_mode.value not in modes:
                return False
        if self.skill is not None and self.skill not in dict(agent.get("skills", {})):
            return False
        volunteer = bool(agent.get("telework_volunteer", False))
        return self.telework_volunteer is None or volunteer == self.telework_volunteer


class AgentChange(_Model):
    match: AgentMatch
    set: dict[str, Any] = Field(min_length=1)

    @field_validator("set")
    @classmethod
    def _fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        _known_fields(AgentModel, value, "agent")
        if "id" in value:
            raise ValueError("a change cannot rename agents (id)")
        return value


class VariantModel(_Model):
    name: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = ""
    description: str = ""
    based_on: str | None = None
    rules: dict[str, Any] = {}
    agreement: dict[str, Any] = {}
    planning: dict[str, Any] = {}
    queues: dict[str, dict[str, Any]] = {}
    sites: dict[str, dict[str, Any]] = {}
    teams: dict[str, dict[str, Any]] = {}
    add_sites: list[dict[str, Any]] = []
    add_teams: list[dict[str, Any]] = []
    add_agents: list[dict[str, Any]] = []
    add_agent_groups: list[dict[str, Any]] = []
    remove_agents: list[AgentMatch] = []
    agents: list[AgentChange] = []

    @field_validator("rules", "agreement", "planning")
    @classmethod
    def _section(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        name = str(info.field_name)
        _known_fields(_SECTION_MODELS[name], value, name)
        return value

    @field_validator("queues", "sites", "teams")
    @classmethod
    def _entries(
        cls, value: dict[str, dict[str, Any]], info: ValidationInfo
    ) -> dict[str, dict[str, Any]]:
        name = str(info.field_name)
        for fields in value.values():
            _known_fields(_SECTION_MODELS[name], fields, name.removesuffix("s"))
        return value

    @field_validator("remove_agents")
    @classmethod
    def _removals(cls, value: list[AgentMatch]) -> list[AgentMatch]:
        if any(m.is_empty() for m in value):
            raise ValueError("a removal needs at least one criterion (ids, team, ...)")
        return value


@dataclass(frozen=True, slots=True)
class Variant:
    """One scenario to plan: the base file with a variant's changes applied."""

    name: str
    title: str
    description: str
    scenario: Scenario

    @property
    def label(self) -> str:
        return self.title or self.name


def _fail(
    reason: str, path: Path, lines: Lines, loc: tuple[str | int, ...], where: str | None = None
) -> InputError:
    text = where or _format(loc)
    return InputError(reason, path=path, where=text, line=nearest_line(lines, loc))


def _format(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _expand_groups(doc: dict[str, Any]) -> None:
    """Turn agent_groups into explicit agents (same ids as the scenario loader gives them)."""
    agents = list(doc.get("agents") or [])
    for group in doc.get("agent_groups") or []:
        if not isinstance(group, Mapping):
            continue  # validation of the result reports it
        template = dict(group.get("template") or {})
        prefix = str(group.get("prefix", ""))
        count = int(group.get("count", 0))
        agents.extend({"id": f"{prefix}{n:03d}", **template} for n in range(1, count + 1))
    doc["agents"] = agents
    doc["agent_groups"] = []


def _merge_by_id(
    entries: list[Any], changes: Mapping[str, Mapping[str, Any]], section: str
) -> list[Any]:
    out = [dict(e) if isinstance(e, Mapping) else e for e in entries]
    ids = [e.get("id") if isinstance(e, Mapping) else None for e in out]
    for entry_id, fields in changes.items():
        if entry_id not in ids:
            raise ValueError(f"{section}: no entry with id {entry_id!r} to change")
        out[ids.index(entry_id)].update(copy.deepcopy(dict(fields)))
    return out


def apply_variant(doc: Mapping[str, Any], variant: VariantModel) -> dict[str, Any]:
    """The scenario document with the variant's changes (raises ValueError naming the step)."""
    out = copy.deepcopy({k: v for k, v in doc.items() if k != "variants"})
    for section in ("rules", "agreement", "planning"):
        fields = getattr(variant, section)
        if fields:
            base = out.get(section) or {}
            out[section] = {**dict(base), **copy.deepcopy(fields)}
    for section in ("queues", "sites", "teams"):
        changes = getattr(variant, section)
        if changes:
            out[section] = _merge_by_id(list(out.get(section) or []), changes, section)
    for section in ("sites", "teams", "agents", "agent_groups"):
        added = getattr(variant, f"add_{section}")
        if added:
            out[section] = [*(out.get(section) or []), *copy.deepcopy(added)]
    if variant.remove_agents or variant.agents:
        _expand_groups(out)
    for i, match in enumerate(variant.remove_agents):
        before = len(out["agents"])
        out["agents"] = [a for a in out["agents"] if not match.matches(a)]
        if len(out["agents"]) == before:
            raise ValueError(f"remove_agents[{i}] matches no agent")
    for i, change in enumerate(variant.agents):
        hits = 0
        for agent in out["agents"]:
            if change.match.matches(agent):
                agent.update(copy.deepcopy(change.set))
                hits += 1
        if not hits:
            raise ValueError(f"agents[{i}].match matches no agent")
    return out


def _parse_models(raw: Sequence[Any], path: Path, lines: Lines) -> list[VariantModel]:
    models: list[VariantModel] = []
    for i, entry in enumerate(raw):
        try:
            model = VariantModel.model_validate(entry)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc: tuple[str | int, ...] = ("variants", i, *err["loc"])
            raise _fail(err["msg"], path, lines, loc) from exc
        names = [m.name for m in models]
        if model.name in names or model.name == BASE_NAME:
            why = "is reserved" if model.name == BASE_NAME else "is used twice"
            raise _fail(f"variant name {model.name!r} {why}", path, lines, ("variants", i, "name"))
        if model.based_on is not None and model.based_on not in names:
            raise _fail(
                f"based_on {model.based_on!r} is not an earlier variant",
                path,
                lines,
                ("variants", i, "based_on"),
            )
        models.append(model)
    return models


def variants_from_document(
    doc: Mapping[str, Any], path: Path, lines: Lines | None = None
) -> list[Variant]:
    """Every variant of a parsed scenario file, validated and built (the base if none)."""
    lines = lines or {}
    raw = doc.get("variants") or []
    if not isinstance(raw, list):
        raise _fail("variants must be a list", path, lines, ("variants",))
    models = _parse_models(raw, path, lines)
    if not models:
        model = validate_document(dict(doc), path, lines)
        scenario = build_scenario(model, path, lines)
        return [base_variant(scenario)]
    docs: dict[str, dict[str, Any]] = {}
    variants: list[Variant] = []
    for i, vm in enumerate(models):
        where = f"variants[{i}] ({vm.name})"
        start = docs[vm.based_on] if vm.based_on is not None else doc
        try:
            derived = apply_variant(start, vm)
        except ValueError as exc:
            raise _fail(str(exc), path, lines, ("variants", i), where) from exc
        docs[vm.name] = derived
        try:
            scenario = build_scenario(validate_document(derived, path), path)
        except InputError as exc:
            raise _fail(
                f"{exc.where}: {exc.reason}" if exc.where else exc.reason,
                path,
                lines,
                ("variants", i),
                f"{where}, in the scenario it makes",
            ) from exc
        variants.append(Variant(vm.name, vm.title, vm.description, scenario))
    return variants


def base_variant(scenario: Scenario) -> Variant:
    """The scenario as written, for files that declare no variant."""
    return Variant(BASE_NAME, "As written", scenario.description, scenario)


def load_variants(path: Path | str) -> list[Variant]:
    """Read a scenario file and build each of its variants (or the base scenario alone)."""
    return load_scenario_and_variants(path)[1]


def load_scenario_and_variants(path: Path | str) -> tuple[Scenario, list[Variant]]:
    """The scenario as written (its history belongs to it) and each of its variants."""
    path = Path(path)
    doc, lines = read_document(path)
    # the base must be valid on its own: its errors point at its own lines
    base = build_scenario(validate_document(doc, path, lines), path, lines)
    return base, variants_from_document(doc, path, lines)


def select_variants(variants: Sequence[Variant], names: Sequence[str] | None) -> list[Variant]:
    """The variants named, in the order given; all of them when `names` is empty or None."""
    if not names:
        return list(variants)
    by_name = {v.name: v for v in variants}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise InputError(
            f"unknown variant(s) {', '.join(unknown)}; the scenario has {', '.join(by_name)}",
            where="--variants",
        )
    return [by_name[n] for n in dict.fromkeys(names)]
