"""The same dbt project on Spark (profiles.yml target `spark`: an in-process PySpark session on
local[2], Java from Debian's openjdk-17-jre-headless, installed when missing): the demo
company's raw zone, as the nightly job ingested it, built with `dbt build` on Spark (every
seed, snapshot, model and test), and every public mart compared with the DuckDB build table
by table — same rows, money to the cent, rates to 1e-9."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.mart_equality import assert_same_rows

pytestmark = pytest.mark.slow

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"


def _ensure_java() -> None:
    """Debian's Java runtime, installed when missing (the CI machine is root)."""
    if shutil.which("java") is None:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "openjdk-17-jre-headless"], check=True, env=env,
                       stdout=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def spark_build(published, tmp_path_factory) -> Path:
    """`dbt build --target spark` over the published demo's raw zone (read only); the Spark
    warehouse, metastore and dbt artifacts in a folder of the module's own."""
    _ensure_java()
    spark_dir = tmp_path_factory.mktemp("spark")
    env = {**os.environ, "SALESDW_HOME": str(published.root), "SALESDW_DBT_TARGET": "spark",
           "SALESDW_SPARK_DIR": str(spark_dir)}
    dbt = Path(sys.executable).parent / "dbt"
    result = subprocess.run(
        [str(dbt), "build", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
         "--target-path", str(spark_dir / "target"), "--log-path", str(spark_dir / "logs")],
        env=env, capture_output=True, text=True, cwd=spark_dir,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return spark_dir


def test_every_seed_snapshot_model_and_test_builds_on_spark(spark_build):
    manifest = json.loads((spark_build / "target" / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((spark_build / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    status = {r["unique_id"]: r["status"] for r in results}
    nodes = {uid: n for uid, n in manifest["nodes"].items()
             if n["resource_type"] in {"seed", "snapshot", "model", "test"} and n["package_name"] == "salesdw"}
    kinds = {kind: sum(1 for n in nodes.values() if n["resource_type"] == kind) for kind in ("seed", "snapshot", "model")}
    assert kinds["seed"] >= 15 and kinds["snapshot"] == 1 and kinds["model"] >= 90, kinds
    assert sum(1 for n in nodes.values() if n["resource_type"] == "test") >= 200
    not_done = {uid: status.get(uid) for uid in nodes if status.get(uid) not in {"success", "pass"}}
    assert not not_done, not_done


def test_every_public_mart_on_spark_equals_duckdb(published, spark_build):
    """Spark's managed tables are Parquet folders under its warehouse: read them with DuckDB
    beside the published DuckDB marts, both sorted by every column."""
    con = duckdb.connect()
    con.execute(f"attach '{published.published_db}' as published (read_only)")
    tables = [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = 'published' and schema_name = 'marts'"
        " order by 1").fetchall()]
    assert len(tables) >= 30 and {t for t in tables if t.startswith("kpi_")} >= {
        "kpi_attainment", "kpi_funnel", "kpi_rep_scorecard", "kpi_revenue_vs_target_monthly"}
    marts = spark_build / "warehouse" / "marts.db"
    assert sorted(p.name for p in marts.iterdir()) == tables
    compared = 0
    for table in tables:
        columns = [r[0] for r in con.execute(
            "select column_name from duckdb_columns() where database_name = 'published' and schema_name = 'marts'"
            " and table_name = ? order by column_index", [table]).fetchall()]
        select = ", ".join(f'"{c}"' for c in columns)
        expected = con.execute(f'select {select} from published.marts."{table}" order by all').fetchall()
        actual = con.execute(
            f"select {select} from read_parquet('{marts / table}/*.parquet') order by all").fetchall()
        assert_same_rows(table, expected, actual)
        compared += len(expected)
    assert compared > 10_000
