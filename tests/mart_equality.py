"""What "the same mart" means when another engine rebuilds or serves it (Postgres, Spark):
the same rows, money equal to the cent, rates to 1e-9. One definition for every such test."""

from __future__ import annotations

import math
from decimal import Decimal

import duckdb


def same_value(a: object, b: object) -> bool:
    """Doubles (rates, shares) to a relative 1e-9, decimals (money, quantities) to the cent,
    everything else exactly; null only equals null."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return abs(Decimal(str(a)) - Decimal(str(b))) < Decimal("0.005")
    return a == b


def assert_same_rows(table: str, expected: list[tuple], actual: list[tuple]) -> None:
    """Both sides sorted by every column: row for row, value for value."""
    assert len(actual) == len(expected), (table, len(expected), len(actual))
    for want, got in zip(expected, actual):
        assert len(want) == len(got) and all(same_value(w, g) for w, g in zip(want, got)), (table, want, got)


def mart_column_list(con: duckdb.DuckDBPyConnection, table: str, leave_out: frozenset[str] = frozenset()) -> str:
    """The quoted columns of a DuckDB mart in table order: what both sides select and sort by."""
    columns = [r[0] for r in con.execute(
        "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ?"
        " order by column_index", [table]).fetchall()]
    return ", ".join(f'"{c}"' for c in columns if c not in leave_out)
