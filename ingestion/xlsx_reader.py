"""XLSX exports (Zoho, the Fxiaoke web console, management spreadsheets), streamed through
openpyxl's read-only mode into DuckDB in Arrow chunks, so a large sheet never sits in memory.

Cells become the text a person sees (dates as ISO, percent-formatted numbers as ``30%``), so
the one SQL typing path handles every format.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from xml.etree.ElementTree import ParseError

import duckdb
import pyarrow as pa
from openpyxl import load_workbook

from ingestion.errors import RejectedFile
from ingestion.source_table import PREVIEW_ROWS, Normaliser, SourceTable, check_width, pick_header_row

CHUNK_ROWS = 50_000
UNREADABLE = (zipfile.BadZipFile, EOFError, KeyError, OSError, ValueError, ParseError)


def _cell_text(cell) -> str | None:
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if "%" in (getattr(cell, "number_format", "") or ""):
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    return text if text.strip() != "" else None


def _best_sheet(workbook, known: set[str], normalise: Normaliser):
    """The first sheet whose first rows carry known headers (exports sometimes add a cover sheet)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1, max_row=PREVIEW_ROWS, values_only=True):
            if any(cell is not None and normalise(cell) in known for cell in row):
                return sheet
    return workbook.worksheets[0]


def _insert_chunks(con: duckdb.DuckDBPyConnection, width: int, rows: Iterable[list], first_row: int,
                   on_rows: Callable[[int], None]) -> None:
    """Append rows to ``src`` in Arrow chunks: memory stays flat whatever the sheet's size."""
    names = [f"c{i}" for i in range(width)]
    con.execute("create table src (" + ", ".join(f"{n} varchar" for n in names) + ", _row bigint)")
    row_number = first_row
    iterator: Iterator[list] = iter(rows)
    while buffer := list(islice(iterator, CHUNK_ROWS)):
        columns = {n: pa.array([r[i] if i < len(r) else None for r in buffer], pa.string()) for i, n in enumerate(names)}
        columns["_row"] = pa.array(range(row_number, row_number + len(buffer)), pa.int64())
        chunk = pa.table(columns)  # noqa: F841 — read by DuckDB's replacement scan below
        con.execute("insert into src select * from chunk")
        row_number += len(buffer)
        on_rows(row_number)
    # blank rows between blocks are layout, not records; their numbers stay on the others
    con.execute("delete from src where " + " and ".join(f"{n} is null" for n in names))


def read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, known: set[str], normalise: Normaliser,
              on_progress: Callable[[float], None] | None = None) -> SourceTable:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except UNREADABLE as exc:
        raise RejectedFile(f"cannot open as XLSX (truncated or not a workbook): {exc}") from exc
    try:
        sheet = _best_sheet(workbook, known, normalise)
        rows = ([_cell_text(c) for c in row] for row in sheet.iter_rows(min_row=1))
        preview = list(islice(rows, PREVIEW_ROWS))
        if not preview:
            raise RejectedFile(f"sheet {sheet.title!r} is empty")
        header_index = pick_header_row(preview, known, normalise)
        headers = [cell or "" for cell in preview[header_index]]
        check_width(headers)
        data = chain(preview[header_index + 1:], rows)
        last_row = sheet.max_row or 0  # from the sheet's stated dimension; unknown in some writers

        def on_rows(row_number: int) -> None:
            if on_progress and last_row:
                on_progress(min(row_number / last_row, 1.0))

        _insert_chunks(con, len(headers), (row[: len(headers)] for row in data), header_index + 2, on_rows)
    except UNREADABLE as exc:
        raise RejectedFile(f"cannot read XLSX (truncated or corrupt): {exc}") from exc
    finally:
        workbook.close()
    return SourceTable(con, "src", headers, "xlsx", None, first_data_row=header_index + 2)
