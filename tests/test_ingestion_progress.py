"""Progress events for a caller's progress bar (the CLI, Dagster logs)."""

from __future__ import annotations

from pathlib import Path

from ingestion import ingest_paths
from ingestion.progress import Progress
from ingestion.settings import Home
from tests.fixtures.ingestion.builders import FIXTURES, write_xlsx


def test_each_file_reports_its_steps_and_a_sheet_its_share_read(home: Home, tmp_path: Path):
    sheet = write_xlsx(tmp_path / "fx.xlsx", [["Month", "Currency", "Rate To CNY"], ["2025-01", "USD", 7.18], ["2025-02", "USD", 7.17]])
    events: list[Progress] = []

    ingest_paths("sheets", [sheet], home, progress=events.append)

    assert [(e.path, e.step, e.fraction) for e in events] == [
        (sheet, "reading", None), (sheet, "reading", 1.0), (sheet, "typing", 0.0), (sheet, "done", None)]


def test_a_skipped_file_reports_nothing(home: Home):
    export = FIXTURES / "zoho" / "Deals_2024_03_15.csv"
    ingest_paths("zoho", [export], home)
    events: list[Progress] = []

    [result] = ingest_paths("zoho", [export], home, progress=events.append)

    assert result.status == "skipped" and events == []
