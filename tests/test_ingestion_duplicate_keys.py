"""Two different rows with the same key in one load are quarantined, each naming the other, and
reported by `salesdw ingest`; a number the export carries tells records of the same name apart
(issue 11, class 3)."""

from __future__ import annotations

from pathlib import Path

from ingestion import ingest_paths
from ingestion.settings import Home
from orchestration.cli import main
from tests.fixtures.ingestion.builders import raw_rows, write_csv, write_xlsx

HEADER = ["商机编号", "商机名称", "客户名称", "商机金额", "销售阶段", "结单日期", "负责人"]
FIRST = ["SJ-1", "年度采购", "北京华信科技有限公司", "50000", "赢单", "2025-02-10", "孙强"]
SECOND = ["SJ-2", "年度采购", "天津港联物流有限公司", "30000", "赢单", "2025-03-05", "孙强"]


def test_two_opportunities_of_one_name_stay_two_when_numbered(home: Home, tmp_path: Path) -> None:
    [result] = ingest_paths("fxiaoke", [write_xlsx(tmp_path / "商机.xlsx", [HEADER, FIRST, SECOND])], home)

    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 2, 0)
    assert [r["opportunity_no"] for r in raw_rows(home, "fxiaoke", "opportunities")] == ["SJ-1", "SJ-2"]


def test_without_a_number_two_different_rows_of_one_name_are_quarantined_and_reported(home: Home, tmp_path: Path, capsys) -> None:
    export = write_csv(tmp_path / "商机.csv", [HEADER[1:], FIRST[1:], SECOND[1:], ["试点", "北京华信科技有限公司", "1", "赢单", "2025-01-01", "孙强"]])

    assert main(["ingest", "fxiaoke", str(export)]) == 0

    out = capsys.readouterr().out
    assert "loaded=1 quarantined=2" in out
    assert "商机.csv, row 2, column '商机名称': duplicate key: rows 2, 3 carry 商机名称 '年度采购' with different values" in out
    assert "商机.csv, row 3, column '商机名称'" in out
    assert [r["opportunity_name"] for r in raw_rows(home, "fxiaoke", "opportunities")] == ["试点"]


def test_an_exact_repeat_is_not_a_clash(home: Home, tmp_path: Path) -> None:
    [result] = ingest_paths("fxiaoke", [write_csv(tmp_path / "商机.csv", [HEADER, FIRST, FIRST])], home)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 0)


def test_a_zoho_order_repeated_on_its_lines_is_not_a_clash(home: Home, tmp_path: Path) -> None:
    header = ["Record Id", "Subject", "Status", "Grand Total", "Created Time", "Product Name", "Quantity", "List Price"]
    rows = [["zcrm_1", "Kit", "Created", "30", "2025-01-02 10:00:00", name, "1", price] for name, price in (("A", "10"), ("B", "20"))]
    [result] = ingest_paths("zoho", [write_csv(tmp_path / "Sales_Orders.csv", [header, *rows])], home)
    assert (result.entity, result.rows_loaded, result.rows_quarantined) == ("sales_orders", 2, 0)
