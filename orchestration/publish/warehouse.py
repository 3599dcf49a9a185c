"""Write-audit-publish, the publish half: copy the audited marts out of the build database
into a new file and swap it in with one rename.

BI tools keep reading the old ``sales.duckdb`` through their open handles while the new one is
written beside it; a failed or killed run never reaches the rename, so the last published
warehouse stays as it was. DuckDB allows one writer per file, so the nightly writer never opens
the published file at all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.settings import Home

PUBLIC_SCHEMA = "marts"


@dataclass(frozen=True)
class Publication:
    path: Path
    tables: dict[str, int]  # table → rows
    published_at: str


def _public_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = 'build' and schema_name = ? order by 1",
        [PUBLIC_SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


def publish(home: Home) -> Publication:
    if not home.build_db.exists():
        raise FileNotFoundError(f"{home.build_db}: no build database to publish (run dbt build first)")
    next_db = home.published_db.with_name(home.published_db.name + ".next")
    next_db.unlink(missing_ok=True)
    tables: dict[str, int] = {}
    con = duckdb.connect(str(next_db))
    try:
        con.execute(f"attach '{home.build_db.as_posix()}' as build (read_only)")
        names = _public_tables(con)
        if not names:
            raise RuntimeError(f"{home.build_db}: schema {PUBLIC_SCHEMA!r} holds no tables; refusing to publish an empty warehouse")
        con.execute(f"create schema {PUBLIC_SCHEMA}")
        for name in names:
            con.execute(f'create table {PUBLIC_SCHEMA}."{name}" as select * from build.{PUBLIC_SCHEMA}."{name}"')
            tables[name] = con.execute(f'select count(*) from {PUBLIC_SCHEMA}."{name}"').fetchone()[0]
        _copy_comments(con, names)
        con.execute("detach build")
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(next_db, home.published_db)
    _export_parquet(home, names)
    published_at = dt.datetime.now(dt.timezone.utc).isoformat()
    _log(home, {"published_at": published_at, "tables": tables})
    return Publication(home.published_db, tables, published_at)


def _copy_comments(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Keep dbt's descriptions (persist_docs) so a BI tool's catalog shows them."""
    for name in names:
        comment = con.execute(
            "select comment from duckdb_tables() where database_name = 'build' and schema_name = ? and table_name = ?",
            [PUBLIC_SCHEMA, name],
        ).fetchone()
        if comment and comment[0]:
            con.execute(f'comment on table {PUBLIC_SCHEMA}."{name}" is {_literal(comment[0])}')
        for column, text in con.execute(
            "select column_name, comment from duckdb_columns() where database_name = 'build' and schema_name = ? and table_name = ? and comment is not null",
            [PUBLIC_SCHEMA, name],
        ).fetchall():
            con.execute(f'comment on column {PUBLIC_SCHEMA}."{name}"."{column}" is {_literal(text)}')


def _literal(text: str) -> str:
    """COMMENT ON takes no bound parameters in DuckDB: a quoted literal instead."""
    return "'" + text.replace("'", "''") + "'"


def _export_parquet(home: Home, names: list[str]) -> None:
    """The marts as Parquet files for tools that prefer files; swapped in as a folder."""
    target = home.export
    staging = target.with_name(target.name + ".next")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    con = duckdb.connect(str(home.published_db), read_only=True)
    try:
        for name in names:
            con.execute(f"copy {PUBLIC_SCHEMA}.\"{name}\" to '{(staging / name).as_posix()}.parquet' (format parquet)")
    finally:
        con.close()
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _log(home: Home, entry: dict) -> None:
    home.logs.mkdir(parents=True, exist_ok=True)
    with (home.logs / "publish.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
