"""Only a column without which rows mean nothing (key, amount, the date placing them in time)
rejects a file; audit columns are optional and versions then follow load order (issue 11, class 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion import ingest_paths
from ingestion.load import LOAD_ORDER
from ingestion.settings import Home
from tests.fixtures.ingestion.builders import ledger_rows, write_csv

PAYMENTS = ["回款编号", "客户名称", "订单编号", "回款金额", "回款日期", "最后修改时间", "创建人", "负责人所属部门"]
ROW = ["HK-1", "北京华信科技有限公司", "DD-1", "1000", "2025-02-28", "2025-03-01 10:00:00", "孙强", "华北销售部"]


def _without(*dropped: str) -> tuple[list[str], list[str]]:
    keep = [i for i, h in enumerate(PAYMENTS) if h not in dropped]
    return [PAYMENTS[i] for i in keep], [ROW[i] for i in keep]


def test_a_payments_export_without_audit_columns_loads_and_the_ledger_records_load_order(home: Home, tmp_path: Path) -> None:
    header, row = _without("最后修改时间", "创建人", "负责人所属部门")
    [result] = ingest_paths("fxiaoke", [write_csv(tmp_path / "回款.csv", [header, row], encoding="gb18030")], home)

    assert (result.status, result.entity, result.rows_loaded, result.versions_by) == ("loaded", "payments", 1, LOAD_ORDER)
    [record] = ledger_rows(home)
    assert record["versions_by"] == LOAD_ORDER


def test_with_the_modified_time_the_ledger_names_it(home: Home, tmp_path: Path) -> None:
    [result] = ingest_paths("fxiaoke", [write_csv(tmp_path / "回款.csv", [PAYMENTS, ROW])], home)
    assert result.versions_by == "last_modified_time"


@pytest.mark.parametrize("dropped", ["回款编号", "回款金额", "回款日期"])
def test_key_amount_and_date_are_still_required(home: Home, tmp_path: Path, dropped: str) -> None:
    header, row = _without(dropped)
    [result] = ingest_paths("fxiaoke", [write_csv(tmp_path / "回款.csv", [header, row])], home)
    assert result.status == "rejected" and dropped in result.message


@pytest.mark.parametrize("source, header, row", [
    ("zoho", ["Record Id", "Deal Name", "Stage", "Amount", "Closing Date"],
     ["zcrm_1", "Deal", "Qualification", "10", "2025-01-02"]),
    ("zoho", ["Record Id", "Status", "Grand Total", "Created Time", "Product Name", "Quantity", "List Price"],
     ["zcrm_2", "Created", "10", "2025-01-02 10:00:00", "A", "1", "10"]),
    ("fxiaoke", ["订单编号", "客户名称", "下单日期", "订单金额"], ["DD-1", "客户", "2025-01-02", "10"]),
])
def test_modified_time_subject_and_names_are_optional_everywhere(home: Home, tmp_path: Path, source, header, row) -> None:
    [result] = ingest_paths(source, [write_csv(tmp_path / "export.csv", [header, row])], home)
    assert (result.status, result.versions_by) == ("loaded", LOAD_ORDER), result.message
