"""The Excel pack: one sheet per report table, typed cells, a frozen header, number formats for
money and rates, traffic-light colours on attainment.

Every text cell is written as a string, and the workbook is told not to turn strings into
formulas, URLs or numbers: a CRM value such as ``=HYPERLINK(...)`` or ``+1 555`` stays the text
it was (no formula injection)."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import xlsxwriter

from reporting.labels import Labels
from reporting.sections import Section, Table

FORMATS = {
    "money": "#,##0.00",
    "percent": "0.0%",
    "count": "#,##0",
    "number": "#,##0.###",
    "date": "yyyy-mm-dd",
}
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, taken: set[str]) -> str:
    name = SHEET_NAME_FORBIDDEN.sub(" ", title)[:31]
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _missing(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _write_table(book: xlsxwriter.Workbook, sheet, table: Table, labels: Labels, formats: dict) -> None:
    header = book.add_format({"bold": True, "bg_color": "#F3F5F7", "border": 1})
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, labels(column.label), header)
        sheet.set_column(col, col, 14 if column.kind != "text" else 22, formats.get(column.kind))
    for row, record in enumerate(table.frame.to_dict("records"), start=1):
        for col, column in enumerate(table.columns):
            value = record.get(column.name)
            if _missing(value):
                sheet.write_blank(row, col, None)
            elif column.kind == "flag":
                sheet.write_boolean(row, col, bool(value))
            elif column.kind == "date" and isinstance(value, (dt.date, pd.Timestamp)):
                sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), formats["date"])
            elif column.kind in ("money", "percent", "count", "number") and isinstance(value, (int, float, Decimal)):
                sheet.write_number(row, col, float(value), formats[column.kind])
            else:
                sheet.write_string(row, col, str(value))
    sheet.freeze_panes(1, 0)
    last_row = max(len(table.frame), 1)
    sheet.autofilter(0, 0, last_row, len(table.columns) - 1)
    for col, column in enumerate(table.columns):
        if column.name in table.attainment_columns and len(table.frame):
            for criteria, value, colour in ((">=", 1, "#C8E6C9"), ("between", (0.9, 1), "#FFF3C4"), ("<", 0.9, "#FFCDD2")):
                rule = {"type": "cell", "criteria": criteria, "format": book.add_format({"bg_color": colour})}
                if criteria == "between":
                    rule.update(minimum=value[0], maximum=value[1] - 1e-12)
                else:
                    rule["value"] = value
                sheet.conditional_format(1, col, len(table.frame), col, rule)


def write_pack(sections: list[Section], labels: Labels, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "default_date_format": FORMATS["date"],
    })
    try:
        formats = {kind: book.add_format({"num_format": fmt}) for kind, fmt in FORMATS.items()}
        taken: set[str] = set()
        for section in sections:
            for table in section.tables:
                sheet = book.add_worksheet(_sheet_name(labels(table.title), taken))
                _write_table(book, sheet, table, labels, formats)
    finally:
        book.close()
