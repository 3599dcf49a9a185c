"""The typing pass: one scan of the source that types every profile column and runs every check.
DuckDB streams the typed rows, in file order and in batches, and the pass writes those that
pass straight to their Parquet file, with lineage and row numbers; it keeps the others (their
typed values and their cells as text) in table ``bad``, where each failed check of each becomes
a quarantine row (file, row, column, raw value, reason).

Nothing is held whole: a 5 GB export streams through in batches, at DuckDB's speed, typed in
SQL in parallel; Python only splits each batch and numbers its rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingestion.dates import DatePlan
from ingestion.detect import ColumnMatch
from ingestion.errors import QuarantineRow, RejectedFile
from ingestion.profiles import Profile
from ingestion.raw_zone import arrow_schema
from ingestion.settings import max_rows
from ingestion.source_table import SourceTable
from ingestion.sql import quote
from ingestion.typing_sql import TypedColumn, typed_column

BATCH_ROWS = 122_880  # a Parquet row group per batch
MISSING = "cast(null as varchar)"


def raw_cell(match: ColumnMatch, name: str) -> str:
    """The SQL of a profile column's cell text (NULL when the file lacks the column)."""
    return f"c{match.index[name]}" if name in match.index else MISSING


def typed_columns(profile: Profile, match: ColumnMatch, dates: DatePlan, timezone: str) -> dict[str, TypedColumn]:
    return {c.name: typed_column(c, raw_cell(match, c.name), dates, timezone) for c in profile.columns}


def extra_columns(table: SourceTable, match: ColumnMatch) -> list[int]:
    """Columns no profile column claims: schema drift, kept in ``_extra``."""
    claimed = set(match.index.values()) | table.hidden
    return [i for i in range(len(table.headers)) if i not in claimed]


def extra_name(table: SourceTable, index: int) -> str:
    return table.headers[index] or f"column_{index + 1}"


def _one_cell(cells: list[str]) -> str:
    return " + ".join(f"({c} is not null)::int" for c in cells) + " = 1"


def _skipped(table: SourceTable, profile: Profile) -> str:
    """Rows that are layout, not records: no cell at all, or part of a report footer (one-cell
    rows from the first that matches the profile's ``footer_starts``). In a CSV such rows are
    too short to be read at all: :func:`unreadable_rows` leaves them out."""
    cells = [f"c{i}" for i in range(len(table.headers))]
    blank = "(" + (" and ".join(f"{c} is null" for c in cells) or "true") + ")"
    if not (profile.footer_starts and table.numbered):
        return blank
    first_cell = f"coalesce({', '.join(cells)})"
    [(start,)] = table.con.execute(
        f"select min(_row) from {table.relation} where {_one_cell(cells)}"
        f" and regexp_matches({first_cell}, {quote(profile.footer_starts)})"
    ).fetchall()
    return blank if start is None else f"({blank} or (_row >= {start} and {_one_cell(cells)}))"


def _checked(table: SourceTable, profile: Profile, typed: dict[str, TypedColumn]) -> str:
    """The source with the typed columns, ``_skip`` and ``_bad`` (a check failed)."""
    conditions = [f"({cond})" for t in typed.values() for cond, _ in t.checks]
    # one OR chain: DuckDB evaluates each check only on the rows no earlier check has failed
    failed = f"coalesce({' or '.join(conditions)}, false)" if conditions else "false"
    typed_sql = ", ".join(f"{t.expression} as {n}" for n, t in typed.items())
    return (
        f"(select *, not _skip and {failed} as _bad from"
        f" (select *, {_skipped(table, profile)} as _skip from (select *, {typed_sql} from {table.relation})))"
    )


@dataclass(frozen=True)
class PassCounts:
    records: int  # rows typed: blank rows and report footers are no records
    loaded: int
    bad: int


def _scan_sql(table: SourceTable, profile: Profile, match: ColumnMatch, typed: dict[str, TypedColumn]) -> str:
    extra = extra_columns(table, match)
    extra_json = (
        "json_object(" + ", ".join(f"{quote(extra_name(table, i))}, c{i}" for i in extra) + ")::varchar"
        if extra else "cast(null as varchar)"
    )
    cells = ", ".join(f"c{i}" for i in range(len(table.headers)))
    row = ", _row" if table.numbered else ""
    return (
        f"select {', '.join(typed)}, {extra_json} as _extra, _skip, _bad,"
        f" case when _bad then [{cells}] end as _raw{row} from {_checked(table, profile, typed)}"
    )


