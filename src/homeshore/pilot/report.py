"""The pilot's report for the director: one offline HTML page (and a CSV per table) that
answers, KPI by KPI, what moving advisors home changed, with its confidence interval, and
shows the checks the answer rests on: the groups' balance before the pilot, the effect by
periods since the move with the parallel-trends test (a pilot in phases), and how long
advisors stayed (Kaplan-Meier). Every figure comes from `compare`, `event_study`, `balance`
and `survival`; this module only gathers and renders them (Jinja2, autoescaped; figures
inline SVG, every text escaped; no script, no external reference)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from jinja2 import Environment

from homeshore.analytics import svg
from homeshore.pilot.baseline import IMBALANCE, Balance, balance
from homeshore.pilot.compare import Comparison, compare, verdict
from homeshore.pilot.phased import EventStudy, event_study
from homeshore.pilot.survival import Survival, survival_lines
from homeshore.pilot.tables import Question, Table, prepare

TREATED_COLOUR = "#1f6fb2"


@dataclass(frozen=True, slots=True)
class Kpi:
    outcome: str
    comparison: Comparison
    sentence: str
    study: EventStudy | None


@dataclass(frozen=True, slots=True)
class PilotReport:
    source: str
    group: str
    treated: str
    control: tuple[str, ...]
    staggered: bool
    kpis: tuple[Kpi, ...]
    balance: tuple[Balance, ...]
    survival: Survival | None


def build_report(
    table: Table,
    *,
    group: str,
    treated: str,
    outcomes: Sequence[str],
    control: str | None = None,
    staggered: bool = False,
    covariates: Sequence[str] = (),
    drop_missing: bool = False,
    survival_result: Survival | None = None,
) -> PilotReport:
    """Every KPI compared (with the event study for a pilot in phases), the balance of the
    covariates, and the time-to-leave result given (computed on its own table)."""
    if not outcomes:
        raise ValueError("a report needs at least one outcome")
    kpis = []
    controls: tuple[str, ...] = ()
    for outcome in outcomes:
        question = Question(
            group=group,
            treated=treated,
            outcome=outcome,
            control=control,
            drop_missing=drop_missing,
            staggered=staggered,
        )
        sample = prepare(table, question)
        controls = sample.control_groups
        result = compare(sample)
        study = event_study(sample) if staggered else None
        kpis.append(Kpi(outcome, result, verdict(result), study))
    rows = (
        balance(table, covariates, group=group, treated=treated, control=control)
        if covariates
        else []
    )
    return PilotReport(
        source=table.source,
        group=group,
        treated=treated,
        control=controls,
        staggered=staggered,
        kpis=tuple(kpis),
        balance=tuple(rows),
        survival=survival_result,
    )


def tables(report: PilotReport) -> dict[str, pd.DataFrame]:
    """The report's tables, one CSV each: kpis, and where present event_study, balance,
    survival."""
    out = {
        "kpis": pd.DataFrame(
            [{"outcome": k.outcome, **dataclasses.asdict(k.comparison)} for k in report.kpis]
        )
    }
    studies = [
        {"outcome": k.outcome, "periods_since": p, "estimate": b, "ci_low": lo, "ci_high": hi}
        for k in report.kpis
        if k.study is not None
        for p, b, lo, hi in zip(
            k.study.periods_since, k.study.estimate, k.study.ci_low, k.study.ci_high, strict=True
        )
    ]
    if studies:
        out["event_study"] = pd.DataFrame(studies)
    if report.balance:
        out["balance"] = pd.DataFrame(
            [{**dataclasses.asdict(b), "imbalanced": b.imbalanced} for b in report.balance]
        )
    if report.survival is not None:
        s = report.survival
        out["survival"] = pd.DataFrame(
            [
                {
                    "group": arm.group,
                    "persons": arm.persons,
                    "left": arm.events,
                    "median": arm.median,
                    "median_low": arm.median_low,
                    "median_high": arm.median_high,
                    "logrank_p": s.logrank_p,
                }
                for arm in (s.treated, s.control)
            ]
        )
    return out


def event_study_figure(outcome: str, study: EventStudy) -> str:
    """The effect by periods since the move with its interval, zero marked, the move
    marked: the periods before it show whether the trends were parallel."""
    # the period before the move is the reference: 0 by construction, drawn as such
    rows = zip(study.periods_since, study.estimate, study.ci_low, study.ci_high, strict=True)
    points = sorted([(-1, 0.0, 0.0, 0.0), *rows])
    x = np.array([p[0] for p in points], dtype=float)
    estimate = np.array([p[1] for p in points])
    low, high = np.array([p[2] for p in points]), np.array([p[3] for p in points])
    bottom, top = min(0.0, float(low.min())), max(0.0, float(high.max()))
    step = svg.nice_step(top - bottom if top > bottom else 1.0)
    y0, y1 = math.floor(bottom / step) * step, math.ceil(top / step) * step
    y_ticks = [y0 + k * step for k in range(round((y1 - y0) / step) + 1)]
    figure = svg.Figure(720, 300, f"{outcome}: effect by periods since the move")
    panel = figure.panel(svg.Box(60, 40, 640, 220), (x.min() - 0.5, x.max() + 0.5), (y0, y1))
    panel.axes([(p, f"{int(p):+d}" if p != -1 else "−1 (ref.)") for p in x], y_ticks)
    panel.title(f"{outcome}: treated − control by periods since the move (95 % CI)")
    panel.hline(0.0, svg.MUTED, dash="4 3")
    panel.vline(-0.5, svg.MUTED, dash="2 3")
    before, after = x < 0, x >= 0
    for part in (before, after):
        panel.band(x[part], low[part], high[part], TREATED_COLOUR, max_gap=1.0)
        panel.line(x[part], estimate[part], TREATED_COLOUR, max_gap=1.0)
    return figure.svg()


_TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pilot: {{ r.treated }} against {{ r.control | join(", ") }}</title>
<style>
  :root { --ink: #1d2630; --muted: #5b6670; --line: #d9dee3; --bad: #b3261e; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         color: var(--ink); background: #f6f7f9; }
  main { max-width: 1100px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 26px; margin: 0 0 4px; }
  h2 { font-size: 20px; margin: 30px 0 10px; padding-top: 8px; border-top: 2px solid var(--line); }
  p.sub { color: var(--muted); }
  ul.verdicts li { margin: 6px 0; }
  table { border-collapse: collapse; background: #fff; margin: 8px 0; }
  th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  tr.imbalanced td { color: var(--bad); }
  figure { margin: 14px 0; background: #fff; border: 1px solid var(--line); border-radius: 8px;
           padding: 10px; }
  figure svg { width: 100%; height: auto; display: block; }
</style>
</head>
<body>
<main>
<h1>Pilot: {{ r.treated }} advisors against {{ r.control | join(", ") }}</h1>
<p class="sub">{{ r.source }}; group column {{ r.group }};
{% if r.staggered %}a pilot in phases: advisor and period fixed effects{% else %}
groups compared as they are{% endif %}. 95 % confidence intervals throughout.</p>

<h2 id="verdicts">What it changed, KPI by KPI</h2>
<ul class="verdicts">
{% for k in r.kpis %}  <li><strong>{{ k.outcome }}</strong>: {{ k.sentence }}</li>
{% endfor %}</ul>

{% if studies %}<h2 id="trends">By periods since the move, and parallel trends</h2>
{% for k, figure in studies %}<figure>{{ figure | safe }}
<figcaption>{{ trend_words(k.study) }}</figcaption></figure>
{% endfor %}{% endif %}

{% if r.balance %}<h2 id="balance">Were the groups alike before the pilot?</h2>
<table>
<tr><th>covariate</th><th>{{ r.treated }} mean (sd)</th><th>control mean (sd)</th>
<th>standardized difference</th><th>p</th></tr>
{% for b in r.balance %}<tr{% if b.imbalanced %} class="imbalanced"{% endif %}>
<td>{{ b.covariate }}</td><td>{{ num(b.treated_mean) }} ({{ num(b.treated_sd) }})</td>
<td>{{ num(b.control_mean) }} ({{ num(b.control_sd) }})</td>
<td>{{ "%+.2f" | format(b.std_diff) }}</td><td>{{ num(b.p_value) }}</td></tr>
{% endfor %}</table>
<p class="sub">Beyond ±{{ imbalance }} the groups differed before the pilot: a plain
comparison reads that head start as the pilot's effect.</p>{% endif %}

{% if r.survival %}<h2 id="survival">How long advisors stay</h2>
<ul>{% for line in survival_words %}<li>{{ line }}</li>{% endfor %}</ul>{% endif %}
</main>
</body>
</html>
"""


def _num(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.3g}"


def _trend_words(study: EventStudy) -> str:
    if study.pre_trend_p is None:
        return "No period before the move: parallel trends cannot be checked."
    held = "not rejected" if study.pre_trend_p >= 0.05 else "rejected: read the estimate with care"
    return (
        f"Parallel trends before the move (joint test of the periods before it): {held} "
        f"(p = {study.pre_trend_p:.3g})."
    )


def render_html(report: PilotReport) -> str:
    """The report's page: verdicts first, then the checks they rest on."""
    env = Environment(autoescape=True)
    studies = [(k, event_study_figure(k.outcome, k.study)) for k in report.kpis if k.study]
    words = survival_lines(report.survival)[1:] if report.survival is not None else []
    return env.from_string(_TEMPLATE).render(
        r=report,
        studies=studies,
        num=_num,
        trend_words=_trend_words,
        imbalance=IMBALANCE,
        survival_words=words,
    )
