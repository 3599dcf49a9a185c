"""The typing pass: one scan of the source that types every profile column and runs every check,
storing typed values (and the cells as text of the rows a check failed, only those) in a table
``parsed``. From it, the rows that pass go to their Parquet file with lineage, and each failed
check of each other row becomes a quarantine row (file, row, column, raw value, reason).

The scan reads a CSV through DuckDB's parallel reader, in file order, so a row's number is its
position in ``parsed``; what does not fit in memory spills to the load's tmp folder.
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


def run_typing_pass(table: SourceTable, profile: Profile, match: ColumnMatch, typed: dict[str, TypedColumn]) -> None:
    """Table ``parsed``: the typed columns, ``_extra`` (unknown columns as JSON), ``_skip``,
    ``_bad`` and ``_raw`` (the cells of a bad row as text)."""
    extra = extra_columns(table, match)
    extra_json = (
        "json_object(" + ", ".join(f"{quote(extra_name(table, i))}, c{i}" for i in extra) + ")::varchar"
        if extra else "cast(null as varchar)"
    )
    cells = ", ".join(f"c{i}" for i in range(len(table.headers)))
    row = ", _row" if table.numbered else ""
    table.con.execute(
        f"create or replace table parsed as select {', '.join(typed)}, {extra_json} as _extra, _skip, _bad,"
        f" case when _bad then [{cells}] end as _raw{row} from {_checked(table, profile, typed)}"
    )
    table.collect_rejects()


def count_rows(table: SourceTable) -> tuple[int, int]:
    """(records typed, records that failed a check): blank rows and footers are no records."""
    total, bad = table.con.execute("select count(*) filter (where not _skip), count(*) filter (where _bad) from parsed").fetchone()
    return int(total), int(bad)


def write_good_rows(table: SourceTable, profile: Profile, lineage: dict[str, str], target: Path) -> None:
    """The rows that pass every check, in file order, with lineage (name → SQL), to ``target``."""
    columns = [c.name for c in profile.columns] + [f"{sql} as {name}" for name, sql in lineage.items()]
    order = " order by _row" if table.rejected_lines else ""  # the ASOF join that numbers them reorders
    table.con.execute(
        f"copy (select {', '.join(columns)} from {table.numbered_relation('parsed')} where not _bad and not _skip{order})"
        f" to {quote(target.as_posix())} (format parquet, compression zstd)"
    )


def quarantine_rows(table: SourceTable, match: ColumnMatch, typed: dict[str, TypedColumn], file_name: str) -> list[QuarantineRow]:
    """Each failed check of each bad row, with the cell as the file has it."""
    cells = ", ".join(f"_raw[{i + 1}] as c{i}" for i in range(len(table.headers)))
    table.con.execute(
        f"create or replace table bad as select _row, {', '.join(typed)}, {cells}"
        f" from {table.numbered_relation('parsed')} where _bad"
    )
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
