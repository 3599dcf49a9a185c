"""The bad-input corpus of issue 5: every behaviour the ingestion promises for files and values
that are not as they should be, each with the message or the quarantine row it must produce."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

from ingestion import ingest_paths
from ingestion.settings import Home
from tests.fixtures.ingestion.builders import (
    FIXTURES, ledger_rows, quarantine_table, raw_files, raw_rows, write_csv, write_xlsx,
)

DEALS_HEADER = ["Record Id", "Deal Name", "Amount", "Closing Date", "Stage", "Probability (%)", "Modified Time"]
GOOD_DEAL = ["zcrm_1", "Good deal", "1,000", "03/15/2024", "Qualification", "10", "2024-03-15 10:00:00"]


def _deals(tmp_path: Path, *rows: list, name: str = "Deals.csv", header: list[str] = DEALS_HEADER) -> Path:
    return write_csv(tmp_path / name, [header, *rows])


def _quarantine_of(home: Home) -> list[tuple]:
    return [(q["source_file"], q["row"], q["column"], q["raw_value"], q["reason"]) for q in quarantine_table(home)]


# --- files that cannot be read at all -----------------------------------------------------------

def test_an_unknown_file_is_reported_not_guessed(home: Home, tmp_path: Path):
    export = write_csv(tmp_path / "export.csv", [["Foo", "Bar"], ["1", "2"]])

    [result] = ingest_paths("zoho", [export], home)

    assert result.status == "rejected"
    assert result.message == f"{export}: not recognised as any zoho export (headers: 'Foo', 'Bar')"
    [entry] = ledger_rows(home)
    assert (entry["status"], entry["entity"], entry["message"], entry["raw_path"]) == ("rejected", None, result.message, None)
    assert not list(home.raw.glob("zoho/*/2*.parquet"))


def test_an_undetectable_encoding_rejects_the_file(home: Home, tmp_path: Path):
    export = tmp_path / "Deals.csv"
    head = ",".join(DEALS_HEADER).encode() + b"\r\n"
    export.write_bytes(head + b"zcrm_1,\xff\xfe broken,1,03/15/2024,Qualification,10,2024-03-15 10:00:00\r\n")
    at = len(head) + len(b"zcrm_1,")

    [result] = ingest_paths("zoho", [export], home)

    assert result.status == "rejected"
    assert result.message == (
        f"{export}: cannot detect the text encoding (tried UTF-8, GB18030: utf-8 fails at byte {at}; gb18030 fails at byte {at})")


def test_a_truncated_xlsx_rejects_the_file(home: Home, tmp_path: Path):
    whole = write_xlsx(tmp_path / "whole.xlsx", [DEALS_HEADER, GOOD_DEAL])
    export = tmp_path / "Deals.xlsx"
    export.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    [result] = ingest_paths("zoho", [export], home)

    assert result.status == "rejected"
    assert result.message == f"{export}: cannot open as XLSX (truncated or not a workbook): File is not a zip file"


def test_json_that_does_not_parse_rejects_the_file(home: Home, tmp_path: Path):
    export = tmp_path / "deals_page_3.json"
    export.write_text('{"data": [{"id": "1", "Deal_Name": "cut off', encoding="utf-8")

    [result] = ingest_paths("zoho", [export], home)

    assert result.status == "rejected"
    assert result.message.startswith(f"{export}: not valid JSON: Unterminated string")


def test_a_missing_required_column_rejects_the_file_and_the_others_still_load(home: Home, tmp_path: Path):
    no_stage = [h for h in DEALS_HEADER if h != "Stage"]
    broken = write_csv(tmp_path / "Deals_march.csv", [no_stage, [v for h, v in zip(DEALS_HEADER, GOOD_DEAL) if h != "Stage"]])
    unnamed = write_csv(tmp_path / "export (1).csv", [no_stage, [v for h, v in zip(DEALS_HEADER, GOOD_DEAL) if h != "Stage"]])
    good = _deals(tmp_path, GOOD_DEAL, name="Deals_april.csv")

    results = ingest_paths("zoho", [broken, unnamed, good], home)

    assert [r.status for r in results] == ["rejected", "rejected", "loaded"]
    missing = "looks like zoho deals but required column(s) 'Stage' are missing"
    assert results[0].message == f"{broken}: {missing}"
    assert results[1].message == f"{unnamed}: {missing}"  # named after the closest entity, not the file name
    assert [r["record_id"] for r in raw_rows(home, "zoho", "deals")] == ["zcrm_1"]
    assert [e["status"] for e in ledger_rows(home)] == ["rejected", "rejected", "loaded"]


# --- the ledger: repeats and newer exports -------------------------------------------------------

def test_the_same_file_loaded_twice_changes_nothing(home: Home, tmp_path: Path):
    export = _deals(tmp_path, GOOD_DEAL)
    [first] = ingest_paths("zoho", [export], home)
    files, ledger = raw_files(home, "zoho", "deals"), ledger_rows(home)

    [second] = ingest_paths("zoho", [export], home)
    copy = tmp_path / "Deals (copy).csv"
    shutil.copy(export, copy)
    [third] = ingest_paths("zoho", [copy], home)

    assert (second.status, second.load_id) == ("skipped", first.load_id)
    assert second.message == f"Deals.csv: already loaded (load {first.load_id}), nothing changed"
    assert third.status == "skipped"  # the same bytes under another name
    assert raw_files(home, "zoho", "deals") == files
    assert ledger_rows(home) == ledger


def test_a_copy_within_one_call_is_a_repeat_too(home: Home, tmp_path: Path):
    export = _deals(tmp_path, GOOD_DEAL)
    copy = tmp_path / "Deals again.csv"
    shutil.copy(export, copy)

    results = ingest_paths("zoho", [export, copy], home)

    assert [r.status for r in results] == ["loaded", "skipped"]
    assert len(raw_rows(home, "zoho", "deals")) == 1


def test_a_newer_export_of_the_same_entity_is_kept_beside_the_older(home: Home, tmp_path: Path):
    older = _deals(tmp_path, GOOD_DEAL, name="Deals_0301.csv")
    newer = _deals(tmp_path, [*GOOD_DEAL[:4], "Closed Won", "100", "2024-03-20 09:00:00"], name="Deals_0320.csv")

    [first] = ingest_paths("zoho", [older], home)
    [second] = ingest_paths("zoho", [newer], home)

    assert raw_files(home, "zoho", "deals") == [
        home.raw / "zoho" / "deals" / f"{first.load_id}.parquet", home.raw / "zoho" / "deals" / f"{second.load_id}.parquet"]
    rows = raw_rows(home, "zoho", "deals")
    assert [(r["record_id"], r["stage"]) for r in rows] == [("zcrm_1", "Qualification"), ("zcrm_1", "Closed Won")]
    assert rows[0]["_batch_id"] != rows[1]["_batch_id"]  # staging keeps the newest by modified time and load


# --- schema drift --------------------------------------------------------------------------------

def test_a_new_column_is_kept_as_json_and_reported(home: Home, tmp_path: Path):
    export = _deals(tmp_path, [*GOOD_DEAL, "华东", ""], header=[*DEALS_HEADER, "Sales Region", "Layout"])

    [result] = ingest_paths("zoho", [export], home)

    assert result.columns_extra == ["Sales Region", "Layout"]
    [row] = raw_rows(home, "zoho", "deals")
    assert json.loads(row["_extra"]) == {"Sales Region": "华东", "Layout": None}
    assert json.loads(ledger_rows(home)[0]["columns_extra"]) == ["Sales Region", "Layout"]


def test_a_missing_optional_column_becomes_null_and_is_reported(home: Home, tmp_path: Path):
    header = [h for h in DEALS_HEADER if h != "Amount"]
    export = write_csv(tmp_path / "Deals.csv", [header, [v for h, v in zip(DEALS_HEADER, GOOD_DEAL) if h != "Amount"]])

    [result] = ingest_paths("zoho", [export], home)

    assert result.status == "loaded" and "amount" in result.columns_missing
    assert raw_rows(home, "zoho", "deals")[0]["amount"] is None
    assert "amount" in json.loads(ledger_rows(home)[0]["columns_missing"])


# --- values --------------------------------------------------------------------------------------

def test_bad_values_go_to_quarantine_with_their_reason_and_the_rest_loads(home: Home, tmp_path: Path):
    export = _deals(
        tmp_path,
        GOOD_DEAL,                                                                                   # row 2
        ["zcrm_2", "Impossible date", "1", "02/30/2024", "Qualification", "10", "2024-03-15 10:00:00"],  # row 3
        ["zcrm_3", "From the future", "1", "03/15/2024", "Qualification", "10", "2099-01-01 00:00:00"],  # row 4
        ["zcrm_4", "Refund?", "-5", "03/15/2024", "Qualification", "10", "2024-03-15 10:00:00"],         # row 5
        ["zcrm_5", "Not a number", "abc", "03/15/2024", "Qualification", "10", "2024-03-15 10:00:00"],   # row 6
        ["zcrm_6", "Too likely", "1", "03/15/2024", "Qualification", "150%", "2024-03-15 10:00:00"],     # row 7
        ["zcrm_7", "No stage", "1", "03/15/2024", "   ", "10", "2024-03-15 10:00:00"],                   # row 8
        ["zcrm_8", "Dash amount", "-", "03/15/2024", "Qualification", "10", "2024-03-15 10:00:00"],      # row 9
    )

    [result] = ingest_paths("zoho", [export], home)

    expected = [
        ("Deals.csv", 3, "Closing Date", "02/30/2024", "not a valid date (slash dates read as %m/%d/%Y)"),
        ("Deals.csv", 4, "Modified Time", "2099-01-01 00:00:00", "lies in the future"),
        ("Deals.csv", 5, "Amount", "-5", "negative amount"),
        ("Deals.csv", 6, "Amount", "abc", "not an amount"),
        ("Deals.csv", 7, "Probability (%)", "150%", "percentage outside 0–100%"),
        ("Deals.csv", 8, "Stage", "   ", "required value is empty"),
        ("Deals.csv", 9, "Amount", "-", "not an amount"),
    ]
    assert [(q.source_file, q.row, q.column, q.raw_value, q.reason) for q in result.quarantine] == expected
    assert _quarantine_of(home) == expected
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (8, 1, 7)
    assert [r["record_id"] for r in raw_rows(home, "zoho", "deals")] == ["zcrm_1"]
    assert {q["source"] for q in quarantine_table(home)} == {"zoho"}
    assert {q["entity"] for q in quarantine_table(home)} == {"deals"}


def test_empty_strings_and_missing_cells_are_nulls_not_zeros(home: Home, tmp_path: Path):
    export = tmp_path / "Deals.csv"
    export.write_text(
        ",".join(DEALS_HEADER) + "\r\n"
        'zcrm_1,"Quoted empties","","",Qualification,"",2024-03-15 10:00:00\r\n'
        "zcrm_2,Bare empties,,,Qualification,,2024-03-15 10:00:00\r\n"
        "zcrm_3,Blanks,  ,  ,Qualification, ,2024-03-15 10:00:00\r\n",
        encoding="utf-8",
    )

    [result] = ingest_paths("zoho", [export], home)

    assert result.rows_quarantined == 0, result.quarantine
    rows = raw_rows(home, "zoho", "deals")
    assert [(r["amount"], r["closing_date"], r["probability"]) for r in rows] == [(None, None, None)] * 3


def test_formula_looking_cells_are_stored_as_text_unchanged(home: Home, tmp_path: Path):
    header = ["Record Id", "Account Name", "Phone", "Website", "Rating", "Industry", "Modified Time"]
    cells = ["=SUM(A1)", "+86 138 0013 8000", "-", "@x", "=1+1"]
    csv_export = write_csv(tmp_path / "Accounts.csv", [header, ["zcrm_1", *cells, "2024-03-15 10:00:00"]])
    xlsx_export = write_xlsx(tmp_path / "Accounts.xlsx", [header, ["zcrm_2", *cells, "2024-03-15 10:00:00"]])

    results = ingest_paths("zoho", [csv_export, xlsx_export], home)

    assert [(r.status, r.rows_quarantined) for r in results] == [("loaded", 0), ("loaded", 0)]
    rows = raw_rows(home, "zoho", "accounts")
    assert [[r[c] for c in ("account_name", "phone", "website", "rating", "industry")] for r in rows] == [cells, cells]


def test_a_row_that_cannot_be_split_is_quarantined_whole(home: Home, tmp_path: Path):
    good = ["Good deal", "1000", "03/15/2024", "Qualification", "10", "2024-03-15 10:00:00"]
    lines = [DEALS_HEADER, ["zcrm_1", *good], ["zcrm_2", "Acme", " Inc", *good[1:]], ["zcrm_3", "Short"], ["zcrm_4", *good]]
    export = tmp_path / "Deals.csv"
    export.write_text("".join(",".join(line) + "\r\n" for line in lines), encoding="utf-8")  # "Acme, Inc" unquoted

    [result] = ingest_paths("zoho", [export], home)

    assert [(q.row, q.column, q.reason) for q in result.quarantine] == [
        (3, "(row)", "unreadable CSV row: Expected Number of Columns: 7 Found: 8"),
        (4, "(row)", "unreadable CSV row: Expected Number of Columns: 7 Found: 2"),
    ]
    assert result.quarantine[1].raw_value == "zcrm_3,Short"
    rows = raw_rows(home, "zoho", "deals")
    assert [(r["record_id"], r["_source_row"]) for r in rows] == [("zcrm_1", 2), ("zcrm_4", 5)]  # numbers stay true


def test_a_date_order_the_sample_cannot_tell_is_taken_from_the_whole_file(home: Home, tmp_path: Path):
    ambiguous = [[f"zcrm_{i}", "Deal", "1", "05/03/2024", "Qualification", "10", "2024-03-15 10:00:00"] for i in range(6000)]
    deciding = ["zcrm_x", "Deal", "1", "25/03/2024", "Qualification", "10", "2024-03-15 10:00:00"]
    export = _deals(tmp_path, *ambiguous, deciding)

    [result] = ingest_paths("zoho", [export], home)

    assert result.rows_quarantined == 0, result.quarantine[:3]
    rows = raw_rows(home, "zoho", "deals")
    assert {r["closing_date"] for r in rows} == {dt.date(2024, 3, 5), dt.date(2024, 3, 25)}


def test_amount_units_and_signs_in_chinese_exports(home: Home, tmp_path: Path):
    export = write_csv(tmp_path / "回款.csv", [
        ["回款编号", "客户名称", "回款金额", "回款日期", "最后修改时间"],
        ["HK-1", "甲", "¥1,234.50", "2024-03-05", "2024-03-05 10:00:00"],
        ["HK-2", "乙", "1.5万元", "2024/3/5", "2024-03-05 10:00:00"],
        ["HK-3", "丙", "88,000元", "2024年3月5日", "2024-03-05 10:00:00"],
        ["HK-4", "丁", "-200元", "2024-03-05", "2024-03-05 10:00:00"],
    ])

    [result] = ingest_paths("fxiaoke", [export], home)

    assert [(q.row, q.column, q.raw_value, q.reason) for q in result.quarantine] == [(5, "回款金额", "-200元", "negative amount")]
    assert [r["payment_amount"] for r in raw_rows(home, "fxiaoke", "payments")] == [
        Decimal("1234.5000"), Decimal("15000.0000"), Decimal("88000.0000")]
    assert {r["payment_date"] for r in raw_rows(home, "fxiaoke", "payments")} == {dt.date(2024, 3, 5)}


def test_a_value_outside_its_declared_list_is_quarantined(home: Home, tmp_path: Path):
    export = write_csv(tmp_path / "客户.csv", [
        ["客户名称", "生命状态", "最后修改时间"],
        ["甲", "正常", "2024-03-05 10:00:00"],
        ["乙", "已删除", "2024-03-05 10:00:00"],
    ])

    [result] = ingest_paths("fxiaoke", [export], home)

    [q] = result.quarantine
    assert (q.row, q.column, q.raw_value) == (3, "生命状态", "已删除")
    assert q.reason.startswith("not one of: 正常, 作废, 审核中")


def test_the_fixture_export_loads_cleanly_beside_a_rejected_one(home: Home, tmp_path: Path):
    unknown = write_csv(tmp_path / "notes.csv", [["Note"], ["hello"]])

    results = ingest_paths("zoho", [unknown, FIXTURES / "zoho" / "Deals_2024_03_15.csv"], home)

    assert [r.status for r in results] == ["rejected", "loaded"]


def test_slash_dates_nothing_decides_are_quarantined_not_guessed_and_a_setting_reloads_them(home: Home, tmp_path: Path):
    export = write_csv(tmp_path / "回款.csv", [
        ["回款编号", "客户名称", "回款金额", "回款日期", "最后修改时间"],
        ["HK-1", "甲", "100", "03/05/2024", "2024-03-05 10:00:00"],
        ["HK-2", "乙", "100", "04/06/2024", "2024-03-05 10:00:00"],
    ])

    [result] = ingest_paths("fxiaoke", [export], home)  # fxiaoke.yml names no day-month order

    assert [(q.row, q.raw_value, q.reason) for q in result.quarantine] == [
        (2, "03/05/2024", "not a valid date (slash dates read as %Y-%m-%d)"),
        (3, "04/06/2024", "not a valid date (slash dates read as %Y-%m-%d)"),
    ]
    [again] = ingest_paths("fxiaoke", [export], home, date_format="dd/MM/yyyy")  # the remedy the reason points to
    assert (again.status, again.rows_loaded) == ("loaded", 2)  # the same bytes, a new setting: a new load
    assert [r["payment_date"] for r in raw_rows(home, "fxiaoke", "payments")] == [dt.date(2024, 5, 3), dt.date(2024, 6, 4)]
    [repeat] = ingest_paths("fxiaoke", [export], home, date_format="dd/MM/yyyy")
    assert repeat.status == "skipped"
