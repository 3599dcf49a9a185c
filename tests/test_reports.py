"""The KPI report and Excel pack that every nightly run writes (the `published/kpi_report`
asset), read as a manager would: the page in a real headless Chromium, the pack with openpyxl.
Figures are compared with the published marts, the source every BI tool reads."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import duckdb
import openpyxl
import pandas as pd
import pytest

from reporting.excel import write_pack
from reporting.labels import Labels
from reporting.sections import Column, Section, Table
from tests.debian_packages import apt_install

pytestmark = pytest.mark.slow

SECTIONS = ["headline", "attainment", "benchmark", "funnel", "pipeline", "segments", "market", "service", "data_quality"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _ensure_browser() -> str:
    """Debian's Chromium and a CJK font, installed when missing (the CI machine is root)."""
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    if shutil.which("chromium") is None or not fonts.strip():
        apt_install("chromium", "fonts-noto-cjk")
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def reports(published):
    folder = published.root / "reports"
    assert (folder / "latest.html").exists(), "the nightly run wrote no report"
    return folder


@pytest.fixture(scope="module")
def marts(published):
    con = duckdb.connect(str(published.published_db), read_only=True)
    yield con
    con.close()


def test_report_page_draws_every_section_offline(reports):
    from playwright.sync_api import sync_playwright

    chromium = _ensure_browser()
    errors, requests = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto((reports / "latest.html").as_uri())
            page.wait_for_function(
                "() => [...document.querySelectorAll('div.chart')].every(d => d.querySelector('svg .role-mark'))",
                timeout=30_000,
            )
            sections = page.eval_on_selector_all("section[data-section]", "els => els.map(e => e.dataset.section)")
            marks = page.eval_on_selector_all(
                "div.chart", "els => els.map(e => [e.dataset.chart, e.querySelectorAll('svg .role-mark > *').length])")
            text = page.inner_text("body")
            page.screenshot(path=str(reports / "latest.png"), full_page=True)
        finally:
            browser.close()
    assert sections == SECTIONS
    assert len(marks) >= 8 and all(count > 0 for _, count in marks), marks
    assert errors == []
    assert [url for url in requests if not url.startswith("file:")] == []
    assert CJK.search(text), "the default report is in Chinese"
    assert (reports / "latest.png").stat().st_size > 10_000


def test_report_figures_are_the_marts(reports, marts):
    """A figure on the page is the mart's figure, formatted."""
    page = (reports / "latest.html").read_text(encoding="utf-8")
    as_of = marts.execute("select max(as_of_date) from marts.kpi_attainment").fetchone()[0]
    actual, target = marts.execute(
        "select actual, target from marts.kpi_attainment where scope_type = 'region' and metric = 'revenue'"
        " and period_grain = 'quarter' and ? between period_start and period_end order by rank_in_peers limit 1",
        [as_of],
    ).fetchone()
    assert f"{float(actual):,.2f}" in page and f"{float(target):,.2f}" in page
    assert f"数据截至: <b>{as_of.isoformat()}</b>" in page


def test_excel_pack_is_typed_formatted_and_equal_to_the_marts(reports, marts):
    book = openpyxl.load_workbook(reports / "latest.xlsx")
    zh = Labels("zh")
    for title in ("headline", "attainment_regions", "attainment_reps", "benchmark", "funnel", "pipeline",
                  "segments_summary", "top_priority", "market_share", "price_index", "service", "dq_summary", "dq_loads"):
        assert zh(title) in book.sheetnames
    regions = book[zh("attainment_regions")]
    assert regions.freeze_panes == "A2"
    header = [c.value for c in regions[1]]
    assert header[:4] == [zh("region"), zh("actual"), zh("target"), zh("attainment_rate")]
    as_of = marts.execute("select max(as_of_date) from marts.kpi_attainment").fetchone()[0]
    expected = {name: (float(a), float(t)) for name, a, t in marts.execute(
        "select scope_name, actual, target from marts.kpi_attainment where scope_type = 'region'"
        " and metric = 'revenue' and period_grain = 'quarter' and ? between period_start and period_end", [as_of],
    ).fetchall()}
    rows = list(regions.iter_rows(min_row=2))
    assert len(rows) == len(expected)
    for name, actual, target, attainment, *_ in rows:
        assert actual.data_type == "n" and actual.number_format == "#,##0.00"
        assert attainment.number_format == "0.0%"
        assert actual.value == pytest.approx(expected[name.value][0], abs=0.005)
        assert target.value == pytest.approx(expected[name.value][1], abs=0.005)
    assert any("D2" in str(rule.sqref) for rule in regions.conditional_formatting), "attainment is coloured"
    headline = book[zh("headline")]
    assert isinstance(headline["C2"].value, dt.datetime) and headline["C2"].number_format == "yyyy-mm-dd"
    formulas = [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_excel_pack_never_runs_text_as_a_formula(tmp_path):
    hostile = pd.DataFrame({"name": ["=1+1", "=HYPERLINK(\"http://x\",\"y\")", "+86 571", "@SUM(A1)"],
                            "value": [1.5, None, 3, 4]})
    section = Section("s", "headline", tables=[Table("t", "headline",
                      [Column("name", "customer", "text"), Column("value", "value", "money")], hostile)])
    write_pack([section], Labels("en"), tmp_path / "pack.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "pack.xlsx").active
    assert [c.value for c in sheet["A"][1:]] == list(hostile["name"])
    assert {c.data_type for c in sheet["A"][1:]} == {"s"}
    assert sheet["B3"].value is None and sheet["B2"].value == 1.5


def test_report_in_english_for_an_earlier_date(published, monkeypatch):
    from orchestration.cli import main

    monkeypatch.setenv("SALESDW_HOME", str(published.root))
    latest_before = (published.root / "reports" / "latest.html").read_bytes()
    assert main(["report", "--lang", "en", "--as-of", "2025-06-30"]) == 0
    page = (published.root / "reports" / "kpi_report_2025-06-30_en.html").read_text(encoding="utf-8")
    assert "Attainment and ranking" in page and "Data as of: <b>2025-06-30</b>" in page
    assert (published.root / "reports" / "latest.html").read_bytes() == latest_before, "latest follows the newest data"
    assert main(["report", "--as-of", "2999-01-01"]) == 2
