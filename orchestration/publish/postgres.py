"""Serve the published marts from Postgres, for BI servers that speak Postgres (Metabase,
Superset, Power BI, Tableau): ``salesdw publish --to postgresql://…`` and, when
``SALESDW_POSTGRES_URL`` is set, the ``published/postgres`` asset after every publish.

The copy reads the published ``sales.duckdb`` (what every other reader sees), and writes the
whole schema in one transaction: tables are created and filled in ``<schema>__next``, given
their primary keys (from the dbt tests that declare them) and their dbt descriptions as
comments, then swapped in by two renames. A reader sees the old marts until the commit and the
new ones after it, never a mix; a failure rolls everything back.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.settings import Home
from orchestration.publish.warehouse import PUBLIC_SCHEMA, public_views

COPY_BLOCK = 1 << 20
NULL = r"\N"
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# DuckDB type → Postgres type; DECIMAL(p,s) keeps its precision and scale
TYPES = {
    "VARCHAR": "text", "BOOLEAN": "boolean", "TINYINT": "smallint", "SMALLINT": "smallint", "INTEGER": "integer",
    "BIGINT": "bigint", "HUGEINT": "numeric(38,0)", "UTINYINT": "smallint", "USMALLINT": "integer",
    "UINTEGER": "bigint", "UBIGINT": "numeric(20,0)", "FLOAT": "real", "DOUBLE": "double precision",
    "DATE": "date", "TIMESTAMP": "timestamp", "TIMESTAMP WITH TIME ZONE": "timestamptz", "TIME": "time",
    "INTERVAL": "interval", "UUID": "uuid",
}


@dataclass(frozen=True)
class PostgresPublication:
    schema: str
    tables: dict[str, int]  # table → rows
    primary_keys: dict[str, list[str]]


def postgres_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.replace("DECIMAL", "numeric")
    if duckdb_type not in TYPES:
        raise ValueError(f"no Postgres type for DuckDB type {duckdb_type}")
    return TYPES[duckdb_type]


def primary_keys(manifest: Path) -> dict[str, list[str]]:
    """Each public mart's key, from the dbt test that declares it: ``kpi_primary_key`` (several
    columns) or ``unique`` on one column with a ``not_null`` beside it."""
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    models = {uid: node["name"] for uid, node in nodes.items()
              if node["resource_type"] == "model" and node.get("schema", "").endswith(PUBLIC_SCHEMA)}
    keys: dict[str, list[str]] = {}
    not_null: set[tuple[str, str]] = set()
    for node in nodes.values():
        meta = node.get("test_metadata") or {}
        attached = node.get("attached_node")
        if node["resource_type"] != "test" or attached not in models:
            continue
        kwargs = meta.get("kwargs", {})
        if meta.get("name") == "kpi_primary_key":
            keys[models[attached]] = list(kwargs["columns"])
        elif meta.get("name") == "unique" and node.get("column_name"):
            keys.setdefault(models[attached], [node["column_name"]])
        elif meta.get("name") == "not_null" and node.get("column_name"):
            not_null.add((models[attached], node["column_name"]))
    return {t: cols for t, cols in keys.items() if len(cols) > 1 or (t, cols[0]) in not_null}


def _quote(name: str) -> str:
    if not IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a plain lowercase identifier")
    return f'"{name}"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def publish_to_postgres(home: Home, url: str, manifest: Path, schema: str = PUBLIC_SCHEMA) -> PostgresPublication:
    import psycopg

    if not home.published_db.exists():
        raise FileNotFoundError(f"{home.published_db}: nothing published yet (salesdw run)")
    keys = primary_keys(manifest)
    source = duckdb.connect(str(home.published_db), read_only=True)
    tables: dict[str, int] = {}
    staging, old = f"{schema}__next", f"{schema}__old"
    try:
        names = [r[0] for r in source.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by 1", [PUBLIC_SCHEMA]).fetchall()]
        with psycopg.connect(url, autocommit=False) as pg, tempfile.TemporaryDirectory(prefix="salesdw-pg-") as tmp:
            cur = pg.cursor()
            cur.execute(f"drop schema if exists {_quote(staging)} cascade")
            cur.execute(f"create schema {_quote(staging)}")
            for name in names:
                tables[name] = _copy_table(source, cur, staging, name, keys.get(name), Path(tmp))
            _create_views(source, cur, staging)
            cur.execute(f"drop schema if exists {_quote(old)} cascade")
            cur.execute("select 1 from information_schema.schemata where schema_name = %s", [schema])
            if cur.fetchone():
                cur.execute(f"alter schema {_quote(schema)} rename to {_quote(old)}")
            cur.execute(f"alter schema {_quote(staging)} rename to {_quote(schema)}")
            cur.execute(f"drop schema if exists {_quote(old)} cascade")
            pg.commit()
    finally:
        source.close()
    return PostgresPublication(schema, tables, {t: keys[t] for t in tables if t in keys})


def _create_views(source: duckdb.DuckDBPyConnection, cur, schema: str) -> None:
    """The public views (fct_pipeline_daily) over the copied tables. Their SQL is what DuckDB
    keeps, plain SQL that Postgres reads, with the schema they are created in; a view follows
    its tables when the schema is renamed."""
    database = source.execute("select current_database()").fetchone()[0]
    for name, sql in public_views(source, database).items():
        cur.execute(re.sub(rf"\b{PUBLIC_SCHEMA}\.", f"{_quote(schema)}.", sql))
        comment = source.execute("select comment from duckdb_views() where schema_name = ? and view_name = ?",
                                 [PUBLIC_SCHEMA, name]).fetchone()[0]
        if comment:
            cur.execute(f"comment on view {_quote(schema)}.{_quote(name)} is {_literal(comment)}")


def _copy_table(source: duckdb.DuckDBPyConnection, cur, schema: str, name: str, key: list[str] | None,
                tmp: Path) -> int:
    columns = source.execute(
        "select column_name, data_type, comment from duckdb_columns() where schema_name = ? and table_name = ?"
        " order by column_index", [PUBLIC_SCHEMA, name]).fetchall()
    target = f"{_quote(schema)}.{_quote(name)}"
    definitions = [f"{_quote(c)} {postgres_type(t)}" for c, t, _ in columns]
    if key:
        definitions.append(f"primary key ({', '.join(_quote(c) for c in key)})")
    cur.execute(f"create table {target} ({', '.join(definitions)})")
    # DuckDB writes the CSV (typed text Postgres reads back exactly); NULL as \N, '' stays ''
    path = tmp / f"{name}.csv"
    source.execute(f"copy {PUBLIC_SCHEMA}.{_quote(name)} to '{path.as_posix()}' (format csv, header false, nullstr '{NULL}')")
    with cur.copy(f"copy {target} from stdin (format csv, null '{NULL}')") as copy, path.open("rb") as fh:
        while block := fh.read(COPY_BLOCK):
            copy.write(block)
    path.unlink()
    comment = source.execute("select comment from duckdb_tables() where schema_name = ? and table_name = ?",
                             [PUBLIC_SCHEMA, name]).fetchone()[0]
    if comment:
        cur.execute(f"comment on table {target} is {_literal(comment)}")
    for column, _, text in columns:
        if text:
            cur.execute(f"comment on column {target}.{_quote(column)} is {_literal(text)}")
    cur.execute(f"select count(*) from {target}")
    return cur.fetchone()[0]
