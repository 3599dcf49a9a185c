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
    DuckDB's reader, numbered on the fly by a positional join with ``range(max_records)``: the
    reader keeps file order, and the rows it rejects shift the numbers of the rows after them
    (known after a scan; a scan that met a rejected row is numbered again)."""

    con: duckdb.DuckDBPyConnection
    relation: str
    headers: list[str]
    file_format: str
    encoding: str | None
    first_data_row: int
    max_records: int | None = None  # CSV: more than its records (line breaks + 1); None: has _row
    rejected_lines: list[RejectedLine] = field(default_factory=list)
    hidden: frozenset[int] = frozenset()  # columns a layout rewrite consumed: not schema drift
    column_labels: dict[int, str] = field(default_factory=dict)  # column → SQL of its header per row

    @property
    def numbered(self) -> bool:
        return self.max_records is None

    def rows(self) -> str:
        """The relation with ``_row``, in file order. Positions past the last record pair with
        no cells at all: they read as blank rows, which the typing pass skips."""
        if self.numbered:
            return self.relation
        indexed = f"(select r.range as _i, c.* from {self.relation} c positional join range({self.max_records}) r)"
        if not self.rejected_lines:
            return f"(select * exclude (_i), _i + {self.first_data_row} as _row from {indexed})"
        return (
            f"(select t.* exclude (_i), t._i + {self.first_data_row} + coalesce(s.shift, 0) as _row"
            f" from {indexed} t asof left join _row_shifts s on t._i >= s.start)"
        )

    def collect_rejects(self) -> bool:
        """After a CSV scan: record the rows DuckDB rejected. True when the scan met rejected
        rows it did not know of, so that the row numbers it produced are off."""
        if self.numbered or self.rejected_lines:
            return False
        rows = self.con.execute(REJECTS_SQL).fetchall()
        self.rejected_lines = [RejectedLine(int(line), text or "", message) for line, text, message in rows]
        self.con.execute("create or replace table _row_shifts (start bigint, shift bigint)")
        # the i-th record read (0-based) follows `shift` rejected rows once i >= start; rejected
        # rows next to each other share a start, and the larger shift holds
        starts = {r.row - self.first_data_row - j: j + 1 for j, r in enumerate(self.rejected_lines)}
        if starts:
            self.con.executemany("insert into _row_shifts values (?, ?)", list(starts.items()))
        return bool(starts)

    def number_rows(self) -> None:
        """Copy a CSV into a numbered table ``src``: needed before a rewrite changes row counts."""
        if self.numbered:
            return
        self.con.execute(f"create or replace table src as select * from {self.rows()}")
        if self.collect_rejects():
            self.con.execute(f"create or replace table src as select * from {self.rows()}")
        self.relation, self.max_records = "src", None


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
