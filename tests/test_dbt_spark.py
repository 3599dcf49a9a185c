"""The same dbt project on Spark (profiles.yml target `spark`: an in-process PySpark session on
local[2], Java from Debian's openjdk-17-jre-headless, installed when missing): the demo
company's raw zone, as the nightly job ingested it, built with `dbt build` on Spark (every
seed, snapshot and model), and every public mart compared with the DuckDB build table by table
— same rows, money to the cent, rates to 1e-9.

One data test of each kind (every generic test macro, dbt's and the project's) runs on the
Spark build; all of them run on DuckDB in the nightly job of the `published` fixture. All 554
pass on Spark in about 7 minutes with 4 threads on 2 shared cores (0.3–3 s of Spark job
overhead per test), too long for the suite: `make spark-test` (docs/scale-out.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.debian_packages import apt_install
from tests.mart_equality import assert_same_rows, mart_column_list

pytestmark = pytest.mark.slow

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
# Columns that name the build that saw a row, so differ between any two builds, whatever the
# engine: a customer version's key is the snapshot's dbt_scd_id, a hash of the build time.
BUILD_MOMENT_COLUMNS = {"dim_customer": frozenset({"customer_version_key"})}


def _ensure_java() -> None:
    """Debian's Java runtime, installed when missing (the CI machine is root)."""
    if shutil.which("java") is None:
        apt_install("openjdk-17-jre-headless")


