"""XLSX exports (Zoho, the Fxiaoke web console, management spreadsheets), read by fastexcel:
calamine (a Rust reader) turning the sheet straight into Arrow text columns, no Python object
per cell, which DuckDB then scans in place.

Cells become the text a person sees (dates as ISO, percent-formatted numbers as ``30%``), so
the one SQL typing path handles every format. Calamine renders a number with at most nine
decimals, more than any typed column keeps (six). It gives values, not number formats: which
columns are percent-formatted is read by openpyxl from the first rows below the header (an
export formats a field the same way in every row), a cheap look at a few hundred rows.
Calamine holds one sheet's cells in memory while it is read and its Arrow columns afterwards;
an XLSX sheet has at most 1,048,576 rows, so this stays bounded, and DuckDB reads the Arrow
columns without a copy of its own.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

import duckdb
import fastexcel
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.errors import RejectedFile
from ingestion.source_table import PREVIEW_ROWS, Normaliser, SourceTable, check_width, pick_header_row

UNREADABLE = (zipfile.BadZipFile, EOFError, KeyError, OSError, ValueError, ParseError, fastexcel.FastExcelError)
FORMAT_SAMPLE_ROWS = 200
NUMBER = r"^-?[0-9]+(\.[0-9]+)?$"  # a number cell as calamine writes it
# calamine writes every date-time cell as "YYYY-MM-DD HH:MM:SS"; a person sees a date at
# midnight as the date, and a time alone (a day-0 date-time) as the time
MIDNIGHT = (" 00:00:00", r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", r"\1")
TIME_ONLY = ("1899-12-3", r"^1899-12-3[01] (\d{2}:\d{2}:\d{2}(\.\d+)?)$", r"\1")


def _shown(column: pa.Array) -> pa.Array:
    """A text column as a person sees it: dates at midnight as dates, times alone as times.
    The rewrite runs only on columns that hold such a value (a cheap suffix or prefix test)."""
    for marker, pattern, replacement in (MIDNIGHT, TIME_ONLY):
        test = pc.ends_with if marker == MIDNIGHT[0] else pc.starts_with
        if pc.any(test(column, marker)).as_py():
            column = pc.replace_substring_regex(column, pattern=pattern, replacement=replacement)
    return column


def _as_percent(column: pa.Array) -> pa.Array:
    """A percent-formatted column's numbers as Excel shows them (0.3 → ``30%``); text stays.
    Percent columns are few and narrow, so this one goes cell by cell."""
    def shown(text: str | None) -> str | None:
        try:
            return f"{float(text) * 100:.10g}%" if text is not None else None
        except ValueError:
            return text

    return pa.array([shown(v) for v in column.to_pylist()], pa.string())


@dataclass(frozen=True)
class _Sheet:
    """One worksheet's cells as text columns ``c0 … cN``: row ``i`` is the spreadsheet's row
    ``i + 1`` (leading blank rows kept), columns from the first one used, ``first_column``
    (0-based). Calamine's own copy of the cells is gone once this exists."""

    name: str
    first_column: int
    cells: pa.Table


def _load_sheet(reader: fastexcel.ExcelReader, name: str) -> _Sheet:
    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string", whitespace_as_null=True)
    first_column = sheet.available_columns()[0].absolute_index if sheet.width else 0
    batch = sheet.to_arrow()
    cells = pa.table([_shown(c) for c in batch.columns], names=[f"c{i}" for i in range(batch.num_columns)])
    return _Sheet(name, first_column, cells)


def _best_sheet(reader: fastexcel.ExcelReader, known: set[str], normalise: Normaliser) -> _Sheet:
    """The first sheet whose first rows carry known headers (exports sometimes add a cover
    sheet), else the first."""
    if not reader.sheet_names:
        raise RejectedFile("the workbook has no worksheet")
    first = None
    for name in reader.sheet_names:
        sheet = _load_sheet(reader, name)
        first = first or sheet
        preview = sheet.cells.slice(0, PREVIEW_ROWS).to_pylist()
        if any(v is not None and normalise(v) in known for row in preview for v in row.values()):
            return sheet
    return first


def _percent_columns(path: Path, sheet_name: str, first_column: int, data: pa.Table, first_data_row: int) -> set[int]:
    """Columns (0-based, from ``first_column``) whose numbers are formatted as percentages in
    the first rows below the header. Only columns with a number among those rows can be;
    when there is none (text and dates alone), the workbook is not opened a second time."""
    sample = data.slice(0, FORMAT_SAMPLE_ROWS)
    numeric = [i for i, column in enumerate(sample.columns)
               if pc.any(pc.match_substring_regex(column, NUMBER)).as_py()]
    if not numeric:
        return set()
    from openpyxl import load_workbook  # 0.1 s of imports, paid only by a workbook with numbers

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook[sheet_name].iter_rows(
            min_row=first_data_row, max_row=first_data_row + FORMAT_SAMPLE_ROWS - 1,
            min_col=first_column + numeric[0] + 1, max_col=first_column + numeric[-1] + 1,
        )
        return {
            numeric[0] + index for row in rows for index, cell in enumerate(row)
            if isinstance(cell.value, (int, float)) and "%" in (getattr(cell, "number_format", "") or "")
        }
    finally:
        workbook.close()


def _data_rows(cells: pa.Table, first_row: int, percent: set[int]) -> pa.Table:
    """The rows below the header with ``_row``, the spreadsheet's row number. Blank rows between
    blocks are layout, not records; their numbers stay on the others."""
    columns = [_as_percent(c) if i in percent else c for i, c in enumerate(cells.columns)]
    rows = pa.table(columns + [pa.array(range(first_row, first_row + cells.num_rows), pa.int64())],
                    names=[*cells.column_names, "_row"])
    blank = None
    for column in columns:
        blank = pc.is_null(column) if blank is None else pc.and_(blank, pc.is_null(column))
    return rows.filter(pc.invert(blank)) if blank is not None and pc.any(blank).as_py() else rows


def read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, known: set[str], normalise: Normaliser,
              on_progress: Callable[[float], None] | None = None) -> SourceTable:
    try:
        reader = fastexcel.read_excel(path)
    except fastexcel.FastExcelError as exc:
        if "Zip error" in str(exc):  # calamine's words for it are "could not find EOCD"
            raise RejectedFile("cannot open as XLSX (truncated or not a workbook): File is not a zip file") from exc
        raise RejectedFile(f"cannot open as XLSX (truncated or not a workbook): {_first_line(exc)}") from exc
    try:
        sheet = _best_sheet(reader, known, normalise)
        preview = [list(row.values()) for row in sheet.cells.slice(0, PREVIEW_ROWS).to_pylist()]
        if not any(any(row) for row in preview):
            raise RejectedFile(f"sheet {sheet.name!r} is empty")
        header_index = pick_header_row(preview, known, normalise)
        headers = [cell or "" for cell in preview[header_index]]
        check_width(headers)
        data = sheet.cells.slice(header_index + 1)
        percent = _percent_columns(path, sheet.name, sheet.first_column, data, header_index + 2)
        rows = _data_rows(data, header_index + 2, percent)
        con.register("src", rows)  # DuckDB scans the Arrow columns in place
        if on_progress:
            on_progress(1.0)
    except fastexcel.FastExcelError as exc:
        raise RejectedFile(f"cannot read XLSX (truncated or corrupt): {_first_line(exc)}") from exc
    except UNREADABLE as exc:
        raise RejectedFile(f"cannot read XLSX (truncated or corrupt): {exc}") from exc
    return SourceTable(con, "src", headers, "xlsx", None, first_data_row=header_index + 2)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [""])[0]
