"""XLSX exports (Zoho, the Fxiaoke web console, management spreadsheets), read by calamine (a
Rust reader, about 14× openpyxl's speed) and appended to DuckDB in Arrow chunks.

Cells become the text a person sees (dates as ISO, percent-formatted numbers as ``30%``), so
the one SQL typing path handles every format. Calamine gives values, not number formats: which
columns are percent-formatted is read by openpyxl from the first rows below the header (an
export formats a field the same way in every row), a cheap look at a few hundred rows.
Calamine holds one sheet's cells in memory while it is read; an XLSX sheet has at most
1,048,576 rows, so this stays bounded, and the Arrow chunks keep DuckDB's side flat.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path
from xml.etree.ElementTree import ParseError

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import python_calamine
from openpyxl import load_workbook

from ingestion.errors import RejectedFile
from ingestion.source_table import PREVIEW_ROWS, Normaliser, SourceTable, check_width, pick_header_row

CHUNK_ROWS = 50_000
UNREADABLE = (zipfile.BadZipFile, EOFError, KeyError, OSError, ValueError, ParseError, python_calamine.CalamineError)
FORMAT_SAMPLE_ROWS = 200


def _cell_text(value: object, percent: bool = False) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        if percent:
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    return text if text.strip() != "" else None


def _best_sheet(workbook: python_calamine.CalamineWorkbook, known: set[str], normalise: Normaliser):
    """The first worksheet whose first rows carry known headers (exports sometimes add a cover sheet)."""
    names = [m.name for m in workbook.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
    if not names:
        raise RejectedFile("the workbook has no worksheet")
    for name in names:
        sheet = workbook.get_sheet_by_name(name)
        for row in islice(sheet.iter_rows(), PREVIEW_ROWS):
            if any(cell not in (None, "") and normalise(cell) in known for cell in row):
                return sheet
    return workbook.get_sheet_by_name(names[0])


def _percent_columns(path: Path, sheet_name: str, first_data_row: int, first_column: int, width: int) -> set[int]:
    """Columns (0-based, from ``first_column``) whose numbers are formatted as percentages in
    the first rows below the header."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook[sheet_name].iter_rows(
            min_row=first_data_row, max_row=first_data_row + FORMAT_SAMPLE_ROWS - 1,
            min_col=first_column + 1, max_col=first_column + width,
        )
        return {
            index for row in rows for index, cell in enumerate(row)
            if isinstance(cell.value, (int, float)) and "%" in (getattr(cell, "number_format", "") or "")
        }
    finally:
        workbook.close()


def _column_text(values: Sequence[object], percent: bool) -> pa.Array:
    """One column of a chunk as text, as ``_cell_text`` would give it cell by cell. Columns of
    strings alone, or of whole-second date-times and blanks (most of an export), go through
    Arrow in one call each; the rest cell by cell."""
    kinds = set(map(type, values))
    if not percent and kinds <= {str}:
        text = pa.array(values, pa.string())
        return pc.if_else(pc.equal(pc.utf8_trim_whitespace(text), ""), pa.scalar(None, pa.string()), text)
    if kinds <= {dt.datetime, str, type(None)} and dt.datetime in kinds:
        stamps = [v if type(v) is dt.datetime else None for v in values]
        if all(type(v) is not str or not v.strip() for v in values):
            array = pa.array(stamps, pa.timestamp("us"))
            if not pc.max(pc.subsecond(array)).as_py():
                return pc.strftime(array.cast(pa.timestamp("s")), format="%Y-%m-%d %H:%M:%S")
    return pa.array([_cell_text(v, percent) for v in values], pa.string())


def _insert_chunks(con: duckdb.DuckDBPyConnection, width: int, rows: Iterable[Sequence[object]], first_row: int,
                   percent: set[int], on_rows: Callable[[int], None]) -> None:
    """Append rows of cell values to ``src`` in Arrow chunks, column by column: memory stays
    flat whatever the sheet's size."""
    names = [f"c{i}" for i in range(width)]
    con.execute("create table src (" + ", ".join(f"{n} varchar" for n in names) + ", _row bigint)")
    row_number = first_row
    iterator: Iterator[Sequence[object]] = iter(rows)
    while buffer := list(islice(iterator, CHUNK_ROWS)):
        if any(len(r) != width for r in buffer):  # calamine gives every row the sheet's width
            buffer = [list(r[:width]) + [None] * (width - len(r)) for r in buffer]
        columns = {n: _column_text(values, i in percent) for i, (n, values) in enumerate(zip(names, zip(*buffer)))}
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
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.ZipError as exc:  # calamine's words for it are "could not find EOCD"
        raise RejectedFile("cannot open as XLSX (truncated or not a workbook): File is not a zip file") from exc
    except UNREADABLE as exc:
        raise RejectedFile(f"cannot open as XLSX (truncated or not a workbook): {exc}") from exc
    try:
        sheet = _best_sheet(workbook, known, normalise)
        # calamine pads leading empty rows (row numbers match the sheet's) but starts each row at
        # the first used column
        values = iter(sheet.iter_rows())
        raw_preview = list(islice(values, PREVIEW_ROWS))
        preview = [[_cell_text(v) for v in row] for row in raw_preview]
        if not any(any(row) for row in preview):
            raise RejectedFile(f"sheet {sheet.name!r} is empty")
        header_index = pick_header_row(preview, known, normalise)
        headers = [cell or "" for cell in preview[header_index]]
        check_width(headers)
        first_column = sheet.start[1] if sheet.start else 0
        percent = _percent_columns(path, sheet.name, header_index + 2, first_column, len(headers))
        data = chain(raw_preview[header_index + 1:], values)
        last_row = sheet.height

        def on_rows(row_number: int) -> None:
            if on_progress and last_row:
                on_progress(min(row_number / last_row, 1.0))

        _insert_chunks(con, len(headers), data, header_index + 2, percent, on_rows)
    except UNREADABLE as exc:
        raise RejectedFile(f"cannot read XLSX (truncated or corrupt): {exc}") from exc
    finally:
        workbook.close()
    return SourceTable(con, "src", headers, "xlsx", None, first_data_row=header_index + 2)
