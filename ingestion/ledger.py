"""The load ledger: one Parquet row per file load under ``ledger/loads/`` and the quarantined
rows under ``quarantine/``.

Append-only files rather than a database so that the nightly run, the landing sensor and a
person running ``salesdw status`` can all read it at once (DuckDB allows one writer per file).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingestion.errors import QuarantineRow
from ingestion.settings import Home


@dataclass(frozen=True)
class LoadRecord:
    load_id: str
    batch_id: str
    source: str
    entity: str | None
    file_path: str
    file_name: str
    sha256: str
    size_bytes: int
    file_format: str | None
    encoding: str | None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    status: str  # loaded | rejected
    message: str
    headers_seen: str  # JSON list
    columns_missing: str  # JSON list of optional profile columns absent from the file
    columns_extra: str  # JSON list of file headers the profile does not know
    is_full_export: bool
    loaded_at: str
    raw_path: str | None
    date_format: str | None = None  # the load's day-month setting; None: detected from the file
    rows_deleted: int = 0  # records a full export marked deleted (on the entity's last file of the batch)
    deletions_accepted: bool = False  # more than SALESDW_MAX_DELETE_SHARE deleted, accepted by the user
    versions_by: str | None = None  # the modified-time column ordering versions, or "load order" when the file lacks it


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def is_regular(path: Path) -> bool:
    """A regular file, not a link to one: a link in the landing folder could point anywhere
    (``/etc/passwd``), and a FIFO or device would block or never end."""
    return not path.is_symlink() and path.is_file()


def file_digest(path: Path) -> str:
    """The content's sha256 for a regular file; for anything else a digest of its path alone,
    so that it is recorded (and refused once) without being opened."""
    if is_regular(path):
        return sha256_of(path)
    return hashlib.sha256(b"not a regular file:" + os.fsencode(path.absolute())).hexdigest()


def _write_atomic(table: pa.Table, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".parquet.partial")
    pq.write_table(table, partial)
    partial.replace(target)


def record_load(home: Home, record: LoadRecord) -> None:
    _write_atomic(pa.Table.from_pylist([asdict(record)]), home.ledger / "loads" / f"{record.load_id}.parquet")


def set_aside_unrecorded_loads(home: Home, source: str, entities: list[str]) -> list[Path]:
    """Raw and quarantine files of a load that has no ledger row: the load was killed between
    moving its Parquet file in and writing its row, so it never happened. They move to
    ``unrecorded/`` (kept, outside what dbt and the ledger read; a warning counts them) and the
    file loads again once, as in a clean run, not twice. Only the call's own entities are
    looked at (one writer per entity: the writer lock)."""
    recorded = {p.stem for p in (home.ledger / "loads").glob("*.parquet")}
    moved = []
    for entity in entities:
        for zone in (home.raw, home.quarantine):
            for path in (zone / source / entity).glob("[!_]*.parquet"):
                if path.stem not in recorded:
                    target = home.root / "unrecorded" / zone.name / source / entity / path.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    path.replace(target)
                    moved.append(target)
    return moved


def record_quarantine(home: Home, record: LoadRecord, rows: list[QuarantineRow]) -> Path | None:
    if not rows:
        return None
    table = pa.Table.from_pylist(
        [
            {"load_id": record.load_id, "source": record.source, "entity": record.entity,
             "source_file": r.source_file, "row": r.row, "column": r.column,
             "raw_value": r.raw_value, "reason": r.reason, "loaded_at": record.loaded_at}
            for r in rows
        ]
    )
    target = home.quarantine / record.source / str(record.entity) / f"{record.load_id}.parquet"
    _write_atomic(table, target)
    return target


def _query(folder: Path, sql: str, params: list | None = None) -> list[tuple]:
    if not any(folder.rglob("*.parquet")):
        return []
    con = duckdb.connect()
    try:
        con.execute(f"create view t as select * from read_parquet('{folder.as_posix()}/**/*.parquet', union_by_name=true)")
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def loaded_hashes(home: Home, source: str | None = None, date_format: str | None = None) -> dict[str, str]:
    """sha256 → load id of every file already loaded: a file seen again changes nothing.

    Given a source, only its loads with the same date setting count: a file loaded again with
    a corrected ``--date-format`` (or as another source) is a new load, not a repeat."""
    if source is None:
        sql, params = "select sha256, min(load_id) from t where status = 'loaded' group by sha256", []
    else:
        setting = "coalesce(date_format, '')" if _has_column(home.ledger / "loads", "date_format") else "''"
        sql = (f"select sha256, min(load_id) from t where status = 'loaded' and source = ? and {setting} = ?"
               " group by sha256")
        params = [source, date_format or ""]
    return dict(_query(home.ledger / "loads", sql, params))


def _has_column(folder: Path, column: str) -> bool:
    """Ledgers written before a column was added lack it."""
    return any(row[0] == column for row in _query(folder, "describe t"))


def seen_hashes(home: Home) -> set[str]:
    """Files loaded or rejected: the landing sensor triggers no run for these."""
    return {row[0] for row in _query(home.ledger / "loads", "select distinct sha256 from t")}


_LOAD_SUMMARY = "loaded_at, source, entity, file_name, status, rows_loaded, rows_quarantined, message"


def recent_loads(home: Home, limit: int = 20) -> list[tuple]:
    """The newest loads, with the records each full export marked deleted (0 in older ledgers)."""
    folder = home.ledger / "loads"
    deleted = "coalesce(rows_deleted, 0)" if _has_column(folder, "rows_deleted") else "0"
    return _query(
        folder,
        f"select {_LOAD_SUMMARY}, {deleted}, is_full_export from t order by load_id desc limit ?",
        [limit],
    )


def loads_since(home: Home, since: str | None) -> list[tuple]:
    """Every load after an ISO timestamp with offset (all of them when None), newest first.
    ``loaded_at`` is naive UTC."""
    return _query(
        home.ledger / "loads",
        f"select {_LOAD_SUMMARY} from t where ? is null"
        " or cast(loaded_at as timestamp) > timezone('UTC', cast(? as timestamptz)) order by load_id desc",
        [since, since],
    )


def quarantine_rows(home: Home, load_id: str | None = None) -> list[tuple]:
    where = "where load_id = ?" if load_id else ""
    return _query(
        home.quarantine,
        f"select source_file, row, \"column\", raw_value, reason from t {where} order by source_file, row",
        [load_id] if load_id else [],
    )
