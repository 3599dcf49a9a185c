"""The XLSX reader on its own: cells become the text a person sees in Excel, wherever the table
starts on the sheet. Written with openpyxl cell by cell, as Excel itself stores them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from openpyxl import Workbook

from ingestion.xlsx_reader import read_xlsx


def _normalise(value: object) -> str:
    return str(value).strip().lower()


def test_cells_read_as_shown_with_the_table_off_the_corner(tmp_path: Path):
    book = Workbook()
    sheet = book.active
    sheet["B2"] = "Deals export"  # a title row, then the header on row 3 from column B
    for column, header in zip("BCDEF", ["Deal Name", "Probability (%)", "Amount", "Closing Date", "Created Time"]):
        sheet[f"{column}3"] = header
    rows = [
        ["Alpha", 0.3, 1200.0, dt.date(2024, 3, 31), dt.datetime(2024, 1, 2, 9, 30)],
        ["Beta", 1, 99.5, dt.date(2024, 4, 1), dt.datetime(2024, 1, 3, 10, 0)],
        ["Gamma", None, 7, None, dt.datetime(2024, 1, 4, 11, 15, 5)],
    ]
    for offset, row in enumerate(rows):
        for column, value in zip("BCDEF", row):
            sheet[f"{column}{4 + offset}"] = value
        sheet[f"C{4 + offset}"].number_format = "0%"
        sheet[f"E{4 + offset}"].number_format = "yyyy-mm-dd"
    path = tmp_path / "Deals.xlsx"
    book.save(path)

    con = duckdb.connect()
    table = read_xlsx(con, path, {"deal name", "probability (%)", "amount"}, _normalise)

    assert table.headers == ["Deal Name", "Probability (%)", "Amount", "Closing Date", "Created Time"]
    assert con.execute("select * from src order by _row").fetchall() == [
        ("Alpha", "30%", "1200", "2024-03-31", "2024-01-02 09:30:00", 4),
        ("Beta", "100%", "99.5", "2024-04-01", "2024-01-03 10:00:00", 5),
        ("Gamma", None, "7", None, "2024-01-04 11:15:05", 6),
    ]


def test_a_cover_sheet_blank_rows_and_calamine_renderings_read_as_shown(tmp_path: Path):
    """A cover sheet before the data, blank rows above the title and between records (their
    numbers stay on the others), a date-time at midnight shown as its date, a time alone as the
    time, a percent-formatted column holding text as well, blank-looking text as NULL."""
    book = Workbook()
    book.active.title = "说明"
    book.active["A1"] = "本文件由系统导出"
    sheet = book.create_sheet("数据")
    sheet["A3"] = "跟进记录"
    for column, header in zip("ABCD", ["跟进时间", "时长", "赢率", "备注"]):
        sheet[f"{column}4"] = header
    sheet.append([dt.datetime(2024, 3, 5, 0, 0), dt.time(9, 30), 0.25, "\u3000 "])
    sheet.append([None, None, None, None])
    sheet.append([dt.datetime(2024, 3, 6, 14, 5, 9), None, "未知", 1234567.891])
    for row in (5, 7):
        sheet[f"C{row}"].number_format = "0%"
    path = tmp_path / "跟进记录.xlsx"
    book.save(path)

    con = duckdb.connect()
    table = read_xlsx(con, path, {"跟进时间", "赢率"}, _normalise)

    assert table.headers == ["跟进时间", "时长", "赢率", "备注"] and table.first_data_row == 5
    assert con.execute("select * from src order by _row").fetchall() == [
        ("2024-03-05", "09:30:00", "25%", None, 5),
        ("2024-03-06 14:05:09", None, "未知", "1234567.891", 7),
    ]
