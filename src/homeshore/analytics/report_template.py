"""The HTML of the planner's report (Jinja2, autoescaped). Offline: no script, no external URL.

Figures are inline SVG made by analytics.plots (every text in them escaped), hence `|safe`."""

from typing import Final

TEMPLATE: Final = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ report.title }}</title>
<style>
  :root { --ink: #1d2630; --muted: #5b6670; --line: #d9dee3; --ok: #1e7b45; --bad: #b3261e; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         color: var(--ink); background: #f6f7f9; }
  header, main > section { max-width: 1320px; margin: 0 auto; padding: 0 24px; }
  header { padding-top: 28px; }
  h1 { font-size: 26px; margin: 0 0 4px; }
  h2 { font-size: 21px; margin: 36px 0 10px; padding-top: 8px; border-top: 2px solid var(--line); }
  h3 { font-size: 16px; margin: 22px 0 8px; }
  p.sub { color: var(--muted); margin: 0 0 12px; max-width: 900px; }
  nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 8px 18px; }
  nav a { color: #24538a; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
  dl.facts dt { color: var(--muted); }
  dl.facts dd { margin: 0; }
  .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
           gap: 10px; margin: 12px 0; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
  .card .label { color: var(--muted); font-size: 13px; }
  .card .value { font-size: 22px; font-weight: 600; }
  .audit { padding: 10px 14px; border-radius: 8px; margin: 12px 0; font-weight: 600; }
  .audit.ok { background: #e3f4ea; color: var(--ok); border: 1px solid #b9e1c8; }
  .audit.bad { background: #fbe7e5; color: var(--bad); border: 1px solid #f1c1bc; }
  figure { margin: 14px 0; background: #fff; border: 1px solid var(--line); border-radius: 8px;
           padding: 10px; }
  figure svg { width: 100%; height: auto; display: block; }
  figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
  .tables { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
            gap: 6px 24px; }
  table { border-collapse: collapse; background: #fff; font-size: 13.5px; width: 100%; }
  th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; }
  th { background: #eef1f4; font-weight: 600; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .table-wrap { overflow-x: auto; }
  p.note { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
  p.relation { max-width: 1000px; }
  footer { max-width: 1320px; margin: 40px auto; padding: 0 24px; color: var(--muted);
           font-size: 13px; }
</style>
</head>
<body>
{% macro table(t) %}
<div class="table-wrap">
{% if t.title %}<h3>{{ t.title }}</h3>{% endif %}
<table>
  <thead><tr>{% for c in t.columns %}<th scope="col">{{ c }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for row in t.rows %}
    <tr>{% for v in row %}
      <td{% if t.numeric and t.numeric[loop.index0] %} class="num"{% endif %}>{{ v }}</td>
    {% endfor %}</tr>
  {% endfor %}
  </tbody>
</table>
{% if t.note %}<p class="note">{{ t.note }}</p>{% endif %}
</div>
{% endmacro %}
{% macro figure(f) %}
<figure>
  {{ f.svg|safe }}
  <figcaption><strong>{{ f.title }}.</strong> {{ f.caption }}</figcaption>
</figure>
{% endmacro %}
<header>
  <h1>{{ report.title }}</h1>
  {% if report.subtitle %}<p class="sub">{{ report.subtitle }}</p>{% endif %}
  <dl class="facts">
  {% for k, v in report.facts %}<dt>{{ k }}</dt><dd>{{ v }}</dd>{% endfor %}
  </dl>
  <nav aria-label="sections"><ul>
    <li><a href="#comparison">Variants side by side</a></li>
    <li><a href="#demand">Demand</a></li>
    {% for v in report.variants %}<li><a href="#{{ v.anchor }}">{{ v.title }}</a></li>{% endfor %}
    <li><a href="#files">Tables and conventions</a></li>
  </ul></nav>
</header>
<main>
<section id="comparison">
  <h2>Variants side by side</h2>
  {{ table(report.comparison) }}
  {% if report.differences %}{{ table(report.differences) }}{% endif %}
  {% if report.comparison_figure %}{{ figure(report.comparison_figure) }}{% endif %}
</section>
<section id="demand">
  <h2>Demand</h2>
  {% for f in report.demand %}{{ figure(f) }}{% endfor %}
</section>
{% for v in report.variants %}
<section id="{{ v.anchor }}">
  <h2>{{ v.title }}</h2>
  {% if v.description %}<p class="sub">{{ v.description }}</p>{% endif %}
  <div class="cards">
  {% for label, value in v.cards %}
    <div class="card"><div class="label">{{ label }}</div><div class="value">{{ value }}</div></div>
  {% endfor %}
  </div>
  <div class="audit {{ 'ok' if v.audit_ok else 'bad' }}" role="status">{{ v.audit_text }}</div>
  <p class="relation">{{ v.relation }}</p>
  {% for f in v.figures %}{{ figure(f) }}{% endfor %}
  <div class="tables">
  {% for t in v.tables %}{{ table(t) }}{% endfor %}
  </div>
</section>
{% endfor %}
<section id="files">
  <h2>Tables and conventions</h2>
  {% if report.notes %}
  <ul>{% for n in report.notes %}<li>{{ n }}</li>{% endfor %}</ul>
  {% endif %}
  {% if report.files %}
  <p>Every table of this report is also written next to it as CSV and JSON:</p>
  <ul>{% for f in report.files %}<li><code>{{ f }}</code></li>{% endfor %}</ul>
  {% endif %}
</section>
</main>
<footer>Made by homeshore plan. This file is self-contained: it needs no network.</footer>
</body>
</html>
"""
