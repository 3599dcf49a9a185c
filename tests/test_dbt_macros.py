"""Macros whose SQL stands in for an engine function: they must give what the function gives."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import jinja2

MACROS = Path(__file__).resolve().parents[1] / "dbt_project" / "macros"


def _macro(file: str, name: str):
    """A macro of plain Jinja (no dbt context) rendered by Jinja itself."""
    return getattr(jinja2.Environment().from_string((MACROS / file).read_text(encoding="utf-8")).module, name)


def test_median_by_equals_percentile_cont_with_ties_nulls_and_even_counts():
    """Hand cases (odd, even, ties, a null among values, a group of nulls only) and random
    groups of small integers (many ties), against DuckDB's percentile_cont(0.5)."""
    rows = [("odd", 1.0), ("odd", 5.0), ("odd", 2.0),          # 2
            ("even", 1.0), ("even", 2.0), ("even", 2.0), ("even", 10.0),  # 2
            ("pair", 1.5), ("pair", 9.0), ("pair", None),       # 5.25
            ("one", 7.0),                                        # 7
            ("nulls", None), ("nulls", None)]                    # no row
    rng = random.Random(13)
    rows += [(f"g{g}", float(rng.randint(0, 6)) if rng.random() > 0.1 else None)
             for g in range(200) for _ in range(rng.randint(1, 12))]
    con = duckdb.connect()
    con.execute("create table v (grp varchar, x double)")
    con.executemany("insert into v values (?, ?)", rows)
    median_by = _macro("median_by.sql", "median_by")
    got = dict(con.execute(str(median_by("v", ["grp"], "x", "median_x"))).fetchall())
    expected = dict(con.execute(
        "select grp, percentile_cont(0.5) within group (order by x) from v group by grp having count(x) > 0").fetchall())
    assert {k: got[k] for k in ("odd", "even", "pair", "one")} == {"odd": 2.0, "even": 2.0, "pair": 5.25, "one": 7.0}
    assert "nulls" not in got
    assert got == expected
