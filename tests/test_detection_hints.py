"""Entity detection: headers decide which entities a file can be, the file name's most specific
hint decides among them."""

from pathlib import Path

from ingestion import ingest_paths
from ingestion.settings import Home

STAGE_HISTORY_HEADERS = "Record Id,Deal Name,Deal Id,Stage,Amount,Probability (%),Closing Date,Modified Time,Modified By"
ROW = "zcrm_77,Big deal,zcrm_1,Qualification,1000,10,2025-03-05,2025-01-03 10:00:00,Zhang Wei"


def _write(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(f"{STAGE_HISTORY_HEADERS}\r\n{ROW}\r\n", encoding="utf-8-sig")
    return path


def test_stage_history_export_with_deal_columns_is_not_read_as_deals(home: Home, tmp_path: Path):
    (result,) = ingest_paths("zoho", [_write(tmp_path, "Deals_Stage_History.csv")], home)
    assert (result.status, result.entity) == ("loaded", "deal_stage_history")


def test_without_a_name_hint_the_best_header_match_wins(home: Home, tmp_path: Path):
    (result,) = ingest_paths("zoho", [_write(tmp_path, "export_0001.csv")], home)
    assert (result.status, result.entity) == ("loaded", "deals")


def test_a_name_hint_cannot_override_missing_required_headers(home: Home, tmp_path: Path):
    path = tmp_path / "Deals_Stage_History.csv"
    path.write_text("Record Id,Deal Name,Stage,Modified Time\r\nzcrm_1,X,Qualification,2025-01-03 10:00:00\r\n", encoding="utf-8")
    (result,) = ingest_paths("zoho", [path], home)
    assert (result.status, result.entity) == ("loaded", "deals")
