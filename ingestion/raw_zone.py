"""The append-only Parquet raw zone (docs/raw_zone.md): one file per load, never rewritten."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingestion.profiles import Profile, shipped_profiles
from ingestion.settings import Home
from ingestion.typing_sql import SQL_TYPES

LINEAGE_COLUMNS = {
    "_source_system": "varchar",
    "_source_file": "varchar",
    "_source_row": "bigint",
    "_loaded_at": "timestamp",
    "_load_id": "varchar",
    "_batch_id": "varchar",
    "_is_full_export": "boolean",
    "_extra": "varchar",
}


def entity_dir(home: Home, profile: Profile) -> Path:
    return home.raw / profile.source / profile.entity


def ensure_raw_zone(home: Home, profiles: list[Profile] | None = None) -> None:
    """A zero-row ``_schema.parquet`` per entity, so that dbt sources read (and type) an entity
    that has never been loaded instead of failing on an empty glob."""
    missing = [p for p in (profiles if profiles is not None else shipped_profiles()) if not _schema_file(home, p).exists()]
    if not missing:
        return
    con = duckdb.connect()
    try:
        for profile in missing:
            target = _schema_file(home, profile)
            target.parent.mkdir(parents=True, exist_ok=True)
            columns = [f"cast(null as {SQL_TYPES[c.type]}) as {c.name}" for c in profile.columns]
            columns += [f"cast(null as {t}) as {n}" for n, t in LINEAGE_COLUMNS.items()]
            partial = target.with_suffix(".parquet.partial")
            con.execute(f"copy (select {', '.join(columns)} limit 0) to '{partial.as_posix()}' (format parquet)")
            partial.replace(target)
    finally:
        con.close()


def _schema_file(home: Home, profile: Profile) -> Path:
    return entity_dir(home, profile) / "_schema.parquet"
