"""Zoho CRM exports as users hand them over: module CSV (BOM, CRLF, quoted multi-line text,
zcrm_ ids, thousands separators, the user's date format), XLSX, and REST API JSON pages."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from ingestion import ingest_paths
from ingestion.settings import Home
from tests.fixtures.ingestion.builders import FIXTURES, ledger_rows, raw_rows, write_csv, write_xlsx

ZOHO = FIXTURES / "zoho"
DEALS_CSV = ZOHO / "Deals_2024_03_15.csv"


def test_deals_csv_with_bom_crlf_and_multiline_text_loads_typed_rows(home: Home):
    [result] = ingest_paths("zoho", [DEALS_CSV], home)

    assert (result.status, result.entity, result.rows_read, result.rows_loaded, result.rows_quarantined) == (
        "loaded", "deals", 3, 3, 0)
    rows = raw_rows(home, "zoho", "deals")
    first = rows[0]
    assert first["record_id"] == "zcrm_4876876000000123456"  # ids stay text, prefix and all
    assert first["deal_owner"] == "王伟" and first["deal_owner_id"] == "zcrm_4876876000000001001"
    assert first["deal_name"] == "Acme, Inc - Renewal 2024"
    assert first["account_name"] == "Acme, Inc" and first["account_id"] == "zcrm_4876876000000054321"
    assert first["amount"] == Decimal("1250000.5000")
    assert first["closing_date"] == dt.date(2024, 3, 15)
    assert first["probability"] == Decimal("1.000000")
    assert first["modified_time"] == dt.datetime(2024, 3, 15, 18, 2, 11)
    assert first["description"] == 'Signed after two rounds.\r\nPO "4500012345" attached.'
    assert [r["stage"] for r in rows] == ["Closed Won", "Negotiation/Review", "Closed-Lost to Competition"]
    assert [r["exchange_rate"] for r in rows] == [Decimal("1"), Decimal("7.85"), Decimal("1")]
    assert rows[1]["contact_name"] is None and rows[2]["account_id"] is None
    assert [r["closing_date"] for r in rows] == [dt.date(2024, 3, 15), dt.date(2024, 4, 30), dt.date(2023, 12, 1)]


def test_every_raw_row_carries_its_lineage(home: Home):
    [result] = ingest_paths("zoho", [DEALS_CSV], home, full_export=False)

    rows = raw_rows(home, "zoho", "deals")
    assert [r["_source_row"] for r in rows] == [2, 3, 4]  # a multi-line record is one spreadsheet row
    assert {r["_source_system"] for r in rows} == {"zoho"}
    assert {r["_source_file"] for r in rows} == {"Deals_2024_03_15.csv"}
    assert {r["_load_id"] for r in rows} == {result.load_id}
    assert {r["_batch_id"] for r in rows} == {result.load_id.rsplit("-", 1)[0]}
    assert {r["_is_full_export"] for r in rows} == {False}
    assert all(abs(r["_loaded_at"] - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)) < dt.timedelta(minutes=5) for r in rows)
    assert [json.loads(r["_extra"]) for r in rows] == [{"Tag": "VIP"}, {"Tag": None}, {"Tag": None}]


def test_the_ledger_records_each_file(home: Home):
    [result] = ingest_paths("zoho", [DEALS_CSV], home)

    [entry] = ledger_rows(home)
    assert entry["load_id"] == result.load_id
    assert entry["sha256"] == hashlib.sha256(DEALS_CSV.read_bytes()).hexdigest()
    assert entry["size_bytes"] == DEALS_CSV.stat().st_size
    assert (entry["status"], entry["entity"], entry["file_format"], entry["encoding"]) == ("loaded", "deals", "csv", "utf-8")
    assert (entry["rows_read"], entry["rows_loaded"], entry["rows_quarantined"]) == (3, 3, 0)
    assert json.loads(entry["headers_seen"])[:3] == ["Record Id", "Deal Owner.id", "Deal Owner"]
    assert json.loads(entry["columns_extra"]) == ["Tag"]
    assert "campaign_source" in json.loads(entry["columns_missing"])
    assert entry["raw_path"] == str(home.raw / "zoho" / "deals" / f"{result.load_id}.parquet")


DATE_CASES = [
    # (file's dates, date_format given to the load, dates expected)
    (["03/15/2024", "04/01/2024"], None, [dt.date(2024, 3, 15), dt.date(2024, 4, 1)]),  # a day > 12 decides
    (["15/03/2024", "01/04/2024"], None, [dt.date(2024, 3, 15), dt.date(2024, 4, 1)]),
    (["Mar 5, 2024", "Dec 31, 2023"], None, [dt.date(2024, 3, 5), dt.date(2023, 12, 31)]),
    (["03/05/2024", "04/06/2024"], None, [dt.date(2024, 3, 5), dt.date(2024, 4, 6)]),  # ambiguous: zoho.yml's MM/dd/yyyy
    (["03/05/2024", "04/06/2024"], "dd/MM/yyyy", [dt.date(2024, 5, 3), dt.date(2024, 6, 4)]),  # Zoho's own notation
    (["03/05/2024", "04/06/2024"], "%d/%m/%Y", [dt.date(2024, 5, 3), dt.date(2024, 6, 4)]),
]


@pytest.mark.parametrize(("dates", "date_format", "expected"), DATE_CASES)
def test_user_locale_dates_follow_the_file_or_the_load_setting(home: Home, tmp_path: Path, dates, date_format, expected):
    rows = [["Record Id", "Deal Name", "Stage", "Closing Date", "Modified Time"]]
    rows += [[f"zcrm_{i}", f"Deal {i}", "Qualification", d, "2024-01-02 03:04:05"] for i, d in enumerate(dates)]
    export = write_csv(tmp_path / "Deals.csv", rows)

    [result] = ingest_paths("zoho", [export], home, date_format=date_format)

    assert result.rows_quarantined == 0, result.quarantine
    assert [r["closing_date"] for r in raw_rows(home, "zoho", "deals")] == expected


def test_zoho_date_times_in_the_user_locale_with_am_pm(home: Home, tmp_path: Path):
    export = write_csv(tmp_path / "Calls.csv", [
        ["Record Id", "Subject", "Call Type", "Call Start Time", "Call Duration (in minutes)", "Call Owner", "Modified Time"],
        ["zcrm_1", "Intro", "Outbound", "03/15/2024 02:30 PM", "12", "王伟", "03/15/2024 03:00 PM"],
    ])

    [result] = ingest_paths("zoho", [export], home)

    assert result.entity == "calls"
    [row] = raw_rows(home, "zoho", "calls")
    assert row["call_start_time"] == dt.datetime(2024, 3, 15, 14, 30)
    assert row["call_duration_minutes"] == Decimal("12")


def test_accounts_xlsx_reads_cells_as_their_types(home: Home, tmp_path: Path):
    export = write_xlsx(tmp_path / "Accounts_2024.xlsx", [
        ["Record Id", "Account Owner", "Account Name", "Account Type", "Industry", "Annual Revenue", "Employees",
         "Phone", "Billing City", "Created Time", "Modified Time"],
        ["zcrm_4876876000000054321", "王伟", "Acme, Inc", "Distributor", "Manufacturing", 12500000.0, 350,
         "+86 21 5555 0101", "上海", dt.datetime(2023, 5, 4, 9, 0), dt.datetime(2024, 3, 1, 10, 30, 15)],
        ["zcrm_4876876000000054322", "Alice Chen", "Beta GmbH", "Direct", None, "1,200,000", "1,200",
         None, "München", dt.datetime(2023, 6, 1), dt.datetime(2024, 2, 2, 2, 2, 2)],
    ])

    [result] = ingest_paths("zoho", [export], home)

    assert (result.status, result.entity, result.rows_loaded) == ("loaded", "accounts", 2)
    first, second = raw_rows(home, "zoho", "accounts")
    assert first["annual_revenue"] == Decimal("12500000.0000") and first["employees"] == 350
    assert first["phone"] == "+86 21 5555 0101"
    assert first["modified_time"] == dt.datetime(2024, 3, 1, 10, 30, 15)
    assert second["annual_revenue"] == Decimal("1200000.0000") and second["employees"] == 1200
    assert second["industry"] is None and second["billing_city"] == "München"
    assert [first["_source_row"], second["_source_row"]] == [2, 3]
    assert ledger_rows(home)[0]["file_format"] == "xlsx"


def test_api_pages_of_one_module_load_as_one_batch(home: Home):
    results = ingest_paths("zoho", [ZOHO / "deals_page_1.json", ZOHO / "deals_page_2.json"], home)

    assert [(r.status, r.entity, r.rows_loaded) for r in results] == [("loaded", "deals", 2), ("loaded", "deals", 1)]
    rows = raw_rows(home, "zoho", "deals")
    assert len({r["_batch_id"] for r in rows}) == 1, "pages of one export share the batch"
    assert len({r["_load_id"] for r in rows}) == 2
    first = next(r for r in rows if r["record_id"] == "4876876000000123456")
    assert first["deal_owner"] == "王伟" and first["deal_owner_id"] == "4876876000000001001"  # owner object
    assert first["account_name"] == "Acme, Inc" and first["account_id"] == "4876876000000054321"  # lookup object
    assert first["amount"] == Decimal("1250000.5000") and first["closing_date"] == dt.date(2024, 3, 15)
    assert first["modified_time"] == dt.datetime(2024, 3, 15, 18, 2, 11)
    extra = json.loads(first["_extra"])
    assert extra["Owner.email"] == "4876876000000001001@example.com"
    assert json.loads(extra["Tag"]) == [{"name": "VIP", "id": "4876876000000099001"}]  # tags do not multiply rows
    beta = next(r for r in rows if r["record_id"] == "4876876000000123457")
    # -05:00 converted to the source time zone (Asia/Shanghai): 19:15 New York is 08:15 next day
    assert beta["modified_time"] == dt.datetime(2024, 3, 1, 8, 15)
    assert beta["created_time"] == dt.datetime(2024, 2, 1, 14, 0)
    gamma = next(r for r in rows if r["record_id"] == "4876876000000123458")
    assert gamma["account_name"] is None and gamma["amount"] == Decimal("0")


def test_api_sales_order_lines_become_repeated_rows(home: Home):
    [result] = ingest_paths("zoho", [ZOHO / "sales_orders_page_1.json"], home)

    assert (result.entity, result.rows_loaded, result.rows_quarantined) == ("sales_orders", 2, 0)
    lines = raw_rows(home, "zoho", "sales_orders")
    assert {r["record_id"] for r in lines} == {"4876876000000300001"}
    assert {(r["grand_total"], r["adjustment"], r["deal_id"]) for r in lines} == {
        (Decimal("16400.0000"), Decimal("-50.0000"), "4876876000000123456")}
    assert [(r["product_name"], r["product_code"], r["quantity"], r["list_price"], r["line_discount"], r["net_total"])
            for r in lines] == [
        ("Widget Pro", "WP-100", Decimal("10"), Decimal("1200.0000"), Decimal("1500.0000"), Decimal("10500.0000")),
        ("Install service", "SV-1", Decimal("1"), Decimal("4500.0000"), Decimal("0.0000"), Decimal("4500.0000")),
    ]
    assert [r["line_id"] for r in lines] == ["4876876000000300101", "4876876000000300102"]
    assert {r["_source_row"] for r in lines} == {1}  # both lines come from the page's first record


def test_a_folder_loads_every_export_in_name_order(home: Home, tmp_path: Path):
    folder = tmp_path / "landing"
    folder.mkdir()
    for name in ("deals_page_1.json", "deals_page_2.json", "Deals_2024_03_15.csv"):
        shutil.copy(ZOHO / name, folder / name)
    (folder / "~$Deals_2024_03_15.csv").write_text("lock file of an open workbook", encoding="utf-8")

    results = ingest_paths("zoho", [folder], home)

    assert [r.path.name for r in results] == ["Deals_2024_03_15.csv", "deals_page_1.json", "deals_page_2.json"]
    assert all(r.status == "loaded" for r in results)
