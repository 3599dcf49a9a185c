"""The public marts served from Postgres: a throwaway server (Debian's postgresql, on a Unix
socket in a temporary folder, installed when missing), `salesdw publish --to`, and every mart
compared with the DuckDB warehouse table by table — same rows, money to the cent, rates to 1e-9."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest

from orchestration.publish.postgres import primary_keys
from tests.debian_packages import apt_install
from tests.mart_equality import assert_same_rows, mart_column_list

pytestmark = pytest.mark.slow


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        apt_install("postgresql")
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent


@pytest.fixture(scope="module")
def postgres_url():
    """A server of our own for the module; as root it runs as the `postgres` user (Postgres
    refuses root), on a socket only, so nothing listens on the network."""
    bin_dir = _pg_bin()
    root = Path(tempfile.mkdtemp(prefix="salesdw-pg-"))
    root.chmod(0o777)
    data, socket = root / "data", root / "socket"
    socket.mkdir()
    socket.chmod(0o777)
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_owner:
        shutil.chown(root, "postgres")
        shutil.chown(socket, "postgres")
    subprocess.run([*as_owner, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "salesdw", "-E", "UTF8"],
                   check=True, stdout=subprocess.DEVNULL)
    port = "54329"
    subprocess.run([*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "server.log"),
                    "-o", f"-k {socket} -p {port} -c listen_addresses=''", "start"], check=True, stdout=subprocess.DEVNULL)
    try:
        yield f"postgresql://salesdw@/postgres?host={socket}&port={port}"
    finally:
        subprocess.run([*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       stdout=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)


def test_every_mart_in_postgres_equals_duckdb(published, postgres_url, monkeypatch):
    import psycopg

    from orchestration.cli import main
    from orchestration.dbt.project import salesdw_dbt

    monkeypatch.setenv("SALESDW_HOME", str(published.root))
    assert main(["publish", "--to", postgres_url]) == 0
    assert main(["publish", "--to", postgres_url]) == 0, "a second publish replaces the first"
    keys = primary_keys(salesdw_dbt.manifest_path)
    source = duckdb.connect(str(published.published_db), read_only=True)
    with psycopg.connect(postgres_url) as pg:
        # tables and views alike (fct_pipeline_daily is a view over fct_pipeline_spans)
        tables = [r[0] for r in source.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        assert "fct_pipeline_daily" in tables
        in_pg = [r[0] for r in pg.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        assert in_pg == tables
        schemas = {r[0] for r in pg.execute("select schema_name from information_schema.schemata")}
        assert not {"marts__next", "marts__old"} & schemas
        for table in tables:
            order = mart_column_list(source, table)
            expected = source.execute(f'select * from marts."{table}" order by {order}').fetchall()
            actual = pg.execute(f'select * from marts."{table}" order by {order}').fetchall()
            assert_same_rows(table, expected, actual)
        pk = pg.execute(
            "select string_agg(k.column_name, ',' order by k.ordinal_position) from information_schema.table_constraints c"
            " join information_schema.key_column_usage k using (constraint_schema, constraint_name)"
            " where c.table_schema = 'marts' and c.table_name = 'kpi_attainment' and c.constraint_type = 'PRIMARY KEY'"
        ).fetchone()[0]
        assert pk.split(",") == keys["kpi_attainment"]
        comment = pg.execute("select col_description('marts.fct_order_lines'::regclass, 1)").fetchone()[0]
        assert comment and comment == source.execute(
            "select comment from duckdb_columns() where schema_name = 'marts' and table_name = 'fct_order_lines'"
            " order by column_index limit 1").fetchone()[0]
    source.close()


def test_a_failed_publish_leaves_postgres_as_it_was(published, postgres_url, monkeypatch, tmp_path):
    """A key that the data breaks fails the copy half-way: the transaction rolls back whole."""
    import json

    import psycopg

    from orchestration.dbt.project import salesdw_dbt
    from orchestration.publish.postgres import publish_to_postgres

    monkeypatch.setenv("SALESDW_HOME", str(published.root))
    before_rows = None
    with psycopg.connect(postgres_url) as pg:
        if pg.execute("select 1 from information_schema.schemata where schema_name = 'marts'").fetchone():
            before_rows = pg.execute("select count(*) from marts.fct_order_lines").fetchone()[0]
    manifest = json.loads(salesdw_dbt.manifest_path.read_text(encoding="utf-8"))
    test = next(n for n in manifest["nodes"].values()
                if n["resource_type"] == "test" and (n.get("test_metadata") or {}).get("name") == "kpi_primary_key"
                and n.get("attached_node", "").endswith(".kpi_attainment"))
    test["test_metadata"]["kwargs"]["columns"] = ["metric", "scope_type"]  # not unique: the copy must fail
    broken = tmp_path / "manifest.json"
    broken.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(psycopg.errors.UniqueViolation):
        publish_to_postgres(published, postgres_url, broken)
    with psycopg.connect(postgres_url) as pg:
        schemas = {r[0] for r in pg.execute("select schema_name from information_schema.schemata")}
        assert "marts__next" not in schemas
        if before_rows is not None:
            assert pg.execute("select count(*) from marts.fct_order_lines").fetchone()[0] == before_rows
        else:
            assert "marts" not in schemas


def test_the_dagster_asset_publishes_when_a_url_is_set(published, postgres_url, monkeypatch):
    """`published/postgres` is in the one `Definitions` when SALESDW_POSTGRES_URL is set."""
    from dagster import materialize

    from orchestration.publish.assets import postgres_marts, published_assets
    from orchestration.resources import WarehouseResource

    monkeypatch.delenv("SALESDW_POSTGRES_URL", raising=False)
    assert postgres_marts not in published_assets()
    monkeypatch.setenv("SALESDW_POSTGRES_URL", postgres_url)
    monkeypatch.setenv("SALESDW_POSTGRES_SCHEMA", "bi")
    assert postgres_marts in published_assets()
    result = materialize([postgres_marts], resources={"warehouse": WarehouseResource(home=str(published.root))})
    assert result.success
    [event] = result.get_asset_materialization_events()
    tables = event.materialization.metadata["tables"].value
    assert tables["fct_order_lines"] > 0 and len(tables) >= 30
