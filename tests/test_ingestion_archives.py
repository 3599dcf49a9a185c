"""Zipped exports: members load like files, unsafe archives are refused whole with a message
naming the member. Archives are written here byte by byte as the tools that make them do."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from ingestion import ingest_paths
from ingestion.settings import Home
from tests.fixtures.ingestion.builders import ledger_rows, raw_rows, write_csv

DEALS = [["Record Id", "Deal Name", "Account Name", "Amount", "Closing Date", "Stage", "Deal Owner", "Modified Time"],
         ["zcrm_1", "Gateway", "Acme", "1200", "2024-03-31", "Closed Won", "Li Na", "2024-03-31 10:00:00"]]


def test_members_of_an_archive_load_and_a_gbk_name_keeps_its_chinese(home: Home, tmp_path: Path):
    deals = write_csv(tmp_path / "src" / "Deals.csv", DEALS)
    archive = tmp_path / "zoho_export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(deals, "export/Deals.csv")
        # a Windows tool writes 商机说明.txt in GBK without the UTF-8 flag: written under an ASCII
        # name of the same length, whose bytes are then replaced
        zf.writestr("ABCDEFGH.txt", "说明")
    archive.write_bytes(archive.read_bytes().replace(b"ABCDEFGH.txt", "商机说明.txt".encode("gbk")))

    results = ingest_paths("zoho", [archive], home)

    by_name = {r.path.name: r for r in results}
    assert by_name["Deals.csv"].status == "loaded" and by_name["Deals.csv"].path.parent.name == "export"
    assert "商机说明.txt" in by_name, "a GBK member name is read as GBK"
    assert [r["record_id"] for r in raw_rows(home, "zoho", "deals")] == ["zcrm_1"]
    assert "Deals.csv" in [e["file_name"] for e in ledger_rows(home)]
    assert not (home.tmp).exists() or not any(home.tmp.rglob("Deals.csv")), "unpacked copies are removed"
    again = ingest_paths("zoho", [archive], home)
    assert {r.path.name: r.status for r in again}["Deals.csv"] == "skipped", "a member seen before is a repeat"


def _zip_with(path: Path, name: str, data: bytes, *, link: bool = False, compress: bool = True) -> Path:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    if link:
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(info, data)
    return path


def test_unsafe_archives_are_refused_whole(home: Home, tmp_path: Path):
    cases = {
        _zip_with(tmp_path / "abs.zip", "/etc/Deals.csv", b"x"): "member '/etc/Deals.csv' points outside the archive",
        _zip_with(tmp_path / "link.zip", "Deals.csv", b"/etc/passwd", link=True): "member 'Deals.csv' is a link",
        _zip_with(tmp_path / "bomb.zip", "Deals.csv", b"0" * 5_000_000): "refused as a possible zip bomb",
        _zip_with(tmp_path / "nested.zip", "inner.zip", b"PK"): "is an archive inside the archive",
    }
    results = ingest_paths("zoho", list(cases), home)
    assert [r.status for r in results] == ["rejected"] * 4
    for result, expected in zip(results, cases.values()):
        assert result.message.startswith(f"{result.path}: ") and expected in result.message, result.message
    assert raw_rows(home, "zoho", "deals") == []
    assert sorted(e["file_name"] for e in ledger_rows(home)) == ["abs.zip", "bomb.zip", "link.zip", "nested.zip"]
