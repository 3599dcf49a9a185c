"""Issue 14: one bad file never costs the night, one writer at a time, publish atomic end to
end, PII masked for BI, symlinks refused — each protection tried for real."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ingestion import ingest_paths
from ingestion.settings import Home
from tests.fixtures.ingestion.builders import ledger_rows, raw_rows, write_csv

DEALS_HEADER = ["Record Id", "Deal Name", "Amount", "Closing Date", "Stage", "Probability (%)", "Modified Time"]
GOOD_DEAL = ["zcrm_1", "Good deal", "1,000", "03/15/2024", "Qualification", "10", "2024-03-15 10:00:00"]


def _wide_deals(path: Path, extra: int) -> Path:
    header = DEALS_HEADER + [f"Custom Field {i}" for i in range(extra)]
    return write_csv(path, [header, GOOD_DEAL + ["x"] * extra])


# --- 1. one bad file never fails the night -------------------------------------------------------

def test_a_file_too_wide_and_a_zip_are_rejected_and_the_good_file_loads(home: Home, tmp_path: Path):
    wide = _wide_deals(tmp_path / "Deals_wide.csv", 10_000)
    archive = tmp_path / "Deals.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Deals.csv", "Record Id,Deal Name\n")
    good = write_csv(tmp_path / "Deals.csv", [DEALS_HEADER, GOOD_DEAL])

    results = ingest_paths("zoho", [wide, archive, good], home)

    assert [r.status for r in results] == ["rejected", "rejected", "loaded"]
    assert results[0].message == f"{wide}: at least 3706 columns, more than the limit of 1000 (setting SALESDW_MAX_COLUMNS)"
    assert results[1].message == f"{archive}: a ZIP archive, not an XLSX workbook: unpack it and load the export files inside"
    assert [r["record_id"] for r in raw_rows(home, "zoho", "deals")] == ["zcrm_1"]
    assert [(e["file_name"], e["status"]) for e in ledger_rows(home)] == [
        ("Deals_wide.csv", "rejected"), ("Deals.zip", "rejected"), ("Deals.csv", "loaded")]


def test_any_failure_inside_one_file_rejects_that_file_only(home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """DuckDB running out of memory in the typing pass (as 10,000 columns did) is the file's
    problem, recorded in the ledger with its name, not the call's."""
    monkeypatch.setenv("SALESDW_INGEST_MEMORY", "200MB")
    wide = write_csv(tmp_path / "Deals_wide.csv", [DEALS_HEADER + [f"c{i}" for i in range(900)]]
                     + [GOOD_DEAL + ["x" * 20] * 900] * 300)
    results = ingest_paths("zoho", [wide], home)
    monkeypatch.setenv("SALESDW_INGEST_MEMORY", "2GB")
    good = write_csv(tmp_path / "Deals.csv", [DEALS_HEADER, GOOD_DEAL])
    results += ingest_paths("zoho", [good], home)

    assert [r.status for r in results] == ["rejected", "loaded"]
    assert results[0].message.startswith(f"{wide}: could not be loaded (OutOfMemoryException: ")
    assert [e["status"] for e in ledger_rows(home)] == ["rejected", "loaded"]


def test_a_bad_file_in_the_nightly_ingest_is_a_rejected_file_not_a_failed_step(home: Home, tmp_path: Path):
    from dagster import DagsterInstance, materialize

    from orchestration.ingestion.assets import ingestion_assets
    from orchestration.resources import WarehouseResource

    landing = tmp_path / "landing"
    _wide_deals(landing / "zoho" / "Deals_wide.csv", 10_000)
    write_csv(landing / "zoho" / "Deals.csv", [DEALS_HEADER, GOOD_DEAL])
    ingest_zoho = next(a for a in ingestion_assets if a.op.name == "ingest_zoho")
    instance = DagsterInstance.ephemeral()

    result = materialize([ingest_zoho], instance=instance,
                         resources={"warehouse": WarehouseResource(home=str(home.root), landing=str(landing))})

    assert result.success
    assert len([e for e in result.all_events if e.event_type_value == "STEP_START"]) == 1, "no retry"
    messages = [e.user_message for e in instance.all_logs(result.run_id)]
    assert any(m.startswith(f"{landing / 'zoho' / 'Deals_wide.csv'}: at least") for m in messages)
    assert "1 zoho file(s) rejected: see the ledger (salesdw status)" in messages
    assert [r["record_id"] for r in raw_rows(home, "zoho", "deals")] == ["zcrm_1"]


# --- 2. one writer at a time ---------------------------------------------------------------------

def test_a_second_writer_is_refused_at_once_and_a_dead_holders_lock_is_taken_over(
        home: Home, tmp_path: Path, capsys: pytest.CaptureFixture):
    import os
    import signal
    import subprocess
    import sys

    from orchestration.cli import main

    export = write_csv(tmp_path / "Deals.csv", [DEALS_HEADER, GOOD_DEAL])
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from ingestion.settings import Home; from orchestration.writer_lock import writer_lock\n"
         "with writer_lock(Home.from_env(), 'run'):\n    print('held', flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "SALESDW_HOME": str(home.root)},
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["ingest", "zoho", str(export)]) == 3
        refused = capsys.readouterr().err
        assert f"is being written by salesdw run (pid {holder.pid}, started " in refused
        assert ledger_rows(home) == [], "nothing ingested while another writer holds the home"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert main(["ingest", "zoho", str(export)]) == 0, "the lock of a killed holder is taken over"
    assert [e["status"] for e in ledger_rows(home)] == ["loaded"]
