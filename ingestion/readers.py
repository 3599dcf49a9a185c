"""Readers: open an export file (CSV, XLSX, JSON pages) as a :class:`SourceTable` — the one
shape the typing pass reads, whatever the format. The file's signature decides the format,
not its name: an XLSX renamed ``.csv`` happens."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from ingestion.csv_reader import read_csv
from ingestion.errors import RejectedFile
from ingestion.json_reader import read_json
from ingestion.source_table import Normaliser, SourceTable
from ingestion.sql import quote
from ingestion.xlsx_reader import read_xlsx

DEFAULT_MEMORY = "2GB"


def file_format(path: Path) -> str:
    """Format from the file's signature first, then its suffix."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        if not _is_workbook(path):
            raise RejectedFile("a ZIP archive, not an XLSX workbook: unpack it and load the export files inside")
        return "xlsx"
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith((b"{", b"[")):
        return "json"
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return "xlsx"  # an .xlsx without a zip signature is truncated: the XLSX reader says so
    return "csv"


def _is_workbook(path: Path) -> bool:
    """An XLSX is a ZIP holding ``xl/workbook.xml``; only the archive's directory is read. A
    truncated workbook has no readable directory: the XLSX reader says it is truncated."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return path.suffix.lower() != ".zip"


def connect(tmp_dir: Path) -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per file. Past ``SALESDW_INGEST_MEMORY`` (default 2GB) what it holds
    (a sheet's rows, a sort) spills to the load's tmp folder instead of failing; a CSV streams.
    DuckDB's own progress bar stays off: the caller's ``progress`` callback shows progress."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"set temp_directory = {quote(str(tmp_dir))}")
    con.execute(f"set memory_limit = {quote(os.environ.get('SALESDW_INGEST_MEMORY', DEFAULT_MEMORY))}")
    con.execute("set enable_progress_bar_print = false")
    return con


def read_file(path: Path, known: set[str], normalise: Normaliser, tmp_dir: Path,
              on_progress: Callable[[float], None] | None = None) -> SourceTable:
    """``known``: every header the source's profiles recognise (finds the header row).
    ``on_progress`` hears the share of a sheet read so far (a CSV is read by the typing pass)."""
    con = connect(tmp_dir)
    try:
        kind = file_format(path)
        if kind == "xlsx":
            return read_xlsx(con, path, known, normalise, on_progress)
        if kind == "json":
            return read_json(con, path, known, normalise)
        return read_csv(con, path, known, normalise, tmp_dir)
    except BaseException:
        con.close()
        raise
