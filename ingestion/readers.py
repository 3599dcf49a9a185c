"""Readers: turn an export file (CSV, XLSX, JSON pages) into a DuckDB table of text cells.

Every reader produces the same shape — table ``src`` with columns ``c0 … cN`` (VARCHAR, one per
header cell, in file order) and ``_row`` (the row number a spreadsheet would show) — so that
typing, validation and quarantine are written once, in SQL, for every format. CSV goes through
DuckDB's own streaming reader; XLSX streams through openpyxl in read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from ingestion.errors import RejectedFile

PREVIEW_ROWS = 15
XLSX_CHUNK_ROWS = 50_000
CSV_ENCODINGS = ("utf-8", "gb18030")


@dataclass(frozen=True)
class SourceTable:
    """A file read into ``con`` as table ``src``; ``headers[i]`` names column ``c{i}``."""

    con: duckdb.DuckDBPyConnection
    headers: list[str]
    file_format: str
    encoding: str | None
    rejected_lines: list[tuple[int, str]]


def file_format(path: Path) -> str:
    """Format from the file's signature first (an .xls renamed .csv happens), then its suffix."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith((b"{", b"[")):
        return "json"
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return "xlsx"  # an .xlsx without a zip signature is truncated: the XLSX reader says so
    return "csv"


def pick_header_row(rows: list[list[str | None]], known: set[str], normalise) -> int:
    """Index of the header row: the preview row whose cells match the most known headers.

    Fxiaoke exports put a title row (or merged cells) above the header; Zoho's first row is the
    header. The first row wins ties, so a file with no title row is read as usual."""
    best, best_hits = 0, -1
    for index, row in enumerate(rows):
        hits = sum(1 for cell in row if cell is not None and normalise(cell) in known)
        if hits > best_hits:
            best, best_hits = index, hits
    return best


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) or GB18030/GBK, decided over the whole file, never guessed
    from a sample: a GBK file whose first megabyte is ASCII would otherwise break mid-load."""
    failures = []
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = 0
        try:
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 22):
                    decoder.decode(chunk)
                    offset += len(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError as exc:
            failures.append(f"{encoding} fails at byte {offset + exc.start}")
    raise RejectedFile(f"cannot detect the text encoding (tried UTF-8, GB18030: {'; '.join(failures)})")


def _transcode_to_utf8(path: Path, encoding: str, tmp_dir: Path) -> Path:
    """DuckDB reads UTF-8 only: stream a GB18030 file into a UTF-8 copy, chunk by chunk."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    target = tmp_dir / f"{path.stem}.utf8.csv"
    with path.open("r", encoding=encoding, newline="") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(1 << 22):
            dst.write(chunk)
    return target


def _csv_preview(path: Path) -> tuple[list[list[str | None]], str]:
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(1 << 16)
    first_lines = sample.splitlines()[:PREVIEW_ROWS] or [""]
    counts = {d: max(line.count(d) for line in first_lines) for d in (",", ";", "\t", "|")}
    delimiter = max(counts, key=counts.get)
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    rows = []
    for row in reader:
        rows.append([cell if cell != "" else None for cell in row])
        if len(rows) >= PREVIEW_ROWS:
            break
    return rows, delimiter


def read_csv(path: Path, known: set[str], normalise, tmp_dir: Path) -> SourceTable:
    encoding = detect_encoding(path)
    readable = path if encoding == "utf-8" else _transcode_to_utf8(path, encoding, tmp_dir)
    preview, delimiter = _csv_preview(readable)
    if not preview:
        raise RejectedFile("the file is empty")
    header_index = pick_header_row(preview, known, normalise)
    headers = [cell or "" for cell in preview[header_index]]
    names = [f"c{i}" for i in range(len(headers))]
    con = duckdb.connect()
    try:
        con.execute(
            "create table src_raw as select * from read_csv(?, header=false, skip=?, delim=?, quote='\"',"
            " escape='\"', all_varchar=true, null_padding=true, store_rejects=true, names=?,"
            " parallel=false)",
            [str(readable), header_index + 1, delimiter, names],
        )
        rejects = con.execute(
            "select line, error_message from reject_errors order by line"
        ).fetchall()
    except duckdb.Error as exc:
        con.close()
        raise RejectedFile(f"cannot parse as CSV: {str(exc).splitlines()[0]}") from exc
    first_data_row = header_index + 2
    con.execute(f"create table src as select *, rowid + {first_data_row} as _row from src_raw")
    con.execute("drop table src_raw")
    return SourceTable(con, headers, "csv", encoding, [(int(line), msg) for line, msg in rejects])


def _cell_text(cell) -> str | None:
    """XLSX cell → the text a person sees, so the one SQL typing path handles every format."""
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        if "%" in (getattr(cell, "number_format", "") or ""):
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    text = str(value)
    return text if text.strip() != "" else None


