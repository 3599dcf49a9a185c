"""Great Expectations suites for the raw zone, built from the ingestion profiles so that a new
entity gets its checks without new code. Each suite validates the newest batch of an entity:
the columns are the profile's, required values are present, amounts are not negative,
percentages are fractions, codes are among the allowed ones, and a full export did not shrink
to a fraction of the previous one (a truncated export looks like mass deletion downstream)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

import duckdb

from ingestion.profiles import Profile
from ingestion.raw_zone import LINEAGE_COLUMNS, entity_dir
from ingestion.settings import Home

if TYPE_CHECKING:
    import great_expectations as gx
    import pandas as pd  # a frame is built only when a suite validates

# Share of the previous full export's rows that a new full export must keep at least.
MIN_ROW_SHARE = float(os.environ.get("SALESDW_MIN_ROW_SHARE", "0.5"))


@dataclass(frozen=True)
class RawBatch:
    folder: Path
    batch_id: str | None
    previous_full_rows: int | None

    def frame(self) -> pd.DataFrame:
        con = duckdb.connect()
        try:
            return con.execute(f"select * from read_parquet('{self.folder.as_posix()}/*.parquet', union_by_name=true)"
                               " where _batch_id = ?", [self.batch_id]).df()
        finally:
            con.close()


def newest_batch(home: Home, profile: Profile) -> RawBatch:
    """Which batch is newest, and the rows of the full export before it (read from the batch
    ids alone: the rows are loaded only when the batch is validated)."""
    folder = entity_dir(home, profile)
    con = duckdb.connect()
    try:
        batches = con.execute(
            f"select _batch_id, bool_or(_is_full_export), count(*) from read_parquet('{folder.as_posix()}/*.parquet',"
            " union_by_name=true) group by 1 order by 1 desc"
        ).fetchall()
    finally:
        con.close()
    if not batches:
        return RawBatch(folder, None, None)
    previous_full = next((rows for _, full, rows in batches[1:] if full), None)
    return RawBatch(folder, batches[0][0], previous_full if batches[0][1] else None)


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


def _suite_key(profile: Profile, batch: RawBatch) -> str:
    """What a validation's outcome depends on: the batch and the files it was read from (name,
    size, modification time: a file damaged in place is validated again), the suite (profile,
    previous full export, row share) and the GX version."""
    from importlib import metadata

    files = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in batch.folder.glob("*.parquet"))
    suite = {"batch": batch.batch_id, "files": files, "previous_full_rows": batch.previous_full_rows,
             "min_row_share": MIN_ROW_SHARE,
             "profile": profile.origin.read_text(encoding="utf-8") if profile.origin.exists() else profile.origin.name,
             "gx": metadata.version("great-expectations")}
    return hashlib.sha256(json.dumps(suite, sort_keys=True).encode()).hexdigest()


def _cache_path(home: Home, profile: Profile) -> Path:
    return home.logs / "gx" / "validated" / f"{profile.source}.{profile.entity}.json"


def validate(home: Home, profile: Profile, results_dir: Path, context) -> dict:
    """Validate the newest batch; returns a summary and writes the full GX result as JSON.

    A batch already validated by the same suite is not read again: its summary is reused (pass or
    fail alike), so a night without a new load of an entity costs no validation of it."""
    batch = newest_batch(home, profile)
    if batch.batch_id is None:
        return {"success": True, "evaluated": 0, "failed": [], "note": "no load yet"}
    key, cache = _suite_key(profile, batch), _cache_path(home, profile)
    if cache.exists():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return {**cached["summary"], "note": f"batch validated before (run {cached['run']})"}
    name = f"{profile.source}.{profile.entity}"
    definition = (
        context.data_sources.add_pandas(name)
        .add_dataframe_asset(name)
        .add_batch_definition_whole_dataframe("newest_batch")
    )
    suite = context.suites.add(build_suite(profile, batch.previous_full_rows))
    frame = batch.frame()
    result = definition.get_batch(batch_parameters={"dataframe": frame}).validate(suite)
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / f"{name}.json").write_text(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    failed = [
        {"expectation": r.expectation_config.type, "column": r.expectation_config.kwargs.get("column"),
         "unexpected_count": (r.result or {}).get("unexpected_count"),
         "examples": [str(v) for v in ((r.result or {}).get("partial_unexpected_list") or [])[:5]]}
        for r in result.results if not r.success
    ]
    summary = {"success": bool(result.success), "evaluated": len(result.results), "failed": failed,
               "batch_id": batch.batch_id, "rows": len(frame), "gx_result": str(results_dir / f"{name}.json")}
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({"key": key, "run": results_dir.name, "summary": summary}, ensure_ascii=False), encoding="utf-8")
    return summary
