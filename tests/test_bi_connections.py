"""BI tools connect to the published file as Superset and other Python BI tools do: SQLAlchemy
through duckdb-engine, read-only, and through the Parquet export. Every documented KPI query
must answer on both paths with the same rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import documented_kpi_queries

pytestmark = pytest.mark.slow


def test_every_documented_query_through_sqlalchemy(published):
    engine = sa.create_engine(f"duckdb:///{published.published_db}", connect_args={"read_only": True})
    queries = documented_kpi_queries()
    assert len(queries) >= 12
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert "kpi_attainment" in inspector.get_table_names(schema="marts")
            for query in queries:
                assert connection.execute(sa.text(query)).fetchall(), query
    finally:
        engine.dispose()


def test_parquet_export_answers_like_the_database(published):
    """Tools that read files (Power BI, Excel, Spark) see the same marts in export/marts/: every
    table as a file; a view (fct_pipeline_daily) is not exported, and its SQL over the exported
    files gives the view's rows."""
    import duckdb

    from orchestration.publish.warehouse import public_views

    db = duckdb.connect(str(published.published_db), read_only=True)
    files = duckdb.connect()
    files.execute("create schema marts")
    try:
        views = public_views(db, db.execute("select current_database()").fetchone()[0])
        assert "fct_pipeline_daily" in views
        for (table,) in db.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall():
            path = published.export / f"{table}.parquet"
            assert path.exists() != (table in views), table
            if table not in views:
                files.execute(f"create view marts.{table} as select * from read_parquet('{path}')")
        for sql in views.values():
            files.execute(sql)
        for (table,) in db.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall():
            in_db = db.execute(f"select count(*), sum(hash(columns(*))) from marts.{table}").fetchall()
            in_files = files.execute(f"select count(*), sum(hash(columns(*))) from marts.{table}").fetchall()
            assert in_db == in_files, table
        assert files.execute("select count(*) from marts.fct_pipeline_daily").fetchone()[0] > 0
    finally:
        db.close()
        files.close()
