"""The warnings of a dbt build, as a person can act on them.

A dbt test of severity warn (an unknown stage, status, region, owner…) does not stop the night,
but it must not pass unseen: `salesdw build`, `salesdw run` and `salesdw status` print each one
with the values that did not resolve, their row counts and the fix its ``meta.fix`` names. The
values come from running the test's own compiled query on the build database once more.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from ingestion.settings import Home

SHOWN_VALUES = 10


def dbt_artifacts(home: Home, run_id: str) -> Path:
    """Where the dbt step of a Dagster run writes run_results.json and manifest.json."""
    return home.logs / "dbt" / run_id


def build_warnings(home: Home, run_id: str) -> list[str]:
    """One line per dbt test that ended in warn during the run."""
    folder = dbt_artifacts(home, run_id)
    if not (folder / "run_results.json").exists() or not home.build_db.exists():
        return []
    con = duckdb.connect(str(home.build_db), read_only=True)
    try:
        return artifact_warnings(folder, con)
    finally:
        con.close()


def artifact_warnings(folder: Path, con: duckdb.DuckDBPyConnection) -> list[str]:
    """One line per dbt test that ended in warn, from a dbt target folder's run_results.json
    and manifest.json, with the failing values read from the build database (``con``)."""
    results_file, manifest_file = folder / "run_results.json", folder / "manifest.json"
    if not results_file.exists() or not manifest_file.exists():
        return []
    results = [r for r in json.loads(results_file.read_text(encoding="utf-8"))["results"] if r["status"] == "warn"]
    if not results:
        return []
    nodes = json.loads(manifest_file.read_text(encoding="utf-8"))["nodes"]
    return [_describe(r, nodes.get(r["unique_id"], {}), con) for r in results]


def _describe(result: dict, node: dict, con: duckdb.DuckDBPyConnection) -> str:
    fix = ((node.get("config") or {}).get("meta") or {}).get("fix")
    model = next(iter((node.get("attached_node") or "").split(".")[-1:]), "")
    column = node.get("column_name")
    where = f"{model}.{column}" if column else model or node.get("name", result["unique_id"])
    values = _failing_values(result.get("compiled_code"), con)
    text = f"WARNING {where}: {result.get('failures')} unresolved"
    if values:
        text += " — " + "; ".join(values)
    return text + (f". Fix: {fix}" if fix else f" ({node.get('name', result['unique_id'])})")


def _failing_values(sql: str | None, con: duckdb.DuckDBPyConnection) -> list[str]:
    """The test's failing rows (``mapped`` returns each unresolved value with its row count)."""
    if not sql:
        return []
    try:
        cursor = con.execute(f"select * from ({sql}) as failing limit {SHOWN_VALUES}")
    except duckdb.Error:
        return []
    names = [d[0] for d in cursor.description]
    return ["(" + ", ".join(f"{n}={v!r}" for n, v in zip(names, row)) + ")" for row in cursor.fetchall()]
