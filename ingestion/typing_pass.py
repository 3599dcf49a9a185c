"""The typing pass: one scan of the source that types every profile column, runs every check and
writes the rows that pass straight to their Parquet file, with lineage. Nothing is copied
first: a CSV is read once, typed on the way and never held as text.

The pass counts the rows it sets aside; only when there are some is the source scanned again
to keep them, and each failed check of each becomes a quarantine row (file, row, column, raw
value, reason). A clean export — the usual case — costs one scan.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingestion.dates import DatePlan
from ingestion.detect import ColumnMatch
from ingestion.errors import QuarantineRow
from ingestion.profiles import Profile
from ingestion.source_table import SourceTable
from ingestion.sql import quote
from ingestion.typing_sql import TypedColumn, typed_column

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
    start = table.con.execute(
        f"select min(_row) from {table.relation} where {_one_cell(cells)}"
        f" and regexp_matches({first_cell}, {quote(profile.footer_starts)})"
    ).fetchone()[0]
    return blank if start is None else f"({blank} or (_row >= {start} and {_one_cell(cells)}))"


def _checked(relation: str, table: SourceTable, profile: Profile, typed: dict[str, TypedColumn]) -> str:
    """``relation`` with the typed columns, ``_skip`` and ``_bad`` (a check failed)."""
    # one OR chain: DuckDB evaluates each check only on the rows no earlier check has failed
    conditions = "coalesce(" + " or ".join(f"({cond})" for t in typed.values() for cond, _ in t.checks) + ", false)"
    if not any(t.checks for t in typed.values()):
        conditions = "false"
    typed_sql = ", ".join(f"{t.expression} as {n}" for n, t in typed.items())
    return (
        f"(select *, not _skip and ({conditions}) as _bad from"
        f" (select *, {_skipped(table, profile)} as _skip from (select *, {typed_sql} from {relation})))"
    )


def write_good_rows(table: SourceTable, profile: Profile, match: ColumnMatch, typed: dict[str, TypedColumn],
                    lineage: dict[str, str], target: Path) -> int:
    """The scan: rows that pass every check, in file order, with lineage, to ``target``; returns
    how many rows it set aside.

    ``lineage`` maps lineage columns to SQL; ``_extra`` (unknown columns as JSON) is added here.
    A scan that meets rows DuckDB rejects numbers the rows after them wrongly: it runs again."""
    extra = extra_columns(table, match)
    extra_json = (
        "json_object(" + ", ".join(f"{quote(extra_name(table, i))}, c{i}" for i in extra) + ")::varchar"
        if extra else "cast(null as varchar)"
    )
    columns = [c.name for c in profile.columns] + [f"{sql} as {name}" for name, sql in {**lineage, "_extra": extra_json}.items()]
    order = " order by _row" if table.rejected_lines else ""  # the ASOF join that numbers them reorders
    con = table.con
    con.execute("create or replace sequence _set_aside")  # counts the bad rows as the scan meets them
    counted = f"(select *, case when _bad then nextval('_set_aside') end as _set_aside from {_checked(table.rows(), table, profile, typed)})"
    con.execute(
        f"copy (select {', '.join(columns)} from {counted} where _set_aside is null and not _skip{order})"
        f" to {quote(target.as_posix())} (format parquet, compression zstd)"
    )
    if table.collect_rejects():
        return write_good_rows(table, profile, match, typed, lineage, target)
    return con.execute("select nextval('_set_aside') - 1").fetchone()[0]


def keep_bad_rows(table: SourceTable, profile: Profile, typed: dict[str, TypedColumn]) -> None:
    """Table ``bad``: the rows the scan set aside, typed again with their cells as text."""
    table.con.execute(f"create or replace table bad as select * from {_checked(table.rows(), table, profile, typed)} where _bad")


def quarantine_rows(table: SourceTable, match: ColumnMatch, typed: dict[str, TypedColumn], file_name: str) -> list[QuarantineRow]:
    """Each failed check of each row in ``bad``, with the cell as the file has it."""
    failures = []
    for name, column in typed.items():
        position = match.index.get(name)
        label = table.column_labels.get(position) or quote(table.headers[position] if position is not None else name)
        for condition, reason in column.checks:
            failures.append(f"select _row, {label}, {raw_cell(match, name)}, {reason} from bad where {condition}")
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


def count_written(table: SourceTable, written: Path) -> int:
    """Rows in a written Parquet file (its metadata says; nothing is scanned)."""
    return table.con.execute(f"select count(*) from read_parquet({quote(written.as_posix())})").fetchone()[0]
