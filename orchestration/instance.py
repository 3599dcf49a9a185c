"""The Dagster instance a home's runs are recorded in (``$SALESDW_HOME/dagster``), unless
``DAGSTER_HOME`` names one of the user's own.

Its event log is Dagster's SQLite event log storage, with one change: a batch of events is
written in one transaction per database instead of one engine, connection and commit per event
and database. Before a run starts, Dagster stores its planned events — one per asset and one per
asset check, some 680 for a build (546 asset checks, nearly all dbt tests) — and the stock
storage spent about 6 s of every build's start-up on them (benchmarks/README.md). Dagster sends
them as one batch when ``DAGSTER_EVENT_BATCH_SIZE`` is set; the files and tables are the stock
storage's, so ``dagster dev`` and any other Dagster process read the same history.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from dagster import DagsterInstance
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS, create_db_conn_string
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from ingestion.settings import Home

# Dagster batches a run's planned events only when this is above 0; one batch holds them all.
EVENT_BATCH_SIZE = "10000"


class BatchedSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` whose ``store_event_batch`` stores every event of the batch as
    ``store_event`` does, through one connection and one transaction per shard (the run's
    database and the index), committed together at the end. If any event fails, nothing of the
    batch is kept and Dagster stores the events one by one instead."""

    def __init__(self, base_dir: str, inst_data=None) -> None:
        # before the stock constructor, which already connects when it creates a new index
        self._batch: dict[str, tuple[Engine, Connection]] | None = None
        self._batch_thread: int | None = None
        self._has_check_tables = False
        super().__init__(base_dir, inst_data)

    @property
    def supports_asset_checks(self) -> bool:
        """Asked before every asset check event (546 planned ones per build, then as many
        results), each time through a new engine and connection to the index: about half a
        second of every start-up. A migration adds the tables and nothing drops them, so a yes
        is kept."""
        if not self._has_check_tables:
            self._has_check_tables = super().supports_asset_checks
        return self._has_check_tables

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> BatchedSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        if self._batch is None or self._batch_thread != threading.get_ident():
            with super()._connect(shard) as conn:
                yield conn
            return
        if shard not in self._batch:
            engine = create_engine(create_db_conn_string(self._base_dir, shard), poolclass=NullPool,
                                   connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            conn = engine.connect()
            conn.begin()
            self._batch[shard] = (engine, conn)
        yield self._batch[shard][1]

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        # the lock keeps other threads (the event log watcher) out until the batch is committed
        with self._db_lock:
            self._batch, self._batch_thread = {}, threading.get_ident()
            try:
                for event in events:
                    self.store_event(event)
                for _, conn in self._batch.values():
                    conn.commit()
            finally:
                for engine, conn in self._batch.values():
                    conn.close()  # rolls back what was not committed
                    engine.dispose()
                self._batch, self._batch_thread = None, None


def local_instance(home: Home) -> DagsterInstance:
    """The instance of ``DAGSTER_HOME`` if set, else the home's own (``$SALESDW_HOME/dagster``),
    persistent so that run history and freshness checks survive between runs."""
    if os.environ.get("DAGSTER_HOME"):
        return DagsterInstance.get()
    folder = home.root / "dagster"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)
    return DagsterInstance.local_temp(tempdir=str(folder), overrides={"event_log_storage": {
        "module": __name__, "class": BatchedSqliteEventLogStorage.__name__,
        "config": {"base_dir": str(event_log_dir(folder))}}})


def event_log_dir(folder: Path) -> Path:
    """Where Dagster's default instance in ``folder`` keeps its event log: the same files
    whichever of the two storage classes writes them."""
    return folder / "history" / "runs"
