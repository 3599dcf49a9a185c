"""The one shape every reader produces, so that typing, validation and quarantine are written
once, in SQL, for every format: a relation of text cells ``c0 … cN`` (one per header cell, in
file order) and the row number a spreadsheet would show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

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
    DuckDB's reader itself; the typing pass stores its rows in file order (DuckDB keeps
    insertion order, in parallel), so a row's number is its position plus the header's, plus
    the rows DuckDB rejected before it — known once the file has been scanned."""

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

    def collect_rejects(self) -> None:
        """After a CSV scan: the rows DuckDB rejected, and the row-number shifts they cause."""
        if self.numbered:
            return
        rows = self.con.execute(REJECTS_SQL).fetchall()
        self.rejected_lines = [RejectedLine(int(line), text or "", message) for line, text, message in rows]
        self.con.execute("create or replace table _row_shifts (start bigint, shift bigint)")
        # the i-th row stored (0-based) follows `shift` rejected rows once i >= start; rejected
        # rows next to each other share a start, and the larger shift holds
        starts = {r.row - self.first_data_row - j: j + 1 for j, r in enumerate(self.rejected_lines)}
        if starts:
            self.con.executemany("insert into _row_shifts values (?, ?)", list(starts.items()))

    def numbered_relation(self, table: str) -> str:
        """``table`` — the scanned rows, in file order — with ``_row``."""
        if self.numbered:
            return table
        if not self.rejected_lines:
            return f"(select *, rowid + {self.first_data_row} as _row from {table})"
        return (
            f"(select t.*, t.rowid + {self.first_data_row} + coalesce(s.shift, 0) as _row"
            f" from {table} t asof left join _row_shifts s on t.rowid >= s.start)"
        )

    def number_rows(self) -> None:
        """Copy a CSV into a numbered table ``src``: needed before a rewrite changes row counts."""
        if self.numbered:
            return
        self.con.execute(f"create or replace table src_text as select * from {self.relation}")
        self.collect_rejects()
        self.con.execute(f"create or replace table src as select * from {self.numbered_relation('src_text')}")
        self.con.execute("drop table src_text")
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
