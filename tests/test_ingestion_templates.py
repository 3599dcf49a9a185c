"""Management spreadsheets: every template of docs/templates.md loads as the entity it documents,
and the wide monthly target layout loads as long targets (one row per month)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from ingestion import ingest_paths
from ingestion.settings import Home
from tests.fixtures.ingestion.builders import raw_rows, write_csv, write_xlsx

TEMPLATES = Path(__file__).parents[1] / "docs" / "templates.md"
BLOCK = re.compile(r"^```csv (\w+)\n(.*?)^```", re.S | re.M)
MONTH = re.compile(r"\d{1,2}月|[A-Z][a-z]{2}|Q\d")


def _templates() -> list[tuple[str, list[list[str]]]]:
    blocks = BLOCK.findall(TEMPLATES.read_text(encoding="utf-8"))
    return [(entity, list(csv.reader(io.StringIO(body)))) for entity, body in blocks]


def test_the_templates_page_has_a_block_for_every_spreadsheet():
    assert {entity for entity, _ in _templates()} == {
        "targets", "sales_roster", "fx_rates", "market_size", "competitor_sales", "competitor_prices", "benchmarks",
        "satisfaction_surveys"}


@pytest.mark.parametrize(("index", "entity", "rows"), [(i, e, r) for i, (e, r) in enumerate(_templates())])
def test_each_template_loads_as_its_entity(home: Home, tmp_path: Path, index: int, entity: str, rows: list[list[str]]):
    export = write_xlsx(tmp_path / f"template_{index}.xlsx", rows) if index % 2 else write_csv(tmp_path / f"template_{index}.csv", rows)

    [result] = ingest_paths("sheets", [export], home)

    assert (result.status, result.entity, result.rows_quarantined) == ("loaded", entity, 0), result.message
    months = [i for i, header in enumerate(rows[0]) if MONTH.fullmatch(header)]
    expected = sum(1 for row in rows[1:] for i in months if row[i]) if months else len(rows) - 1  # wide: a row per cell
    assert result.rows_loaded == expected


def test_wide_monthly_targets_become_one_row_per_month(home: Home, tmp_path: Path):
    export = write_xlsx(tmp_path / "2025年销售目标.xlsx", [
        ["年份", "范围类型", "范围", "指标", "币种", "1月", "2月", "3月", "全年"],
        [2025, "区域", "华东", "销售额", "CNY", 800000, "60万", None, 1400000],
        [2025, "团队", "上海一组", "新客户数", None, 3, 4, 5, 12],
    ], title="2025年度销售目标分解表", merge_title=True)

    [result] = ingest_paths("sheets", [export], home)

    assert (result.entity, result.rows_loaded, result.rows_quarantined) == ("targets", 5, 0)
    rows = raw_rows(home, "sheets", "targets")
    assert [(r["period"], r["scope_type"], r["scope_name"], r["metric"], r["target_value"], r["currency"], r["_source_row"])
            for r in rows] == [
        ("2025-01", "区域", "华东", "销售额", Decimal("800000.0000"), "CNY", 3),
        ("2025-02", "区域", "华东", "销售额", Decimal("600000.0000"), "CNY", 3),
        ("2025-01", "团队", "上海一组", "新客户数", Decimal("3.0000"), None, 4),
        ("2025-02", "团队", "上海一组", "新客户数", Decimal("4.0000"), None, 4),
        ("2025-03", "团队", "上海一组", "新客户数", Decimal("5.0000"), None, 4),
    ]
    assert result.columns_extra == ["全年"]
    assert {r["_extra"] for r in rows} == {'{"全年":"1400000"}', '{"全年":"12"}'}


def test_a_bad_month_cell_is_quarantined_at_its_own_column(home: Home, tmp_path: Path):
    export = write_csv(tmp_path / "targets.csv", [
        ["Year", "Scope Type", "Scope", "Metric", "Q1", "Q2", "Q3", "Q4"],
        ["2025", "company", "ACME", "revenue", "3000000", "n/a", "3500000", "4000000"],
        ["", "company", "ACME", "orders", "10", "", "", ""],
    ])

    [result] = ingest_paths("sheets", [export], home)

    assert [(q.row, q.column, q.raw_value, q.reason) for q in result.quarantine] == [
        (2, "Q2", "n/a", "not an amount"),
        (3, "Year", None, "required value is empty"),
    ]
    assert [(r["period"], r["target_value"]) for r in raw_rows(home, "sheets", "targets")] == [
        ("2025-Q1", Decimal("3000000.0000")), ("2025-Q3", Decimal("3500000.0000")), ("2025-Q4", Decimal("4000000.0000"))]


def test_long_targets_are_not_read_as_wide(home: Home, tmp_path: Path):
    export = write_csv(tmp_path / "targets.csv", [
        ["Period", "Scope Type", "Scope", "Metric", "Target", "Jan"],  # a stray "Jan" column stays a column
        ["2025-01", "company", "ACME", "revenue", "1000", "x"],
    ])

    [result] = ingest_paths("sheets", [export], home)

    assert (result.rows_loaded, result.columns_extra) == (1, ["Jan"])
