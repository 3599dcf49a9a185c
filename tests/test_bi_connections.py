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
    """Tools that read files (Power BI, Excel, Spark) see the same marts in export/marts/."""
    import duckdb

    db = duckdb.connect(str(published.published_db), read_only=True)
    files = duckdb.connect()
    try:
        for (table,) in db.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall():
            path = published.export / f"{table}.parquet"
            assert path.exists(), table
            in_db = db.execute(f"select count(*), sum(hash(columns(*))) from marts.{table}").fetchall()
            in_file = files.execute(f"select count(*), sum(hash(columns(*))) from read_parquet('{path}')").fetchall()
            assert in_db == in_file, table
    finally:
        db.close()
        files.close()