def _constant(value: object, arrow_type: pa.DataType, size: int) -> pa.Array:
    """A lineage column that is the same on every row of a batch."""
    return pa.repeat(pa.scalar(value, arrow_type), size)


def type_and_write(table: SourceTable, profile: Profile, match: ColumnMatch, typed: dict[str, TypedColumn],
                   lineage: dict[str, object], target: Path) -> PassCounts:
    """The scan: good rows to ``target``, bad rows to table ``bad``. ``lineage`` holds the
    values of the lineage columns that are the same on every row; ``_source_row`` and
    ``_extra`` are the pass's own."""
    reader = table.con.sql(_scan_sql(table, profile, match, typed)).to_arrow_reader(BATCH_ROWS)
    schema = arrow_schema(profile)
    names = schema.names
    kept = ["_row", *typed, "_raw"]
    bad_parts, records, loaded, position = [], 0, 0, 0
    # no dictionary pages and no min/max statistics: writing them cost twice the rest of the
    # file, and without them zstd makes the file smaller still (dbt reads raw files whole)
    with pq.ParquetWriter(target, schema, compression="zstd", use_dictionary=False, write_statistics=False) as writer:
        limit = max_rows()
        for batch in reader:
            size = batch.num_rows
            if position + size > limit:
                raise RejectedFile(f"more than {limit:,} rows (setting SALESDW_MAX_ROWS): split the export")
            rows = batch.column("_row") if table.numbered else table.row_numbers(position, size)
            position += size
            columns = {**{n: batch.column(n) for n in batch.schema.names}, "_row": rows, "_source_row": rows,
                       **{n: _constant(v, schema.field(n).type, size) for n, v in lineage.items()}}
            out = pa.RecordBatch.from_arrays([columns[n] for n in names], schema=schema)
            skipped, bad = pc.sum(batch.column("_skip")).as_py() or 0, pc.sum(batch.column("_bad")).as_py() or 0
            if skipped or bad:  # most batches are all good: no copy
                out = out.filter(pc.invert(pc.or_(batch.column("_skip"), batch.column("_bad"))))
            if bad:
                bad_parts.append(pa.RecordBatch.from_arrays([columns[n] for n in kept], names=kept).filter(batch.column("_bad")))
            writer.write_batch(out)
            records += size - skipped
            loaded += out.num_rows
    if table.collect_rejects():  # rows after a rejected one were numbered one short: again
        return type_and_write(table, profile, match, typed, lineage, target)
    bad_rows = pa.Table.from_batches(bad_parts) if bad_parts else None  # noqa: F841 — read by DuckDB below
    cells = ", ".join(f"_raw[{i + 1}] as c{i}" for i in range(len(table.headers)))
    table.con.execute(f"create or replace table bad as select _row, {', '.join(typed)}, {cells} from bad_rows" if bad_parts
                      else "create or replace table bad as select 1 where false")
    return PassCounts(records, loaded, records - loaded)


QUARANTINE_EXCERPT = 1000


def quarantine_rows(table: SourceTable, match: ColumnMatch, typed: dict[str, TypedColumn], file_name: str) -> list[QuarantineRow]:
    """Each failed check of each row in ``bad``, with the cell as the file has it."""
    failures = []
    for name, column in typed.items():
        position = match.index.get(name)
        label = table.column_labels.get(position) or quote(table.headers[position] if position is not None else name)
        for condition, reason in column.checks:
            # the quarantine keeps an excerpt of the cell: a 5 MB cell is not copied into the ledger
            failures.append(f"select _row, {label}, left({raw_cell(match, name)}, {QUARANTINE_EXCERPT}), {reason}"
                            f" from bad where {condition}")
    if not failures:
        return []
    # `union`, not `union all`: a wide row unpivoted into months fails an input check once per month
    rows = table.con.execute(" union ".join(failures) + " order by 1, 2, 4").fetchall()
    return [QuarantineRow(file_name, int(row), col, raw, reason) for row, col, raw, reason in rows]


def unreadable_rows(table: SourceTable, profile: Profile, file_name: str) -> list[QuarantineRow]:
    """CSV rows DuckDB could not split, except blank lines and a report footer."""
    rows = []
    in_footer = False
    for line in table.rejected_lines:
        text = line.text.strip().strip(",;\t|").strip().strip('"').strip()
        in_footer = in_footer or bool(profile.footer_starts and re.search(profile.footer_starts, text))
        if text and not in_footer:
            rows.append(QuarantineRow(file_name, line.row, "(row)", line.text.strip(), f"unreadable CSV row: {line.message}"))
    return rows
