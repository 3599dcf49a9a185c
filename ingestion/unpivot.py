"""Wide spreadsheet layouts: one column per month (``1月 … 12月``, ``Jan … Dec``) or quarter
beside the other columns of a row, read as one row per such cell.

What is wide, and how it maps, is declared in the profile (``unpivot:``; docs/sources.md): the
labelled column headers, the column built from a template (``{year}-{label}`` → ``2025-03``)
and the column that receives each cell. Nothing here knows about targets or months.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from ingestion.profiles import Profile, WideLayout, normalise_header
from ingestion.source_table import SourceTable
from ingestion.sql import quote


@dataclass(frozen=True)
class WideMatch:
    """Where a file's wide layout sits: the template inputs and the labelled columns."""

    layout: WideLayout
    inputs: dict[str, int]  # template name → column
    labels: list[tuple[str, int]]  # (label, column), in file order


def _find(aliases: tuple[str, ...], headers: list[str]) -> int | None:
    wanted = {normalise_header(a) for a in aliases}
    return next((i for i, h in enumerate(headers) if normalise_header(h) in wanted), None)


def match_wide(profile: Profile, headers: list[str]) -> WideMatch | None:
    """The file's wide layout, if it has one: every input found, at least one labelled column,
    and no column already carrying the long layout's ``into`` column."""
    layout = profile.wide_layout
    if layout is None or _find(profile.column(layout.into).headers, headers) is not None:
        return None
    inputs = {name: _find(aliases, headers) for name, aliases in layout.inputs.items()}
    labels = sorted((i, label) for label, aliases in layout.labels.items() if (i := _find(aliases, headers)) is not None)
    if None in inputs.values() or not labels:
        return None
    return WideMatch(layout, inputs, [(label, i) for i, label in labels])  # type: ignore[arg-type]


def long_headers(headers: list[str], wide: WideMatch, profile: Profile) -> list[str]:
    """The headers of the long table: the file's, then the built and the value column."""
    return headers + [profile.column(wide.layout.into).headers[0], profile.column(wide.layout.value).headers[0]]


def _template_sql(wide: WideMatch, label: str) -> str:
    """``{year}-{label}`` → ``trim(c0) || '-' || '03'``: NULL when an input cell is empty."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(wide.layout.template):
        if literal:
            parts.append(quote(literal))
        if name == "label":
            parts.append(quote(label))
        elif name is not None:
            parts.append(f"nullif(trim(c{wide.inputs[name]}), '')")
    return " || ".join(parts)


def unpivot(table: SourceTable, wide: WideMatch, profile: Profile) -> None:
    """Rewrite ``table`` as its long layout; an empty labelled cell states no value: no row."""
    table.number_rows()
    width = len(table.headers)
    original = ", ".join(f"c{i}" for i in range(width))
    selects = [
        f"select {original}, {_template_sql(wide, label)} as c{width}, c{column} as c{width + 1},"
        f" {quote(table.headers[column])} as c{width + 2}, _row, {k} as _label_order"
        f" from {table.relation} where nullif(trim(c{column}), '') is not null"
        for k, (label, column) in enumerate(wide.labels)
    ]
    table.con.execute(
        "create table src_long as select * exclude (_label_order) from ("
        + " union all ".join(selects) + ") order by _row, _label_order"
    )
    consumed = set(wide.inputs.values()) | {column for _, column in wide.labels} | {width + 2}
    headers = long_headers(table.headers, wide, profile) + [""]
    if wide.inputs:  # the built column is empty when an input cell is: report it at that input
        headers[width] = table.headers[next(iter(wide.inputs.values()))]
    table.headers = headers
    table.relation = "src_long"
    table.hidden = frozenset(consumed)
    table.column_labels = {width + 1: f"c{width + 2}"}
