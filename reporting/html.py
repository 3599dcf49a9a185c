"""The HTML KPI report: one self-contained page. Vega, Vega-Lite and vega-embed are inlined
(the bundle vl-convert ships), the data is inline, the fonts are the reader's own: the page
makes no network request and opens from a file, an e-mail or an intranet share alike."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal

import jinja2
import pandas as pd
import vl_convert
from altair.utils._importers import vl_version_for_vl_convert
from markupsafe import Markup

from reporting.charts import FONT
from reporting.labels import Labels
from reporting.sections import Column, Section, Table

PAGE = jinja2.Environment(autoescape=True).from_string("""\
<!DOCTYPE html>
<html lang="{{ 'zh-CN' if lang == 'zh' else 'en' }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ t('report_title') }} · {{ as_of }}</title>
<style>
  body { font-family: {{ font }}; margin: 0 auto; max-width: 1100px; padding: 0 16px 48px; color: #1f2933; }
  header { border-bottom: 2px solid #1f2933; margin-bottom: 12px; }
  nav a { margin-right: 12px; font-size: 14px; }
  section { margin-top: 28px; }
  h2 { border-left: 4px solid #1565c0; padding-left: 8px; }
  table { border-collapse: collapse; font-size: 13px; margin: 8px 0 16px; }
  th, td { border: 1px solid #d0d7de; padding: 3px 8px; }
  th { background: #f3f5f7; text-align: left; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.good { background: #e8f5e9; } td.warn { background: #fff8e1; } td.bad { background: #ffebee; }
  .scroll { max-height: 480px; overflow: auto; }
  .empty { color: #6b7785; font-style: italic; }
</style>
<script type="text/javascript">{{ bundle }}</script>
</head>
<body>
<header>
  <h1>{{ t('report_title') }} — {{ company }}</h1>
  <p>{{ t('as_of') }}: <b>{{ as_of }}</b> · {{ t('generated_at') }}: {{ generated_at }}</p>
  <nav>{% for s in sections %}<a href="#{{ s.key }}">{{ t(s.title) }}</a>{% endfor %}</nav>
</header>
{% for s in sections %}
<section id="{{ s.key }}" data-section="{{ s.key }}">
  <h2>{{ t(s.title) }}</h2>
  {% for c in s.charts %}
    <h3>{{ t(c.title) }}</h3>
    {% if c.spec %}<div class="chart" id="chart-{{ c.key }}" data-chart="{{ c.key }}"></div>
    {% else %}<p class="empty">{{ t('no_data') }}</p>{% endif %}
  {% endfor %}
  {% for table in s.tables %}
    {% if s.tables|length > 1 or not s.charts %}<h3>{{ t(table.title) }}</h3>{% endif %}
    {% if table.frame.empty %}<p class="empty">{{ t('no_data') }}</p>
    {% else %}<div class="scroll"><table data-table="{{ table.key }}">
      <thead><tr>{% for col in table.columns %}<th>{{ t(col.label) }}</th>{% endfor %}</tr></thead>
      <tbody>{% for row in rows(table, t) %}<tr>{% for cell in row %}<td class="{{ cell[1] }}">{{ cell[0] }}</td>{% endfor %}</tr>{% endfor %}</tbody>
    </table></div>{% endif %}
  {% endfor %}
</section>
{% endfor %}
<script type="text/javascript">
  const specs = {{ specs }};
  for (const [key, spec] of Object.entries(specs)) {
    vegaEmbed("#chart-" + key, spec, {renderer: "svg", actions: false}).catch(console.error);
  }
</script>
</body>
</html>
""")


def _missing(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def format_cell(value: object, column: Column, labels: Labels) -> str:
    if _missing(value):
        return ""
    if column.kind == "flag":
        return labels("yes") if value else labels("no")
    if column.kind == "percent":
        return f"{float(value):.1%}"
    if column.kind == "money":
        return f"{float(value):,.2f}"
    if column.kind == "count":
        return f"{int(value):,}"
    if column.kind == "number":
        number = float(value)
        if number.is_integer() or abs(number) >= 1000:
            return f"{number:,.0f}"
        return f"{number:.3g}" if abs(number) < 10 else f"{number:,.1f}"
    if column.kind == "date" and isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    return str(value)


def attainment_class(value: object) -> str:
    """Green at or above target, amber within 10 % of it, red below: the seeds' traffic light."""
    if _missing(value):
        return ""
    share = float(value)
    return "good" if share >= 1 else "warn" if share >= 0.9 else "bad"


def _rows(table: Table, labels: Labels) -> list[list[tuple[str, str]]]:
    rows = []
    for record in table.frame.to_dict("records"):
        row = []
        for column in table.columns:
            value = record.get(column.name)
            css = "num" if column.kind in ("money", "count", "percent", "number") else ""
            if column.name in table.attainment_columns:
                css += " " + attainment_class(value)
            row.append((format_cell(value, column, labels), css.strip()))
        rows.append(row)
    return rows


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, default=lambda v: float(v) if isinstance(v, Decimal) else str(v))
    return text.replace("</", "<\\/")


def render(sections: list[Section], labels: Labels, as_of: dt.date, company: str) -> str:
    specs = {c.key: c.spec for s in sections for c in s.charts if c.spec}
    return PAGE.render(
        lang=labels.lang, t=labels, as_of=as_of.isoformat(), company=company, font=Markup(FONT),
        generated_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        sections=sections, rows=_rows,
        bundle=Markup(vl_convert.javascript_bundle(vl_version=vl_version_for_vl_convert())),
        specs=Markup(_script_json(specs)),
    )
