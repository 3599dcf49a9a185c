"""Ingest throughput of the engine against DuckDB's own typed ``read_csv`` of the same file.

Not a timed test: run it by hand (``.venv/bin/python benchmarks/ingest_throughput.py``) after a
change to the engine. It writes a Zoho-Deals-like CSV export into ``benchmarks/data/`` (kept out
of git), loads it once through :func:`ingestion.ingest_paths` into a throw-away warehouse and
once through ``read_csv`` with auto-detection, prints rows/s of both, their ratio and the peak
memory of the process, and appends the figures to ``benchmarks/results.md``.
Each side runs ``--repeat`` times and its best time counts: on a shared machine the best run is
the one least disturbed by others. The goal: the engine at least half as fast as DuckDB's reader.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import tempfile
import time
from string import Template
from pathlib import Path

import duckdb

from ingestion import ingest_paths
from ingestion.settings import Home

HERE = Path(__file__).parent
DATA = HERE / "data"
RESULTS = HERE / "results.md"

STAGES = [
    "Qualification", "Needs Analysis", "Value Proposition", "Identify Decision Makers",
    "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost",
]

# One SELECT over range(n): DuckDB writes the CSV in parallel, no Python per row. The layout is
# a Zoho Deals export as SOURCES.md shows it: zcrm_ ids, MM/dd/yyyy closing dates, a quoted
# multi-line description on some rows, thousands separators on some amounts.
EXPORT_SQL = Template("""
copy (
  select
    'zcrm_' || (4876876000000000000 + i)::varchar as "Record Id",
    'Rep ' || (i % 57)::varchar as "Deal Owner",
    'Deal ' || i::varchar as "Deal Name",
    'Account ' || (i % 20011)::varchar as "Account Name",
    'Contact ' || (i % 40009)::varchar as "Contact Name",
    case when i % 10 = 0 then format('{:,}', (i % 90000) + 1000) || '.50'
         else ((i % 90000) + 1000)::varchar || '.50' end as "Amount",
    strftime(date '2023-01-01' + (i % 730)::int, '%m/%d/%Y') as "Closing Date",
    $stages[(i % 8) + 1] as "Stage",
    case when i % 3 = 0 then 'New Business' else 'Existing Business' end as "Type",
    ((i % 10) * 10)::varchar as "Probability (%)",
    ((i % 90000) * 0.5)::decimal(18,2)::varchar as "Expected Revenue",
    'Web' as "Lead Source",
    null as "Campaign Source",
    case when i % 5 = 0 then 'Call back' end as "Next Step",
    'CNY' as "Currency",
    '1' as "Exchange Rate",
    'Rep ' || (i % 57)::varchar as "Created By",
    strftime(timestamp '2023-01-01 08:00:00' + to_seconds(i * 37 % 60000000), '%Y-%m-%d %H:%M:%S') as "Created Time",
    'Rep ' || (i % 57)::varchar as "Modified By",
    strftime(timestamp '2024-01-01 08:00:00' + to_seconds(i * 13 % 20000000), '%Y-%m-%d %H:%M:%S') as "Modified Time",
    case when i % 50 = 0 then 'First line' || chr(13) || chr(10) || 'second, quoted' else 'Note ' || i::varchar end as "Description"
  from range($rows) t(i)
) to '$path' (header, delimiter ',', quote '"')
""")


def write_export(rows: int) -> Path:
    """The 1M-row export, written once and reused (its size makes it worth keeping)."""
    DATA.mkdir(exist_ok=True)
    path = DATA / f"zoho_deals_{rows}.csv"
    if not path.exists():
        stages = "[" + ", ".join(f"'{s}'" for s in STAGES) + "]"
        partial = path.with_suffix(".partial")
        duckdb.execute(EXPORT_SQL.substitute(rows=rows, path=partial.as_posix(), stages=stages))
        partial.replace(path)
    return path


def time_engine(path: Path) -> tuple[float, int]:
    root = Path(tempfile.mkdtemp(prefix="salesdw-bench-"))
    try:
        start = time.perf_counter()
        [result] = ingest_paths("zoho", [path], Home(root), date_format="%m/%d/%Y")
        elapsed = time.perf_counter() - start
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if result.status != "loaded":
        raise SystemExit(f"the engine did not load the export: {result.message}")
    return elapsed, result.rows_loaded


def time_duckdb(path: Path) -> tuple[float, int]:
    con = duckdb.connect()
    try:
        start = time.perf_counter()
        con.execute("create table deals as select * from read_csv(?)", [str(path)])
        elapsed = time.perf_counter() - start
        return elapsed, con.execute("select count(*) from deals").fetchone()[0]
    finally:
        con.close()


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if platform.system() == "Darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    path = write_export(args.rows)
    size_mb = path.stat().st_size / 1e6
    duck_s, duck_rows = min(time_duckdb(path) for _ in range(args.repeat))
    engine_s, engine_rows = min(time_engine(path) for _ in range(args.repeat))
    if engine_rows != duck_rows:
        raise SystemExit(f"row counts differ: engine {engine_rows}, duckdb {duck_rows}")
    engine_rate, duck_rate = engine_rows / engine_s, duck_rows / duck_s
    lines = [
        f"| {dt.date.today()} | {engine_rows:,} | {size_mb:.0f} MB | {engine_rate:,.0f} | {duck_rate:,.0f}"
        f" | {engine_rate / duck_rate:.2f} | {peak_rss_mb():.0f} MB | duckdb {duckdb.__version__}, {platform.machine()},"
        f" {os.cpu_count()} CPUs, best of {args.repeat} |"
    ]
    print(f"file: {path} ({size_mb:.0f} MB, {engine_rows:,} rows)")
    print(f"ingest_paths:     {engine_s:6.2f} s  {engine_rate:12,.0f} rows/s")
    print(f"duckdb read_csv:  {duck_s:6.2f} s  {duck_rate:12,.0f} rows/s")
    print(f"ratio engine/duckdb: {engine_rate / duck_rate:.2f} (goal ≥ 0.50); peak RSS {peak_rss_mb():.0f} MB")
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Ingest throughput\n\n`benchmarks/ingest_throughput.py`: a Zoho Deals CSV export through"
            " `ingest_paths` (typed, validated, written to Parquet with ledger) against DuckDB's"
            " `read_csv` (auto-detected types) into a table.\n\n"
            "| date | rows | file | engine rows/s | duckdb rows/s | ratio | peak RSS | notes |\n"
            "|---|---|---|---|---|---|---|---|\n",
            encoding="utf-8",
        )
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
