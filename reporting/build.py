"""Build the HTML report and the Excel pack from the published warehouse.

Both are written beside each other under ``$SALESDW_HOME/reports/``, one pair per as-of date
(``kpi_report_<date>_<lang>.html`` / ``.xlsx``) plus ``latest.html`` / ``latest.xlsx`` for the newest data; every file
is written to a temporary name and renamed, so a reader never opens half a report."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.settings import Home
from reporting import html, sections
from reporting.excel import write_pack
from reporting.labels import Labels, default_language
from reporting.quality import data_quality

SECTIONS = (
    sections.headline, sections.attainment, sections.benchmark, sections.funnel, sections.pipeline,
    sections.segments, sections.market, sections.service, data_quality,
)


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    excel: Path
    latest_html: Path
    latest_excel: Path
    as_of: dt.date
    sections: tuple[str, ...]


def _replace(path: Path, write) -> None:
    partial = path.with_name(path.name + ".partial")
    write(partial)
    os.replace(partial, path)


def build_reports(home: Home, as_of: dt.date | None = None, lang: str | None = None) -> ReportFiles:
    if not home.published_db.exists():
        raise FileNotFoundError(f"{home.published_db}: nothing published yet (salesdw run)")
    labels = Labels(lang or default_language())
    con = duckdb.connect(str(home.published_db), read_only=True)
    try:
        data_as_of, company = con.execute(
            "select max(as_of_date), max(scope_name) filter (where scope_type = 'company') from marts.kpi_attainment"
        ).fetchone()
        if data_as_of is None:
            raise ValueError(f"{home.published_db}: marts.kpi_attainment is empty; nothing to report")
        as_of = as_of or data_as_of
        if as_of > data_as_of:
            raise ValueError(f"--as-of {as_of}: the warehouse holds data up to {data_as_of}")
        ctx = sections.Context(con, home, as_of, labels)
        built = [section(ctx) for section in SECTIONS]
    finally:
        con.close()
    folder = home.root / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"kpi_report_{as_of.isoformat()}_{labels.lang}"
    page = html.render(built, labels, as_of, company or "")
    files = ReportFiles(stem.with_suffix(".html"), stem.with_suffix(".xlsx"),
                        folder / "latest.html", folder / "latest.xlsx", as_of, tuple(s.key for s in built))
    # latest.* follows the newest data only: reprinting an old as-of date leaves it alone
    is_latest = as_of == data_as_of
    for target in (files.html, files.latest_html) if is_latest else (files.html,):
        _replace(target, lambda p: p.write_text(page, encoding="utf-8"))
    for target in (files.excel, files.latest_excel) if is_latest else (files.excel,):
        _replace(target, lambda p: write_pack(built, labels, p))
    return files
