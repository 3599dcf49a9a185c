"""The mass-deletion guard of a full export.

A full export marks every record it lacks as deleted (dbt macro ``newest_version``). A truncated
download, or a filtered view exported as if it were full, would so delete records in silence.
Before a full batch counts, the records it would delete are counted with the same rule as dbt;
above ``SALESDW_MAX_DELETE_SHARE`` (default 2 %) of the entity's live records the batch is
refused, unless the user accepts the deletion (``salesdw ingest --full --accept-deletions``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingestion.profiles import Profile
from ingestion.raw_zone import entity_dir
from ingestion.settings import Home
from ingestion.sql import quote

DEFAULT_MAX_DELETE_SHARE = 0.02


def max_delete_share() -> float:
    """The share of an entity's live records one full load may delete without being accepted."""
    return float(os.environ.get("SALESDW_MAX_DELETE_SHARE", DEFAULT_MAX_DELETE_SHARE))


@dataclass(frozen=True)
class Deletions:
    """What a full batch would delete of one entity."""

    deleted: int
    live: int

    @property
    def share(self) -> float:
        return self.deleted / self.live if self.live else 0.0

    def too_many(self) -> bool:
        return self.deleted > 0 and self.share > max_delete_share()


def count_deletions(home: Home, profile: Profile, batch_id: str) -> Deletions:
    """Records live before ``batch_id`` that the batch lacks.

    Live before the batch: every record when no earlier full batch exists; else the records of
    the newest earlier full batch, or loaded again since it began — the rule of dbt's
    ``newest_version``, so that what is counted here is what the marts would lose."""
    key = ", ".join(f'"{c}"' for c in profile.key)
    on = " and ".join(f'live."{c}" is not distinct from in_batch."{c}"' for c in profile.key)
    folder: Path = entity_dir(home, profile)
    con = duckdb.connect()
    try:
        con.execute(f"create view raw as select * from read_parquet({quote(folder.as_posix() + '/*.parquet')}, union_by_name = true)")
        deleted, live = con.execute(f"""
            with earlier as (
                select {key}, _batch_id, _load_id, _loaded_at, _is_full_export from raw where _batch_id <> $batch
            ),
            previous_full as (
                select _batch_id, min(_load_id) as first_load_id from earlier where _is_full_export
                group by _batch_id order by max(_loaded_at) desc, max(_load_id) desc limit 1
            ),
            live as (
                select {key} from earlier left join previous_full on true
                group by {key}
                having max(previous_full._batch_id) is null
                    or bool_or(earlier._batch_id = previous_full._batch_id)
                    or max(earlier._load_id) >= max(previous_full.first_load_id)
            ),
            in_batch as (select distinct {key}, true as present from raw where _batch_id = $batch)
            select count(*) filter (where in_batch.present is null), count(*)
            from live left join in_batch on {on}
        """, {"batch": batch_id}).fetchone()
        return Deletions(int(deleted), int(live))
    finally:
        con.close()
