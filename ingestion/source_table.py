"""The one shape every reader produces, so that typing, validation and quarantine are written
once, in SQL, for every format: a relation of text cells ``c0 … cN`` (one per header cell, in
file order) and the row number a spreadsheet would show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from ingestion.errors import RejectedFile
from ingestion.settings import max_columns

# DuckDB's store_rejects records the unparseable CSV rows of every scan (a short row once per
# missing cell): the first error of each row of the last scan.
REJECTS_SQL = (
    "select distinct on (line) line, csv_line, error_message from reject_errors"
    " where scan_id = (select max(scan_id) from reject_errors) order by line, column_idx"
)

Normaliser = Callable[[object], str]
PREVIEW_ROWS = 15  # rows searched for the header row (title rows and merged cells sit above it)


@dataclass(frozen=True)
class RejectedLine:
    """A CSV row DuckDB could not split into the header's columns."""

    row: int
    text: str
    message: str


@dataclass
class SourceTable:
    """A file opened in ``con``: ``relation`` yields ``c0 … cN`` (``headers[i]`` names ``ci``).

    Spreadsheets and API pages are tables that carry ``_row`` already. A CSV relation is
    DuckDB's reader itself, which streams rows in file order (in parallel): a row's number is
    its position plus the header's, plus the rows DuckDB rejected before it — known once the
    file has been scanned, so a scan that met rejected rows numbers its rows again."""

    con: duckdb.DuckDBPyConnection
    relation: str
    headers: list[str]
    file_format: str
    encoding: str | None
    first_data_row: int
    numbered: bool = True  # the relation carries _row
    rejected_lines: list[RejectedLine] = field(default_factory=list)
    hidden: frozenset[int] = frozenset()  # columns a layout rewrite consumed: not schema drift
    column_labels: dict[int, str] = field(default_factory=dict)  # column → SQL of its header per row

    def collect_rejects(self) -> bool:
        """After a CSV scan: the rows DuckDB rejected. True when there are some that the scan's
        row numbers did not count yet."""
        if self.numbered or self.rejected_lines:
            return False
        rows = self.con.execute(REJECTS_SQL).fetchall()
        self.rejected_lines = [RejectedLine(int(line), text or "", message) for line, text, message in rows]
        return bool(self.rejected_lines)

    def row_numbers(self, first_index: int, count: int) -> pa.Array:
        """Row numbers of the ``count`` rows a scan yields from position ``first_index`` on."""
        positions = np.arange(first_index, first_index + count)
        # the j-th rejected row (0-based) precedes every row read from position row - first - j on
        starts = np.array([r.row - self.first_data_row - j for j, r in enumerate(self.rejected_lines)], dtype=np.int64)
        return pa.array(positions + self.first_data_row + np.searchsorted(starts, positions, side="right"), pa.int64())

    def number_rows(self) -> None:
        """Copy a CSV into a numbered table ``src``: needed before a rewrite changes row counts."""
        if self.numbered:
            return
        self.con.execute(f"select count(*) from {self.relation}").fetchall()  # a scan: meets the rejected rows
        self.collect_rejects()
        batches, position = [], 0
        for batch in self.con.sql(f"select * from {self.relation}").to_arrow_reader():
            batches.append(batch.append_column("_row", self.row_numbers(position, batch.num_rows)))
            position += batch.num_rows
        numbered_rows = pa.Table.from_batches(batches) if batches else None  # noqa: F841 — read by DuckDB below
        columns = ", ".join(f"cast(null as varchar) as c{i}" for i in range(len(self.headers)))
        self.con.execute(
            "create or replace table src as select * from numbered_rows" if batches
            else f"create or replace table src as select {columns}, cast(null as bigint) as _row limit 0"
        )
        self.relation, self.numbered = "src", True


def pick_header_row(rows: list[list[str | None]], known: set[str], normalise: Normaliser) -> int:
    """Index of the header row: the preview row whose cells match the most known headers.

    Fxiaoke exports put a title row (or merged cells) above the header; Zoho's first row is the
    header. The first row wins ties, so a file with no title row is read as usual."""
    best, best_hits = 0, -1
    for index, row in enumerate(rows):
        hits = sum(1 for cell in row if cell is not None and normalise(cell) in known)
        if hits > best_hits:
            best, best_hits = index, hits
    return best


def check_width(headers: list[str]) -> None:
    """Reject a file wider than ``SALESDW_MAX_COLUMNS`` before anything is typed: one cell per
    column per row is what DuckDB holds, and 10,000 columns exhaust it."""
    limit = max_columns()
    if len(headers) > limit:
        raise RejectedFile(f"at least {len(headers)} columns, more than the limit of {limit} (setting SALESDW_MAX_COLUMNS)")
