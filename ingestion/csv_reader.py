"""CSV exports: encoding (UTF-8, UTF-8 BOM, GB18030/GBK), delimiter, title rows above the
header, CRLF and quoted multi-line fields.

The relation is DuckDB's own ``read_csv``, not a copy: the typing pass streams the file once, in
parallel, typed on the way.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import duckdb

from ingestion.errors import RejectedFile
from ingestion.source_table import PREVIEW_ROWS, Normaliser, SourceTable, check_width, pick_header_row
from ingestion.sql import quote

CSV_ENCODINGS = ("utf-8", "gb18030")


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
                    if (nul := chunk.find(b"\x00")) >= 0:  # no text export holds one
                        raise RejectedFile(f"binary content, not a text export (a NUL byte at byte {offset + nul});"
                                           " if it is a UTF-16 text export, save it as UTF-8 CSV")
                    # ASCII reads the same in both; checking for it is ten times cheaper than decoding
                    if not (chunk.isascii() and decoder.getstate()[0] == b""):
                        decoder.decode(chunk)
                    offset += len(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError as exc:
            failures.append(f"{encoding} fails at byte {offset + exc.start}")
    raise RejectedFile(f"cannot detect the text encoding (tried UTF-8, GB18030: {'; '.join(failures)})")


def _transcode_to_utf8(path: Path, encoding: str, tmp_dir: Path) -> Path:
    """DuckDB reads UTF-8 only: stream a GB18030 file into a UTF-8 copy, chunk by chunk, in
    the load's own tmp folder (removed when the load ends)."""
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


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, known: set[str], normalise: Normaliser, tmp_dir: Path) -> SourceTable:
    encoding = detect_encoding(path)
    readable = path if encoding == "utf-8" else _transcode_to_utf8(path, encoding, tmp_dir)
    preview, delimiter = _csv_preview(readable)
    if not preview:
        raise RejectedFile("the file is empty")
    header_index = pick_header_row(preview, known, normalise)
    headers = [cell or "" for cell in preview[header_index]]
    check_width(headers)
    columns = "{" + ", ".join(f"'c{i}': 'varchar'" for i in range(len(headers))) + "}"
    # No sniffing (one malformed row must not make the whole file unreadable) and no padding of
    # short rows: a row with too few or too many cells is quarantined, not loaded half-empty.
    relation = (
        f"read_csv({quote(str(readable))}, header=false, skip={header_index + 1}, delim={quote(delimiter)},"
        f" quote='\"', escape='\"', columns={columns}, auto_detect=false, store_rejects=true)"
    )
    try:
        con.execute(f"select * from {relation} limit 1").fetchall()
    except duckdb.Error as exc:
        raise RejectedFile(f"cannot parse as CSV: {str(exc).splitlines()[0]}") from exc
    return SourceTable(con, relation, headers, "csv", encoding, first_data_row=header_index + 2, numbered=False)
