"""The planner's report: one self-contained HTML file (no script, no external asset).

Figures are inline SVG (analytics.plots); styles are inline. `build_report` assembles the page
from the variants' analyses; `render_report` turns the view into HTML with Jinja2
(autoescaped; the figures' markup, built with every text escaped, is placed as it is).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment

from homeshore.analytics import plots
from homeshore.analytics.relation import relation_text
from homeshore.analytics.report_template import TEMPLATE
from homeshore.analytics.results import COMPARISON, VariantAnalysis, comparison_table

Formats = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class TableView:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""
    numeric: tuple[bool, ...] = ()

    @classmethod
    def of(
        cls,
        title: str,
        frame: pd.DataFrame,
        formats: Formats | None = None,
        *,
        note: str = "",
        labels: Mapping[str, str] | None = None,
        limit: int | None = None,
    ) -> TableView:
        formats = formats or {}
        labels = labels or {}
        shown = frame if limit is None else frame.head(limit)
        rows = tuple(
            tuple(_cell(v, formats.get(str(c))) for c, v in zip(frame.columns, r, strict=True))
            for r in shown.itertuples(index=False)
        )
        if limit is not None and len(frame) > limit:
            note = (note + " " if note else "") + f"First {limit} of {len(frame)} rows shown."
        numeric = tuple(pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns)
        return cls(
            title, tuple(labels.get(str(c), str(c)) for c in frame.columns), rows, note, numeric
        )


def _cell(value: Any, fmt: str | None) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.strftime("%a %d %b %H:%M")
    if fmt is not None:
        return fmt.format(value)
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, float | np.floating):
        return f"{value:,.2f}"
    return str(value)


@dataclass(frozen=True, slots=True)
class FigureView:
    title: str
    caption: str
    svg: str  # markup of an <svg> element (analytics.svg)


@dataclass(frozen=True, slots=True)
class VariantView:
    anchor: str
    title: str
    description: str
    cards: tuple[tuple[str, str], ...]
    audit_ok: bool
    audit_text: str
    relation: str
    figures: tuple[FigureView, ...]
    tables: tuple[TableView, ...]


@dataclass(frozen=True, slots=True)
class ReportView:
    title: str
    subtitle: str
    facts: tuple[tuple[str, str], ...]
    comparison: TableView
    differences: TableView | None
    comparison_figure: FigureView | None
    demand: tuple[FigureView, ...]
    variants: tuple[VariantView, ...]
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def _formats(keys: Sequence[tuple[str, str, str]]) -> dict[str, str]:
    return {key: fmt for key, _, fmt in keys}


COVERAGE_FORMATS = {
    "required_agent_h": "{:,.1f}",
    "scheduled_agent_h": "{:,.1f}",
    "planned_agent_h": "{:,.1f}",
    "short_agent_h": "{:,.1f}",
    "over_agent_h": "{:,.1f}",
    "below_required_agent_h": "{:,.1f}",
    "alone_agent_h": "{:,.1f}",
}
COVERAGE_LABELS = {
    "required_agent_h": "required",
    "scheduled_agent_h": "target",
    "planned_agent_h": "planned",
    "short_agent_h": "short",
    "over_agent_h": "over",
    "below_required_agent_h": "below required",
    "alone_agent_h": "alone",
    "intervals_short": "intervals short",
}
SIM_FORMATS = {
    "offered": "{:,.0f}",
    "service_level": "{:.1%}",
    "asa_s": "{:.1f}",
    "abandon_rate": "{:.2%}",
}
SIM_LABELS = {
    "offered": "contacts",
    "service_level": "service level",
    "asa_s": "ASA (s)",
    "abandon_rate": "abandon rate",
}
SEAT_FORMATS = {"utilisation": "{:.0%}"}
SEAT_LABELS = {"peak_seats_used": "peak used", "peak_at": "first at peak"}


PERIOD_NAMES = {"weekday_evening": "weekday evenings", "saturday": "Saturdays"}


def _cover_rows(cover: pd.DataFrame) -> pd.DataFrame:
    """Evenings and Saturdays: the locations that take contacts then, with hours and share."""
    worked = cover[cover["work_h"] > 0]
    return pd.DataFrame(
        {
            "period": worked["period"].map(PERIOD_NAMES),
            "location": worked["location"],
            "advisors": worked["agents"],
            "contact hours": worked["work_h"],
            "share": worked["share"],
        }
    )


COVER_FORMATS = {"contact hours": "{:,.1f}", "share": "{:.0%}"}


def _onsite_training(a: VariantAnalysis) -> pd.DataFrame:
    """On-site days of home volunteers and training placed, per team."""
    agents = a.agents
    rows = []
    for team, g in agents.groupby("team", sort=True):
        volunteers = g[g["home_volunteer"]]
        paid = float(g["paid_h"].sum())
        rows.append(
            {
                "team": team,
                "advisors": len(g),
                "home volunteers": len(volunteers),
                "their days on site": int(volunteers["onsite_days"].sum()),
                "their days at home": int(volunteers["home_days"].sum()),
                "fewest days on site": int(volunteers["onsite_days"].min())
                if len(volunteers)
                else None,
                "training (h)": float(g["training_h"].sum()),
                "training share": float(g["training_h"].sum()) / paid if paid else 0.0,
            }
        )
    return pd.DataFrame(rows)


def differences(table: pd.DataFrame) -> pd.DataFrame:
    """Each variant after the first minus the first, for the COMPARISON figures."""
    first = table.iloc[0]
    rows = []
    for _, row in table.iloc[1:].iterrows():
        diff: dict[str, object] = {"variant": row["title"]}
        for key, _, _ in COMPARISON:
            diff[key] = float(row[key]) - float(first[key])
        rows.append(diff)
    return pd.DataFrame(rows, columns=["variant", *(k for k, _, _ in COMPARISON)])


def _signed(fmt: str) -> str:
    """'{:,.1f}' -> '{:+,.1f}'; percentages become percentage points."""
    if fmt.endswith("%}"):
        digits = fmt[fmt.index(".") + 1 : -2]
        return "{:+." + digits + "%}"
    return fmt.replace("{:", "{:+", 1)


def _variant_view(a: VariantAnalysis) -> VariantView:
    o, s = a.outcome, a.summary
    tz = o.scenario.timezone
    cards = (
        ("paid hours", f"{s['paid_h']:,.0f} h"),
        ("overtime", f"{s['overtime_h']:,.1f} h"),
        ("peak seats used", f"{s['peak_seats_used']:.0f}"),
        ("hours from home", f"{s['home_share']:.1%}"),
        ("simulated service level", f"{s['service_level']:.1%}"),
        ("simulated abandon rate", f"{s['abandon_rate']:.2%}"),
    )
    n_violations = len(o.audit)
    audit_text = (
        "The audit re-checked every labour, telework and seat rule on the schedule: "
        f"{n_violations} violation{'s' * (n_violations != 1)}."
    )
    sim = a.outcome.simulation.copy()
    targets = {q.id: q.targets for q in o.scenario.queues}
    sim["sl_target"] = [targets[q].service_level for q in sim["queue"]]
    sim["abandon_target"] = [targets[q].max_abandon_rate for q in sim["queue"]]
    figures = (
        FigureView(
            "Requirements against the roster",
            "Advisors needed per pool of queues sharing advisors and per interval (dashed: the "
            "pooled requirement; black: target after shrinkage) and advisors the roster puts "
            "on the pool's queues (shaded); a mark: an interval where some queue of the pool "
            "is short of its share of the target.",
            plots.coverage_figure(a.pool_coverage, tz, by="pool"),
        ),
        FigureView(
            "Simulated service",
            f"Service level, ASA and abandon rate per interval over {o.replications} "
            "replications of the schedule: mean (line) and 95 % confidence band; dashed: target. "
            f"Intervals with fewer than {plots.MIN_CONTACTS_SHOWN:g} simulated contacts are "
            "left out, and a queue with none above is named under the panels (all intervals "
            "are in simulation.csv).",
            plots.simulation_figure(sim, tz),
        ),
        FigureView(
            "Workforce",
            "Paid hours per day by location, seats in use at each site against its seats "
            "(dashed), and who takes contacts on weekday evenings and Saturdays.",
            plots.workforce_figure(a.daily_hours, a.occupancy, a.seats, a.cover, tz),
        ),
    )
    costs: list[tuple[str, int]] = sorted(o.penalty_costs.items(), key=lambda kv: (-kv[1], kv[0]))
    penalties = pd.DataFrame(costs, columns=["soft goal", "cost"])
    tables = [
        TableView.of(
            "Coverage per pool (agent-hours)",
            a.coverage_by_pool,
            COVERAGE_FORMATS,
            labels=COVERAGE_LABELS,
            note="Required: the pool's advisors counted once. Target: after shrinkage. Short "
            "and over: its queues against their shares of the target, per interval.",
        ),
        TableView.of(
            "Coverage per queue (agent-hours)",
            a.coverage_by_queue,
            COVERAGE_FORMATS,
            labels=COVERAGE_LABELS,
            note="Required: the queue's share of its pool's requirement; alone: the queue "
            "staffed on its own. Target: after shrinkage. Short and over: against the "
            "target, per interval.",
        ),
        TableView.of(
            "Simulated service per queue", a.simulation_by_queue, SIM_FORMATS, labels=SIM_LABELS
        ),
        TableView.of("Seats per site", a.seats, SEAT_FORMATS, labels=SEAT_LABELS),
        TableView.of(
            "Evenings and Saturdays: who takes the contacts",
            _cover_rows(a.cover),
            COVER_FORMATS,
            note="Contact hours on weekdays from the evening start to midnight, and on Saturdays.",
        ),
        TableView.of(
            "On-site days of home volunteers, and training placed",
            _onsite_training(a),
            {"training (h)": "{:,.1f}", "training share": "{:.1%}"},
        ),
        TableView.of(
            "Roster",
            pd.DataFrame(
                [
                    {
                        "solver status": o.roster_status,
                        "objective": o.roster_objective,
                        "bound": o.roster_bound,
                        "solve time (s)": o.roster_wall_s,
                    }
                ]
            ),
            {"objective": "{:,.0f}", "bound": "{:,.0f}", "solve time (s)": "{:.1f}"},
        ),
    ]
    if not penalties.empty:
        tables.append(TableView.of("What each soft goal cost", penalties, {"cost": "{:,}"}))
    if n_violations:
        tables.append(TableView.of("Audit violations", o.audit, limit=50))
    return VariantView(
        anchor=f"variant-{o.name}",
        title=o.label,
        description=o.description,
        cards=cards,
        audit_ok=n_violations == 0,
        audit_text=audit_text,
        relation=relation_text(a),
        figures=figures,
        tables=tuple(tables),
    )


def _same_forecast(analyses: Sequence[VariantAnalysis]) -> bool:
    first = analyses[0].outcome.forecast
    return all(a.outcome.forecast is first or a.outcome.forecast.equals(first) for a in analyses)


def build_report(
    analyses: Sequence[VariantAnalysis],
    history: pd.DataFrame,
    *,
    title: str,
    facts: Sequence[tuple[str, str]] = (),
    files: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> ReportView:
    """The report's view of a plan: comparison, demand, one section per variant."""
    if not analyses:
        raise ValueError("a report needs at least one variant")
    table = comparison_table(analyses)
    shown = table.drop(columns=["variant"]).rename(columns={"title": "variant"})
    labels = {key: label for key, label, _ in COMPARISON}
    comparison = TableView.of("", shown, _formats(COMPARISON), labels=labels)
    diff = None
    if len(analyses) > 1:
        signed = {key: _signed(fmt) for key, _, fmt in COMPARISON}
        diff = TableView.of(
            f"Difference from {analyses[0].outcome.label}",
            differences(table),
            signed,
            labels=labels,
            note="Shares and rates: differences in percentage points.",
        )
    chart = None
    if len(analyses) > 1:
        chart = FigureView(
            "Variants side by side",
            "",
            plots.comparison_figure(
                table,
                (
                    ("paid_h", "paid hours", 1.0),
                    ("peak_seats_used", "peak seats used", 1.0),
                    ("home_share", "hours from home (%)", 100.0),
                    ("short_agent_h", "agent-hours short of target", 1.0),
                    ("service_level", "simulated service level (%)", 100.0),
                    ("abandon_rate", "simulated abandon rate (%)", 100.0),
                ),
            ),
        )
    tz = analyses[0].outcome.scenario.timezone
    caption = (
        "Offered contacts per interval in the last weeks of history (grey), then the forecast "
        "mean (blue) and its P10-P90 band."
    )
    demand: tuple[FigureView, ...]
    if _same_forecast(analyses):
        demand = (
            FigureView(
                "Forecast against history (all variants)",
                caption,
                plots.forecast_figure(history, analyses[0].outcome.forecast, tz),
            ),
        )
    else:
        demand = tuple(
            FigureView(
                f"Forecast against history: {a.outcome.label}",
                caption,
                plots.forecast_figure(history, a.outcome.forecast, tz),
            )
            for a in analyses
        )
    return ReportView(
        title=title,
        subtitle=analyses[0].outcome.scenario.description,
        facts=tuple(facts),
        comparison=comparison,
        differences=diff,
        comparison_figure=chart,
        demand=demand,
        variants=tuple(_variant_view(a) for a in analyses),
        files=tuple(files),
        notes=tuple(notes),
    )


def render_report(view: ReportView) -> str:
    env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(TEMPLATE).render(report=view)
