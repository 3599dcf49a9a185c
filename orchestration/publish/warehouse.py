"""Write-audit-publish, the publish half: copy the audited marts out of the build database into
a new version, export them as Parquet beside it, and switch both with one atomic rename.

Layout under ``SALESDW_HOME``::

    versions/<id>/sales.duckdb      the marts of one publication (personal data masked, pii.py)
    versions/<id>/marts/*.parquet   the same tables as Parquet
    versions/<id>/manifest.json     written last: a version without it is incomplete
    current -> versions/<id>        the one pointer, switched by rename(2)
    sales.duckdb -> current/sales.duckdb       the stable paths BI tools open
    export/marts -> ../current/marts

A failed or killed publish never reaches the rename, so the database and the export that BI
sees stay the previous ones, together; a half-written version is never pointed at and is
removed by the next publish. Readers keep their open handles on the old version's files.
DuckDB resolves links before it looks up an open database, so a new connection to
``sales.duckdb`` opens the new version even in a process that still holds a connection to the
old one (a BI server's pool). The last ``SALESDW_KEEP_VERSIONS`` (default 3) versions are kept
for :func:`rollback`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.settings import Home, engine_config
from ingestion.sql import quote
from orchestration.dbt.inputs import built_inputs
from orchestration.publish.pii import Masks, mask_expression, pii_masks

PUBLIC_SCHEMA = "marts"
DB_NAME = "sales.duckdb"
EXPORT_NAME = "marts"
MANIFEST = "manifest.json"
DEFAULT_KEEP_VERSIONS = 3


@dataclass(frozen=True)
class Publication:
    path: Path  # the stable path BI opens
    version: str
    tables: dict[str, int]  # table → rows
    published_at: str


def versions_dir(home: Home) -> Path:
    return home.root / "versions"


def current_link(home: Home) -> Path:
    return home.root / "current"


def current_version(home: Home) -> str | None:
    link = current_link(home)
    return Path(os.readlink(link)).name if link.is_symlink() else None


def published_inputs(home: Home) -> dict[str, str] | None:
    """The fingerprint of the build the current version was published from (orchestration/dbt/inputs.py)."""
    version = current_version(home)
    path = versions_dir(home) / version / MANIFEST if version else None
    if path is None or not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("inputs")


def published_versions(home: Home) -> list[str]:
    """Complete versions, oldest first (ids are time-ordered)."""
    folder = versions_dir(home)
    return sorted(p.name for p in folder.iterdir() if (p / MANIFEST).exists()) if folder.is_dir() else []


def _public_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = 'build' and schema_name = ? order by 1",
        [PUBLIC_SCHEMA],
    ).fetchall()
    return [r[0] for r in rows]


def public_views(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, str]:
    """The public marts that are views (fct_pipeline_daily over fct_pipeline_spans), name → SQL.
    DuckDB keeps a view's SQL without its own catalog (`from marts.fct_pipeline_spans`), so the
    same statement creates it over the published tables."""
    rows = con.execute(
        "select view_name, sql from duckdb_views() where database_name = ? and schema_name = ? and not internal"
        " order by 1", [database, PUBLIC_SCHEMA],
    ).fetchall()
    return dict(rows)


def publish(home: Home, masks: Masks | None = None) -> Publication:
    """Publish the build database's public marts as a new version and switch to it.
    ``masks`` (table → column → kind) defaults to the ``pii`` meta of the dbt YAML."""
    target = os.environ.get("SALESDW_DBT_TARGET", "duckdb")
    if target != "duckdb":
        # The marts of this run are in the Spark warehouse, not in the build database: publishing
        # the build database would serve the last DuckDB build's marts as if they were tonight's.
        raise RuntimeError(f"SALESDW_DBT_TARGET={target}: the marts were built there, not in {home.build_db};"
                           " sales.duckdb publishes a DuckDB build only (docs/scale-out.md, \"Dagster on Spark\")")
    if not home.build_db.exists():
        raise FileNotFoundError(f"{home.build_db}: no build database to publish (run dbt build first)")
    masks = pii_masks() if masks is None else masks
    version = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    folder = versions_dir(home) / version
    folder.mkdir(parents=True)
    tables, views = _write_database(home.build_db, folder / DB_NAME, masks)
    # views are not exported: their rows are their tables' (fct_pipeline_spans for the daily view)
    _export_parquet(folder / DB_NAME, folder / EXPORT_NAME, list(tables))
    published_at = dt.datetime.now(dt.timezone.utc).isoformat()
    manifest = {"version": version, "published_at": published_at, "tables": tables, "views": views,
                "masked": masks, "inputs": built_inputs(home)}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _fsync_tree(folder)
    _switch(home, version)
    _log(home, {"event": "publish", "version": version, "published_at": published_at, "tables": tables})
    _prune(home, version)
    return Publication(home.published_db, version, tables, published_at)


def rollback(home: Home) -> str:
    """Point BI back at the version published before the current one; returns its id."""
    current = current_version(home)
    earlier = [v for v in published_versions(home) if current is None or v < current]
    if not earlier:
        raise RuntimeError(f"{versions_dir(home)}: no earlier published version is kept to roll back to")
    _switch(home, earlier[-1])
    _log(home, {"event": "rollback", "version": earlier[-1], "from": current,
                "at": dt.datetime.now(dt.timezone.utc).isoformat()})
    return earlier[-1]


def _write_database(build_db: Path, target: Path, masks: Masks) -> tuple[dict[str, int], list[str]]:
    """The public tables copied (masked) with their row counts, then the public views over them."""
    tables: dict[str, int] = {}
    con = duckdb.connect(str(target), config=engine_config())
    try:
        con.execute(f"attach '{build_db.as_posix()}' as build (read_only)")
        names = _public_tables(con)
        if not names:
            raise RuntimeError(f"{build_db}: schema {PUBLIC_SCHEMA!r} holds no tables; refusing to publish an empty warehouse")
        _check_masks(con, names, masks)
        con.execute(f"create schema {PUBLIC_SCHEMA}")
        for name in names:
            replaced = ", ".join(f'{mask_expression(_ident(c), kind)} as {_ident(c)}' for c, kind in masks.get(name, {}).items())
            columns = f"* replace ({replaced})" if replaced else "*"
            con.execute(f'create table {PUBLIC_SCHEMA}."{name}" as select {columns} from build.{PUBLIC_SCHEMA}."{name}"')
            tables[name] = con.execute(f'select count(*) from {PUBLIC_SCHEMA}."{name}"').fetchone()[0]
        views = public_views(con, "build")
        for sql in views.values():
            con.execute(sql)
        _copy_comments(con, [*names, *views], masks)
        con.execute("detach build")
        con.execute("checkpoint")
    finally:
        con.close()
    return tables, list(views)


def _check_masks(con: duckdb.DuckDBPyConnection, names: list[str], masks: Masks) -> None:
    """A masked column that no longer exists (renamed in the model, not in its YAML) would
    publish the new name unmasked: refuse instead."""
    for table in set(masks) & set(names):
        present = {r[0] for r in con.execute(
            "select column_name from duckdb_columns() where database_name = 'build' and schema_name = ? and table_name = ?",
            [PUBLIC_SCHEMA, table]).fetchall()}
        missing = sorted(set(masks[table]) - present)
        if missing:
            raise RuntimeError(f"pii meta names {table}.{', '.join(missing)}, which the build does not hold; refusing to publish")


def _copy_comments(con: duckdb.DuckDBPyConnection, names: list[str], masks: Masks) -> None:
    """Keep dbt's descriptions (persist_docs) so a BI tool's catalog shows them."""
    for name in names:
        kind, comment = con.execute(
            "select 'table', comment from duckdb_tables() where database_name = 'build' and schema_name = ? and table_name = ?"
            " union all select 'view', comment from duckdb_views() where database_name = 'build' and schema_name = ? and view_name = ?",
            [PUBLIC_SCHEMA, name, PUBLIC_SCHEMA, name],
        ).fetchone()
        if comment:
            # COMMENT ON takes no bound parameters in DuckDB: a quoted literal instead
            con.execute(f'comment on {kind} {PUBLIC_SCHEMA}."{name}" is {quote(comment)}')
        for column, text in con.execute(
            "select column_name, comment from duckdb_columns() where database_name = 'build' and schema_name = ? and table_name = ? and comment is not null",
            [PUBLIC_SCHEMA, name],
        ).fetchall():
            kind = masks.get(name, {}).get(column)
            text = f"{text} Masked for BI ({kind}); the build database keeps it unmasked." if kind else text
            con.execute(f'comment on column {PUBLIC_SCHEMA}."{name}"."{column}" is {quote(text)}')


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _export_parquet(database: Path, target: Path, names: list[str]) -> None:
    """The marts as Parquet files for tools that prefer files, read from the version's own
    (masked) database."""
    target.mkdir()
    con = duckdb.connect(str(database), read_only=True, config=engine_config())
    try:
        for name in names:
            con.execute(f"copy {PUBLIC_SCHEMA}.\"{name}\" to '{(target / name).as_posix()}.parquet' (format parquet)")
    finally:
        con.close()


def _fsync_tree(folder: Path) -> None:
    """The version's bytes reach the disk before the pointer names it."""
    for path in [*folder.rglob("*"), folder]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _switch(home: Home, version: str) -> None:
    """The one atomic step: ``current`` names the version; the database and the export follow."""
    _replace_link(current_link(home), os.path.join("versions", version))
    _replace_link(home.published_db, os.path.join("current", DB_NAME))
    _replace_link(home.export, os.path.join("..", "current", EXPORT_NAME))


def _replace_link(path: Path, target: str) -> None:
    if path.is_symlink() and os.readlink(path) == target:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(path.name + ".link")
    staged.unlink(missing_ok=True)
    os.symlink(target, staged)
    if path.is_dir() and not path.is_symlink():  # an export folder of the layout before versions
        old = path.with_name(path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        path.rename(old)
        os.replace(staged, path)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staged, path)  # rename(2) of a link: atomic, and a file of the old layout simply goes
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(home: Home, newest: str) -> None:
    """Keep the last SALESDW_KEEP_VERSIONS complete versions and the current one; drop older
    ones and versions a killed publish left incomplete."""
    keep = int(os.environ.get("SALESDW_KEEP_VERSIONS", DEFAULT_KEEP_VERSIONS))
    kept = set(published_versions(home)[-keep:]) | {current_version(home), newest}
    for folder in versions_dir(home).iterdir():
        if folder.name not in kept and folder.name < newest:
            shutil.rmtree(folder, ignore_errors=True)


def _log(home: Home, entry: dict) -> None:
    home.logs.mkdir(parents=True, exist_ok=True)
    with (home.logs / "publish.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
