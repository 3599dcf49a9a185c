"""纷享销客 Fxiaoke exports: XLSX from the web console (title row, merged cells above the header),
CSV in UTF-8, UTF-8 with BOM and GB18030 with Chinese headers, Chinese values kept exactly, and
the OpenAPI's JSON with English field names and epoch-millisecond times."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ingestion import ingest_paths
from ingestion.settings import Home
from tests.fixtures.ingestion.builders import FIXTURES, ledger_rows, raw_rows, write_csv, write_xlsx

FXIAOKE = FIXTURES / "fxiaoke"
OPPORTUNITIES_GB18030 = FXIAOKE / "商机_20240305.csv"


def _check_opportunities(rows: list[dict]) -> None:
    assert [r["opportunity_name"] for r in rows] == ["华东区ERP升级", "深圳门店POS", "北京研发云"]
    assert [r["customer_name"] for r in rows] == ["上海星辰科技有限公司", "深圳市海湾贸易有限公司", "北京云图信息技术有限公司"]
    assert [r["amount"] for r in rows] == [Decimal("1200000.0000"), Decimal("1200000.0000"), Decimal("355000.0000")]
    assert [r["sales_stage"] for r in rows] == ["赢单", "商务谈判", "方案报价"]  # kept as exported: dbt seeds map them
    assert [r["win_probability"] for r in rows] == [Decimal("1.000000"), Decimal("0.600000"), Decimal("0.300000")]
    assert [r["expected_close_date"] for r in rows] == [dt.date(2024, 3, 5), dt.date(2024, 4, 30), dt.date(2024, 6, 30)]
    assert [r["closed_date"] for r in rows] == [dt.date(2024, 3, 8), None, None]
    assert [r["last_modified_time"] for r in rows] == [
        dt.datetime(2024, 3, 8, 17, 30), dt.datetime(2024, 3, 1, 18, 0), dt.datetime(2024, 2, 20, 11, 0)]
    assert rows[1]["created_time"] == dt.datetime(2024, 2, 1, 9, 5)
    assert [r["life_status"] for r in rows] == ["正常", "正常", "作废"]
    assert rows[0]["owner_department"] == "华东大区/上海一组"
    assert [json.loads(r["_extra"])["备注"] for r in rows] == ["客户要求分两期交付", None, '=HYPERLINK("http://x")']


def test_gb18030_csv_with_chinese_headers(home: Home):
    [result] = ingest_paths("fxiaoke", [OPPORTUNITIES_GB18030], home)

    assert (result.status, result.entity, result.rows_loaded, result.rows_quarantined) == ("loaded", "opportunities", 3, 0)
    _check_opportunities(raw_rows(home, "fxiaoke", "opportunities"))
    assert ledger_rows(home)[0]["encoding"] == "gb18030"
    assert result.columns_extra == ["备注"]


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8", False), ("utf-8", True)])
def test_the_same_export_in_utf8_with_or_without_bom(home: Home, tmp_path: Path, encoding: str, bom: bool):
    text = OPPORTUNITIES_GB18030.read_bytes().decode("gb18030")
    export = tmp_path / "商机.csv"
    export.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))

    [result] = ingest_paths("fxiaoke", [export], home)

    assert (result.entity, result.rows_loaded) == ("opportunities", 3)
    _check_opportunities(raw_rows(home, "fxiaoke", "opportunities"))
    assert ledger_rows(home)[0]["encoding"] == "utf-8"


def test_console_xlsx_with_a_merged_title_row_above_the_header(home: Home, tmp_path: Path):
    export = write_xlsx(tmp_path / "客户_导出.xlsx", [
        ["客户名称", "客户编号", "客户级别", "负责人", "负责人所属部门", "省份", "城市", "电话", "成交状态", "生命状态",
         "创建时间", "最后修改时间"],
        ["上海星辰科技有限公司", "KH-0001", "重要", "张三", "华东大区/上海一组", "上海", "上海", "+86 138 0013 8000", "已成交",
         "正常", dt.datetime(2023, 5, 4, 9, 0), dt.datetime(2024, 3, 5, 10, 15, 30)],
        ["深圳市海湾贸易有限公司", "KH-0002", "普通", "李四", "华南大区", "广东", "深圳", None, "未成交", "作废",
         "2023/6/1 8:00", "2024年3月1日"],
    ], title="客户列表（导出时间：2024-03-05 10:00）", merge_title=True)

    [result] = ingest_paths("fxiaoke", [export], home)

    assert (result.status, result.entity, result.rows_loaded, result.rows_quarantined) == ("loaded", "customers", 2, 0)
    first, second = raw_rows(home, "fxiaoke", "customers")
    assert [first["_source_row"], second["_source_row"]] == [3, 4]  # title row 1, header row 2
    assert (first["customer_name"], first["customer_level"], first["phone"]) == ("上海星辰科技有限公司", "重要", "+86 138 0013 8000")
    assert first["last_modified_time"] == dt.datetime(2024, 3, 5, 10, 15, 30)
    assert second["created_time"] == dt.datetime(2023, 6, 1, 8, 0)
    assert second["last_modified_time"] == dt.datetime(2024, 3, 1)
    assert (second["life_status"], second["phone"]) == ("作废", None)


def test_a_cover_sheet_before_the_data_sheet_is_passed_over(home: Home, tmp_path: Path):
    export = write_xlsx(tmp_path / "回款.xlsx", [
        ["回款编号", "客户名称", "订单编号", "回款金额", "回款日期", "回款方式", "最后修改时间"],
        ["HK-001", "上海星辰科技有限公司", "DD-001", "¥500,000.00", "2024/3/20", "银行转账", "2024-03-20 16:00:00"],
    ], cover_sheet=True)

    [result] = ingest_paths("fxiaoke", [export], home)

    assert (result.entity, result.rows_loaded) == ("payments", 1)
    [row] = raw_rows(home, "fxiaoke", "payments")
    assert (row["payment_amount"], row["payment_date"]) == (Decimal("500000.0000"), dt.date(2024, 3, 20))


def test_order_lines_with_percent_cells_and_discount_as_share_paid(home: Home, tmp_path: Path):
    export = write_xlsx(tmp_path / "订单产品.xlsx", [
        ["订单编号", "产品名称", "产品编码", "数量", "单价", "折扣", "小计", "最后修改时间"],
        ["DD-001", "智能网关", "GW-01", 10, 1200, 0.9, 10800, dt.datetime(2024, 3, 6, 9, 0)],
        ["DD-001", "安装服务", "SV-01", 1, "5,000元", "100%", "5,000元", dt.datetime(2024, 3, 6, 9, 0)],
    ], number_formats={5: "0%"})

    [result] = ingest_paths("fxiaoke", [export], home)

    assert (result.entity, result.rows_loaded, result.rows_quarantined) == ("order_lines", 2, 0)
    lines = raw_rows(home, "fxiaoke", "order_lines")
    assert [(r["quantity"], r["unit_price"], r["discount_paid"], r["subtotal"]) for r in lines] == [
        (Decimal("10"), Decimal("1200.0000"), Decimal("0.900000"), Decimal("10800.0000")),
        (Decimal("1"), Decimal("5000.0000"), Decimal("1.000000"), Decimal("5000.0000")),
    ]


def test_yes_no_in_chinese(home: Home, tmp_path: Path):
    export = write_csv(tmp_path / "工单.csv", [
        ["工单编号", "客户名称", "工单类型", "工单状态", "受理时间", "解决时间", "客户财产损失", "最后修改时间"],
        ["GD-001", "上海星辰科技有限公司", "投诉", "已解决", "2024-03-01 09:00", "2024-03-01 15:30", "否", "2024-03-01 15:30"],
        ["GD-002", "深圳市海湾贸易有限公司", "投诉", "处理中", "2024-03-02 10:00", "", "是", "2024-03-02 10:00"],
    ])

    [result] = ingest_paths("fxiaoke", [export], home)

    assert (result.entity, result.rows_loaded) == ("cases", 2)
    assert [(r["case_status"], r["resolved_time"], r["property_incident"]) for r in raw_rows(home, "fxiaoke", "cases")] == [
        ("已解决", dt.datetime(2024, 3, 1, 15, 30), False), ("处理中", None, True)]


def test_openapi_json_with_english_names_and_epoch_milliseconds(home: Home):
    [result] = ingest_paths("fxiaoke", [FXIAOKE / "openapi_opportunities.json"], home)

    assert (result.status, result.entity, result.rows_loaded, result.rows_quarantined) == ("loaded", "opportunities", 2, 0)
    first, second = raw_rows(home, "fxiaoke", "opportunities")
    assert first["data_id"] == "65e6b1f2a1b2c3d4e5f60001"
    assert (first["opportunity_name"], first["customer_name"], first["sales_stage"]) == ("华东区ERP升级", "上海星辰科技有限公司", "赢单")
    assert first["amount"] == Decimal("1200000.0000") and first["win_probability"] == Decimal("1.000000")
    # epoch milliseconds, in Asia/Shanghai: 1709568000000 is 2024-03-05 00:00 there
    assert first["expected_close_date"] == dt.date(2024, 3, 5)
    assert first["created_time"] == dt.datetime(2024, 1, 5, 9, 0)
    assert first["last_modified_time"] == dt.datetime(2024, 3, 8, 17, 30)
    assert (first["life_status"], first["owner"], first["record_type"]) == ("normal", '["1001"]', "default__c")
    assert second["expected_close_date"] == dt.date(2024, 4, 30)
