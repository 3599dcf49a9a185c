"""Deletions are inferred only from loads declared full, and a full load that would delete more
than SALESDW_MAX_DELETE_SHARE of an entity's live records is refused at ingest (issue 11, class 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion import ingest_paths
from ingestion.settings import Home
from orchestration.cli import main
from tests.fixtures.ingestion.builders import ledger_rows, raw_rows, write_csv

HEADER = ["Record Id", "Deal Name", "Account Name", "Deal Owner", "Stage", "Amount", "Closing Date", "Modified Time"]


def _deals(path: Path, numbers: range) -> Path:
    rows = [[f"zcrm_{n:06d}", f"Deal {n}", "Acme", "王伟", "Qualification", "1000", "2024-03-15", "2024-03-15 10:00:00"]
            for n in numbers]
    return write_csv(path, [HEADER, *rows])


def test_an_undeclared_load_deletes_nothing(home: Home, tmp_path: Path) -> None:
    ingest_paths("zoho", [_deals(tmp_path / "all.csv", range(100))], home, full_export=True)
    [partial] = ingest_paths("zoho", [_deals(tmp_path / "modified.csv", range(10))], home)

    assert (partial.status, partial.rows_deleted) == ("loaded", 0)
    assert {r["_is_full_export"] for r in raw_rows(home, "zoho", "deals") if r["_source_file"] == "modified.csv"} == {False}


def test_a_full_load_within_the_share_deletes_and_counts(home: Home, tmp_path: Path) -> None:
    ingest_paths("zoho", [_deals(tmp_path / "all.csv", range(100))], home, full_export=True)
    [second] = ingest_paths("zoho", [_deals(tmp_path / "all_2.csv", range(2, 100))], home, full_export=True)

    assert (second.status, second.rows_deleted) == ("loaded", 2)
    assert [r["rows_deleted"] for r in ledger_rows(home) if r["file_name"] == "all_2.csv"] == [2]


def test_a_truncated_full_load_is_refused_naming_file_entity_and_count(home: Home, tmp_path: Path, capsys) -> None:
    ingest_paths("zoho", [_deals(tmp_path / "all.csv", range(100))], home, full_export=True)
    truncated = _deals(tmp_path / "Deals_truncated.csv", range(60))

    assert main(["ingest", "zoho", str(truncated), "--full"]) == 1

    out = capsys.readouterr().out
    assert "Deals_truncated.csv: refused: this full export of zoho/deals would delete 40 of 100 live records" in out
    assert "--accept-deletions" in out
    assert not [r for r in raw_rows(home, "zoho", "deals") if r["_source_file"] == "Deals_truncated.csv"]
    [record] = [r for r in ledger_rows(home) if r["file_name"] == "Deals_truncated.csv"]
    assert record["status"] == "rejected" and record["raw_path"] is None


def test_a_real_mass_deletion_is_accepted_when_declared(home: Home, tmp_path: Path, capsys) -> None:
    ingest_paths("zoho", [_deals(tmp_path / "all.csv", range(100))], home, full_export=True)
    smaller = _deals(tmp_path / "after_cleanup.csv", range(60))

    assert main(["ingest", "zoho", str(smaller), "--full", "--accept-deletions"]) == 0
    assert "40 records absent, marked deleted" in capsys.readouterr().out
    [record] = [r for r in ledger_rows(home) if r["file_name"] == "after_cleanup.csv"]
    assert (record["status"], record["rows_deleted"], record["deletions_accepted"]) == ("loaded", 40, True)

    assert main(["status"]) == 0
    assert "full  loaded=60 quarantined=0 deleted=40" in capsys.readouterr().out


@pytest.mark.parametrize("share, refused", [("0.5", False), ("0.3", True)])
def test_the_share_is_set_by_the_environment(home: Home, tmp_path: Path, monkeypatch, share: str, refused: bool) -> None:
    monkeypatch.setenv("SALESDW_MAX_DELETE_SHARE", share)
    ingest_paths("zoho", [_deals(tmp_path / "all.csv", range(100))], home, full_export=True)
    [second] = ingest_paths("zoho", [_deals(tmp_path / "part.csv", range(60))], home, full_export=True)

    assert (second.status == "rejected") is refused