@pytest.fixture(scope="module")
def spark_build(published, tmp_path_factory) -> Path:
    """`dbt build --target spark` over the published demo's raw zone (read only); the Spark
    warehouse, metastore and dbt artifacts in a folder of the module's own."""
    _ensure_java()
    spark_dir = tmp_path_factory.mktemp("spark")
    env = {**os.environ, "SALESDW_HOME": str(published.root), "SALESDW_DBT_TARGET": "spark",
           "SALESDW_SPARK_DIR": str(spark_dir)}
    dbt = Path(sys.executable).parent / "dbt"
    common = ["--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT), "--log-path", str(spark_dir / "logs")]
    build = subprocess.run(
        [str(dbt), "build", *common, "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test",
         "--target-path", str(spark_dir / "target")],
        env=env, capture_output=True, text=True, cwd=spark_dir,
    )
    assert build.returncode == 0, build.stdout[-6000:]
    # a second night: the snapshot exists, so it is rewritten (no merge on Parquet tables); in
    # the same dbt run (one Spark session), one data test of each kind on the Spark build
    tests = one_test_per_kind(spark_dir / "target" / "manifest.json")
    again = subprocess.run([str(dbt), "build", *common, "--select", "resource_type:snapshot", *tests.values(),
                            "--target-path", str(spark_dir / "target-again")],
                           env=env, capture_output=True, text=True, cwd=spark_dir)
    assert again.returncode == 0, again.stdout[-6000:]
    return spark_dir


def one_test_per_kind(manifest_path: Path) -> dict[str, str]:
    """Generic test macro (dbt's and the project's own) or singular test → the first of its
    tests by name. Every data test on Spark takes about 7 min here (docs/scale-out.md, `make
    spark-test`); one of each kind runs each test macro's SQL on Spark in about 30 s."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    first: dict[str, str] = {}
    for node in sorted(manifest["nodes"].values(), key=lambda n: n["name"]):
        if node["resource_type"] == "test" and node["package_name"] == "salesdw":
            kind = (node.get("test_metadata") or {}).get("name") or f"singular {node['name']}"
            first.setdefault(kind, node["name"])
    return first


def test_every_seed_snapshot_and_model_builds_on_spark(spark_build):
    manifest = json.loads((spark_build / "target" / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((spark_build / "target" / "run_results.json").read_text(encoding="utf-8"))["results"]
    status = {r["unique_id"]: r["status"] for r in results}
    nodes = {uid: n for uid, n in manifest["nodes"].items()
             if n["resource_type"] in {"seed", "snapshot", "model"} and n["package_name"] == "salesdw"}
    kinds = {kind: sum(1 for n in nodes.values() if n["resource_type"] == kind) for kind in ("seed", "snapshot", "model")}
    assert kinds["seed"] >= 15 and kinds["snapshot"] == 1 and kinds["model"] >= 90, kinds
    not_done = {uid: status.get(uid) for uid in nodes if status.get(uid) not in {"success", "pass"}}
    assert not not_done, not_done


def test_every_public_mart_on_spark_equals_duckdb(published, spark_build):
    """Spark's managed tables are Parquet folders under its warehouse: read them with DuckDB
    beside the marts of the DuckDB build database (not the published copy, which masks
    e-mail addresses), both sorted by every column."""
    con = duckdb.connect()
    con.execute(f"attach '{published.build_db}' as duckdb_build (read_only)")
    tables = [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = 'duckdb_build' and schema_name = 'marts'"
        " order by 1").fetchall()]
    assert len(tables) >= 30 and {t for t in tables if t.startswith("kpi_")} >= {
        "kpi_attainment", "kpi_funnel", "kpi_rep_scorecard", "kpi_revenue_vs_target_monthly"}
    marts = spark_build / "warehouse" / "marts.db"
    assert sorted(p.name for p in marts.iterdir()) == tables
    compared = 0
    for table in tables:
        select = mart_column_list(con, table, BUILD_MOMENT_COLUMNS.get(table, frozenset()))
        expected = con.execute(f'select {select} from duckdb_build.marts."{table}" order by all').fetchall()
        actual = con.execute(
            f"select {select} from read_parquet('{marts / table}/*.parquet') order by all").fetchall()
        assert_same_rows(table, expected, actual)
        compared += len(expected)
    assert compared > 10_000
    versions = f"read_parquet('{marts / 'dim_customer'}/*.parquet')"
    assert con.execute(f"select count(distinct customer_version_key) = count(*) from {versions}").fetchone()[0]


def test_one_data_test_of_each_kind_passes_on_spark(spark_build):
    """Every generic test macro used in the project — dbt's (not_null, unique, accepted_values,
    relationships) and the project's (mapped, within_share, full_export_deletions, the kpi_
    tests…) — ran its SQL on the Spark build and passed."""
    kinds = one_test_per_kind(spark_build / "target" / "manifest.json")
    assert {"not_null", "unique", "accepted_values", "relationships", "mapped", "unique_combination",
            "kpi_primary_key", "full_export_deletions", "within_share", "kpi_targets_add_up"} <= kinds.keys()
    results = json.loads((spark_build / "target-again" / "run_results.json").read_text(encoding="utf-8"))["results"]
    status = {r["unique_id"].split(".")[2]: r["status"] for r in results if r["unique_id"].startswith("test.")}
    assert {kind: status.get(name) for kind, name in kinds.items()} == {kind: "pass" for kind in kinds}


def test_a_second_snapshot_on_spark_keeps_one_current_version_per_customer(published, spark_build):
    """Nothing changed between the two Spark runs: the rewritten snapshot holds the versions the
    DuckDB build's snapshot holds, each still current."""
    con = duckdb.connect()
    con.execute(f"attach '{published.build_db}' as duckdb_build (read_only)")
    count = "select count(*), count(distinct dbt_scd_id), count(distinct customer_key), count(dbt_valid_to) from "
    spark = con.execute(count + f"read_parquet('{spark_build}/warehouse/snapshots.db/customers_snapshot/*.parquet')").fetchone()
    assert spark == con.execute(count + "duckdb_build.snapshots.customers_snapshot").fetchone()
    assert spark[0] == spark[1] == spark[2] > 100 and spark[3] == 0


def test_publish_refuses_a_build_made_on_spark(copied_home, monkeypatch):
    """With SALESDW_DBT_TARGET=spark the night's marts are in the Spark warehouse: publishing
    the build database would serve the last DuckDB build's marts as tonight's. The publish
    stops and says so; the published warehouse stays as it was."""
    from orchestration.publish.warehouse import publish

    before = os.path.realpath(copied_home.published_db)
    monkeypatch.setenv("SALESDW_DBT_TARGET", "spark")
    with pytest.raises(RuntimeError, match="SALESDW_DBT_TARGET=spark: the marts were built there"):
        publish(copied_home)
    assert os.path.realpath(copied_home.published_db) == before
