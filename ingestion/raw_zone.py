"""The append-only Parquet raw zone (docs/raw_zone.md): one file per load, never rewritten.

Its column types are the contract with dbt: :func:`arrow_schema` is the one place they become
Parquet types, for the loads and for the empty ``_schema.parquet`` of every entity alike.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.canonical import with_placeholders
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
ARROW_TYPES = {
    "varchar": pa.string(),
    "bigint": pa.int64(),
    "decimal(18,6)": pa.decimal128(18, 6),
    "decimal(18,4)": pa.decimal128(18, 4),
    "decimal(9,6)": pa.decimal128(9, 6),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "boolean": pa.bool_(),
}


def arrow_schema(profile: Profile) -> pa.Schema:
    """The raw columns of an entity: the profile's, then the lineage columns."""
    return pa.schema(
        [pa.field(c.name, ARROW_TYPES[SQL_TYPES[c.type]]) for c in profile.columns]
        + [pa.field(name, ARROW_TYPES[sql_type]) for name, sql_type in LINEAGE_COLUMNS.items()]
    )


def entity_dir(home: Home, profile: Profile) -> Path:
    return home.raw / profile.source / profile.entity


def ensure_raw_zone(home: Home, profiles: list[Profile] | None = None) -> None:
    """A zero-row ``_schema.parquet`` per entity, so that dbt sources read (and type) an entity
    that has never been loaded instead of failing on an empty glob. A canonical CRM source gets
    one for every canonical entity, exported or not: dbt's stg_crm__* read them all."""
    for profile in with_placeholders(list(profiles if profiles is not None else shipped_profiles())):
        target = entity_dir(home, profile) / "_schema.parquet"
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".parquet.partial")
        pq.write_table(arrow_schema(profile).empty_table(), partial)
        partial.replace(target)
