"""The home's Dagster instance (orchestration/instance.py) stores a run's planned events in one
batch, and stores exactly what Dagster's stock SQLite storage stores: real runs on both, compared."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from dagster import AssetCheckResult, DagsterInstance, asset, asset_check, materialize

from ingestion.settings import Home
from orchestration.instance import BatchedSqliteEventLogStorage, event_log_dir, local_instance


@asset
def orders() -> int:
    return 3


@asset
def revenue(orders: int) -> int:
    return orders * 10


@asset_check(asset=orders)
def orders_not_empty() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


@asset_check(asset=revenue)
def revenue_positive() -> AssetCheckResult:
    return AssetCheckResult(passed=True)


DEFINITIONS = [orders, revenue, orders_not_empty, revenue_positive]


def _stored(folder: Path, run_id: str) -> dict[str, Counter]:
    """What a run left in the event log: its own shard, the index's copy and the check executions."""
    runs = event_log_dir(folder)
    with sqlite3.connect(runs / f"{run_id}.db") as shard, sqlite3.connect(runs / "index.db") as index:
        return {
            "shard": Counter(t for (t,) in shard.execute("select dagster_event_type from event_logs")),
            "index": Counter(t for (t,) in index.execute("select dagster_event_type from event_logs where run_id = ?", [run_id])),
            "checks": Counter(c for (c,) in index.execute(
                "select check_name || ':' || execution_status from asset_check_executions where run_id = ?", [run_id])),
            "assets": Counter(k for (k,) in index.execute("select asset_key from asset_keys")),
        }


def test_planned_events_go_in_one_batch_and_are_stored_as_the_stock_storage_stores_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("DAGSTER_EVENT_BATCH_SIZE", raising=False)
    batches: list[int] = []
    real_batch = BatchedSqliteEventLogStorage.store_event_batch

    def counted(self, events):
        batches.append(len(events))
        return real_batch(self, events)

    monkeypatch.setattr(BatchedSqliteEventLogStorage, "store_event_batch", counted)
    schema_lookups: list[str] = []
    real_has_table = BatchedSqliteEventLogStorage.has_table

    def looked_up(self, table_name):
        schema_lookups.append(table_name)
        return real_has_table(self, table_name)

    monkeypatch.setattr(BatchedSqliteEventLogStorage, "has_table", looked_up)
    home = Home(tmp_path / "home")
    batched = local_instance(home)
    try:
        assert isinstance(batched.event_log_storage, BatchedSqliteEventLogStorage)
        batched_run = materialize(DEFINITIONS, instance=batched).run_id
    finally:
        batched.dispose()
    # 2 assets and 2 checks planned: one batch of 4
    assert batches == [4]
    # the check tables looked up once, not before each of the 4 check events
    assert schema_lookups.count("asset_check_executions") == 1, schema_lookups

    monkeypatch.delenv("DAGSTER_EVENT_BATCH_SIZE")
    (tmp_path / "stock").mkdir()
    stock = DagsterInstance.local_temp(tempdir=str(tmp_path / "stock"))
    try:
        stock_run = materialize(DEFINITIONS, instance=stock).run_id
    finally:
        stock.dispose()

    ours, theirs = _stored(home.root / "dagster", batched_run), _stored(tmp_path / "stock", stock_run)
    assert ours == theirs
    assert ours["checks"] == Counter({"orders_not_empty:SUCCEEDED": 1, "revenue_positive:SUCCEEDED": 1})
    assert ours["index"]["ASSET_MATERIALIZATION_PLANNED"] == 2

    # Dagster's stock storage (dagster dev, a user's DAGSTER_HOME over the same folder) reads the history.
    reader = DagsterInstance.local_temp(tempdir=str(home.root / "dagster"))
    try:
        assert reader.get_latest_materialization_event(revenue.key).run_id == batched_run
    finally:
        reader.dispose()


def test_a_failed_batch_keeps_none_of_its_events(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    source = local_instance(Home(tmp_path / "source"))
    try:
        run_id = materialize(DEFINITIONS, instance=source).run_id
        planned = [e for e in source.all_logs(run_id) if e.dagster_event_type is not None
                   and e.dagster_event_type.value.endswith("_PLANNED")]
    finally:
        source.dispose()
    assert len(planned) == 4

    class FailingOnThird(BatchedSqliteEventLogStorage):
        stored = 0

        def store_event(self, event):
            FailingOnThird.stored += 1
            if FailingOnThird.stored == 3:
                raise OSError("disk full")
            super().store_event(event)

    storage = FailingOnThird(str(tmp_path / "events"))
    with pytest.raises(OSError, match="disk full"):
        storage.store_event_batch(planned)
    assert storage.get_logs_for_run(run_id) == []
    assert storage.get_asset_check_execution_history(orders_not_empty.check_key, limit=10) == []
    storage.store_event_batch(planned)  # the next batch (the one-by-one fallback alike) starts clean
    assert len(storage.get_logs_for_run(run_id)) == 4
    storage.dispose()
