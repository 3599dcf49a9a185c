"""Great Expectations suites for the raw zone, built from the ingestion profiles so that a new
entity gets its checks without new code. Each suite validates the newest batch of an entity:
the columns are the profile's, required values are present, amounts are not negative,
percentages are fractions, codes are among the allowed ones, and a full export did not shrink
to a fraction of the previous one (a truncated export looks like mass deletion downstream)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from ingestion.profiles import Profile
from ingestion.raw_zone import LINEAGE_COLUMNS, entity_dir
from ingestion.settings import Home

if TYPE_CHECKING:
    import great_expectations as gx

# Share of the previous full export's rows that a new full export must keep at least.
MIN_ROW_SHARE = float(os.environ.get("SALESDW_MIN_ROW_SHARE", "0.5"))


@dataclass(frozen=True)
class RawBatch:
    frame: pd.DataFrame
    batch_id: str | None
    previous_full_rows: int | None


def newest_batch(home: Home, profile: Profile) -> RawBatch:
    folder = entity_dir(home, profile)
    con = duckdb.connect()
    try:
        con.execute(f"create view raw as select * from read_parquet('{folder.as_posix()}/*.parquet', union_by_name=true)")
        batches = con.execute(
            "select _batch_id, bool_or(_is_full_export), count(*) from raw group by 1 order by 1 desc"
        ).fetchall()
        if not batches:
            return RawBatch(con.execute("select * from raw limit 0").df(), None, None)
        batch_id = batches[0][0]
        previous_full = next((rows for _, full, rows in batches[1:] if full), None)
        frame = con.execute("select * from raw where _batch_id = ?", [batch_id]).df()
        return RawBatch(frame, batch_id, previous_full if batches[0][1] else None)
    finally:
        con.close()


def build_suite(profile: Profile, previous_full_rows: int | None) -> gx.ExpectationSuite:
    import great_expectations as gx  # seconds of imports: paid by the checks, not by every start-up

    suite = gx.ExpectationSuite(name=f"{profile.source}.{profile.entity}")
    expected = [c.name for c in profile.columns] + list(LINEAGE_COLUMNS)
    suite.add_expectation(gx.expectations.ExpectTableColumnsToMatchSet(column_set=expected, exact_match=False))
    for column in profile.columns:
        if column.required:
            suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column=column.name))
        if column.type in ("money", "decimal", "int") and not column.allow_negative:
            suite.add_expectation(gx.expectations.ExpectColumnValuesToBeBetween(column=column.name, min_value=0))
        if column.type == "percent":
            suite.add_expectation(gx.expectations.ExpectColumnValuesToBeBetween(column=column.name, min_value=0, max_value=1))
        if column.allowed:
            suite.add_expectation(gx.expectations.ExpectColumnValuesToBeInSet(column=column.name, value_set=list(column.allowed)))
    suite.add_expectation(gx.expectations.ExpectColumnValuesToBeInSet(column="_source_system", value_set=[profile.source]))
    suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column="_source_row"))
    if previous_full_rows:
        suite.add_expectation(
            gx.expectations.ExpectTableRowCountToBeBetween(min_value=int(previous_full_rows * MIN_ROW_SHARE))
        )
    return suite


def ephemeral_context():
    """One in-memory GX context per check run: suites are built from profiles, not stored."""
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    return context


def validate(home: Home, profile: Profile, results_dir: Path, context) -> dict:
    """Validate the newest batch; returns a summary and writes the full GX result as JSON."""
    batch = newest_batch(home, profile)
    if batch.batch_id is None:
        return {"success": True, "evaluated": 0, "failed": [], "note": "no load yet"}
    name = f"{profile.source}.{profile.entity}"
    definition = (
        context.data_sources.add_pandas(name)
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe("newest_batch")
    )
    suite = context.suites.add(build_suite(profile, batch.previous_full_rows))
    result = definition.get_batch(batch_parameters={"dataframe": batch.frame}).validate(suite)
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / f"{name}.json").write_text(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    failed = [
        {"expectation": r.expectation_config.type, "column": r.expectation_config.kwargs.get("column"),
         "unexpected_count": (r.result or {}).get("unexpected_count"),
         "examples": [str(v) for v in ((r.result or {}).get("partial_unexpected_list") or [])[:5]]}
        for r in result.results if not r.success
    ]
    return {"success": bool(result.success), "evaluated": len(result.results), "failed": failed,
            "batch_id": batch.batch_id, "rows": len(batch.frame)}