def read_xlsx(path: Path, known: set[str], normalise) -> SourceTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RejectedFile(f"cannot open as XLSX (truncated or not a workbook): {exc}") from exc
    try:
        sheet = _best_sheet(workbook, known, normalise)
        rows = sheet.iter_rows()
        preview = [[_cell_text(c) for c in row] for _, row in zip(range(PREVIEW_ROWS), rows)]
        if not preview:
            raise RejectedFile(f"sheet {sheet.title!r} is empty")
        header_index = pick_header_row(preview, known, normalise)
        headers = [cell or "" for cell in preview[header_index]]
        width = len(headers)
        first_data_row = header_index + 2
        con = duckdb.connect()
        names = [f"c{i}" for i in range(width)]
        con.execute(
            "create table src (" + ", ".join(f"{n} varchar" for n in names) + ", _row bigint)"
        )
        data_rows: Iterator = iter(preview[header_index + 1 :])
        remaining = ([_cell_text(c) for c in row] for row in rows)
        _insert_chunks(con, names, _chain(data_rows, remaining), first_data_row, width)
    except (zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise RejectedFile(f"cannot read XLSX (truncated or corrupt): {exc}") from exc
    finally:
        workbook.close()
    return SourceTable(con, headers, "xlsx", None, [])


def _best_sheet(workbook, known: set[str], normalise):
    """The first sheet whose first rows carry known headers (exports sometimes add a cover sheet)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(max_row=PREVIEW_ROWS, values_only=True):
            if any(cell is not None and normalise(cell) in known for cell in row):
                return sheet
    return workbook.worksheets[0]


def _chain(*iterables: Iterable) -> Iterator:
    for iterable in iterables:
        yield from iterable


def _insert_chunks(con, names: list[str], rows: Iterator[list], first_row: int, width: int) -> None:
    """Append rows to ``src`` in Arrow chunks: memory stays flat whatever the sheet's size."""
    row_number = first_row
    buffer: list[list] = []

    def flush() -> None:
        if not buffer:
            return
        columns = {n: pa.array([r[i] if i < len(r) else None for r in buffer], pa.string()) for i, n in enumerate(names)}
        columns["_row"] = pa.array(range(row_number - len(buffer), row_number), pa.int64())
        chunk = pa.table(columns)  # noqa: F841 — read by DuckDB's replacement scan below
        con.execute("insert into src select * from chunk")
        buffer.clear()

    for row in rows:
        buffer.append(row[:width])
        row_number += 1
        if len(buffer) >= XLSX_CHUNK_ROWS:
            flush()
    flush()
    con.execute("delete from src where " + " and ".join(f"{n} is null" for n in names))


def flatten_record(record: dict, prefix: str = "") -> dict[str, str | None]:
    """Zoho API lookups are objects (``{"name", "id"}``): flatten to ``Field.name``/``Field.id``."""
    flat: dict[str, str | None] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_record(value, f"{name}."))
        elif isinstance(value, list):
            if not any(isinstance(v, dict) for v in value):
                flat[name] = json.dumps(value, ensure_ascii=False) if value else None
        elif value is None:
            flat[name] = None
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        else:
            flat[name] = str(value)
    return flat


def _records(doc) -> list[dict]:
    """The record list of an API page: Zoho's ``data``, Fxiaoke's ``data.dataList``, or a list."""
    for candidate in (doc, (doc or {}).get("data") if isinstance(doc, dict) else None):
        if isinstance(candidate, list):
            return candidate
        if isinstance(candidate, dict):
            for key in ("dataList", "data", "records", "result"):
                if isinstance(candidate.get(key), list):
                    return candidate[key]
    raise RejectedFile("JSON holds no record list (expected `data`, `data.dataList` or a list)")


def json_rows(doc) -> Iterator[tuple[int, dict[str, str | None]]]:
    """One row per record, or per line item where a record carries an array of line objects
    (Zoho ``Product_Details``): the same repeated-row shape as a CSV export with line items."""
    for index, record in enumerate(_records(doc), start=1):
        if not isinstance(record, dict):
            raise RejectedFile(f"record {index} is not an object")
        base = flatten_record(record)
        line_lists = {k: v for k, v in record.items() if isinstance(v, list) and any(isinstance(i, dict) for i in v)}
        if not line_lists:
            yield index, base
            continue
        for key, items in line_lists.items():
            for item in items:
                yield index, {**base, **flatten_record(item, f"{key}.")}


def read_json(path: Path) -> SourceTable:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RejectedFile(f"not valid JSON: {exc}") from exc
    rows = list(json_rows(doc))
    headers: list[str] = []
    for _, row in rows:
        headers.extend(k for k in row if k not in headers)
    names = [f"c{i}" for i in range(len(headers))]
    con = duckdb.connect()
    con.execute("create table src (" + ", ".join([f"{n} varchar" for n in names] + ["_row bigint"]) + ")")
    if rows:
        columns = {n: pa.array([r.get(h) for _, r in rows], pa.string()) for n, h in zip(names, headers)}
        columns["_row"] = pa.array([i for i, _ in rows], pa.int64())
        chunk = pa.table(columns)  # noqa: F841 — read by DuckDB's replacement scan below
        con.execute("insert into src select * from chunk")
    return SourceTable(con, headers, "json", "utf-8", [])


def read_file(path: Path, known: set[str], normalise, tmp_dir: Path) -> SourceTable:
    kind = file_format(path)
    if kind == "xlsx":
        return read_xlsx(path, known, normalise)
    if kind == "json":
        return read_json(path)
    return read_csv(path, known, normalise, tmp_dir)
