"""Ingest throughput of the engine against DuckDB's own typed ``read_csv`` of the same file.

Not a timed test: run it by hand (``.venv/bin/python benchmarks/ingest_throughput.py``) after a
change to the engine. It writes a Zoho-Deals-like CSV export into ``benchmarks/data/`` (kept out
of git), loads it once through :func:`ingestion.ingest_paths` into a throw-away warehouse and
once through ``read_csv`` with auto-detection, prints rows/s of both, their ratio and the peak
memory of each, and appends the figures to ``benchmarks/results.md``. Each side runs
``--repeat`` times, alternating, each run in a fresh process (see ``HEADER`` for how the figures
are read). The goal: the engine at least half as fast as DuckDB's reader.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from string import Template
from pathlib import Path

import duckdb

from ingestion import ingest_paths
from ingestion.raw_zone import ensure_raw_zone
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


@dataclass(frozen=True)
class Run:
    """One load, measured inside its own process: wall and CPU seconds, rows, peak memory."""

    wall_s: float
    cpu_s: float
    rows: int
    peak_rss_mb: float


@contextmanager
def _timed(clock: dict[str, float]) -> Iterator[None]:
    """Wall and CPU seconds of the block (CPU of every thread of the process: DuckDB's too)."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield
    clock.update(wall=time.perf_counter() - wall, cpu=cpu_seconds() - cpu)


def cpu_seconds() -> float:
    """CPU seconds of every thread of the process so far (DuckDB's too)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _engine(path: Path, clock: dict[str, float]) -> int:
    root = Path(tempfile.mkdtemp(prefix="salesdw-bench-"))
    try:
        ensure_raw_zone(Home(root))  # a new warehouse's one-time setup, not part of a load
        with _timed(clock):
            [result] = ingest_paths("zoho", [path], Home(root), date_format="%m/%d/%Y")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if result.status != "loaded":
        raise SystemExit(f"the engine did not load the export: {result.message}")
    return result.rows_loaded


def _duckdb(path: Path, clock: dict[str, float]) -> int:
    con = duckdb.connect()
    con.execute("set enable_progress_bar_print = false")
    try:
        with _timed(clock):
            con.execute("create table deals as select * from read_csv(?)", [str(path)])
        return con.execute("select count(*) from deals").fetchall()[0][0]
    finally:
        con.close()


def measure(side: str, path: Path) -> Run:
    """Run in a fresh process (see main), so that peak memory is this load's alone."""
    clock: dict[str, float] = {}
    rows = (_engine if side == "engine" else _duckdb)(path, clock)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / (1 << 20) if platform.system() == "Darwin" else peak / 1024  # macOS bytes, Linux KiB
    return Run(clock["wall"], clock["cpu"], rows, peak_mb)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS, help="file the figures are appended to")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    path = write_export(args.rows)
    size_mb = path.stat().st_size / 1e6
    pairs = []
    # one fresh process per load; engine and DuckDB alternate, so both meet the same machine load
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=1) as pool:
        for _ in range(args.repeat):
            pairs.append((pool.submit(measure, "engine", path).result(), pool.submit(measure, "duckdb", path).result()))
    engines, ducks = [e for e, _ in pairs], [d for _, d in pairs]
    if {r.rows for r in engines} != {r.rows for r in ducks}:
        raise SystemExit(f"row counts differ: engine {engines[0].rows}, duckdb {ducks[0].rows}")
    rows = engines[0].rows
    engine_s, duck_s = statistics.median(r.wall_s for r in engines), statistics.median(r.wall_s for r in ducks)
    engine_cpu, duck_cpu = statistics.median(r.cpu_s for r in engines), statistics.median(r.cpu_s for r in ducks)
    engine_rss, duck_rss = max(r.peak_rss_mb for r in engines), max(r.peak_rss_mb for r in ducks)
    ratio = statistics.median(d.wall_s / e.wall_s for e, d in pairs)
    cpu_ratio = statistics.median(d.cpu_s / e.cpu_s for e, d in pairs)
    print(f"file: {path} ({size_mb:.0f} MB, {rows:,} rows); medians of {args.repeat} alternating runs of each")
    print(f"ingest_paths:     {engine_s:6.2f} s  {rows / engine_s:12,.0f} rows/s  cpu {engine_cpu:5.2f} s  peak RSS {engine_rss:5.0f} MB")
    print(f"duckdb read_csv:  {duck_s:6.2f} s  {rows / duck_s:12,.0f} rows/s  cpu {duck_cpu:5.2f} s  peak RSS {duck_rss:5.0f} MB")
    print(f"ratio engine/duckdb (median of pairs): {ratio:.2f} (goal ≥ 0.50); by CPU time: {cpu_ratio:.2f}")
    if not args.results.exists():
        args.results.write_text(HEADER, encoding="utf-8")
    with args.results.open("a", encoding="utf-8") as fh:
        fh.write(
            f"| {dt.date.today()} | {rows:,} | {size_mb:.0f} MB | {rows / engine_s:,.0f} | {rows / duck_s:,.0f} | {ratio:.2f}"
            f" | {cpu_ratio:.2f} | {engine_rss:.0f} MB | {duck_rss:.0f} MB | duckdb {duckdb.__version__},"
            f" {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, {args.repeat} runs |\n"
        )


HEADER = """# Ingest throughput

`benchmarks/ingest_throughput.py`: a 1M-row Zoho Deals CSV export through `ingest_paths` (typed,
validated, written to Parquet, ledger recorded) against DuckDB's `read_csv` with auto-detected
types into a table. Rates are the median run of each; the ratio is the median over alternating
pairs of runs (a shared machine's load falls on both sides of a pair); the CPU ratio compares
the CPU seconds each side spent (DuckDB's threads included), which the machine's load disturbs
least. Peak RSS is the largest of each side's runs, each in its own process.

| date | rows | file | engine rows/s | duckdb rows/s | ratio | CPU ratio | engine peak RSS | duckdb peak RSS | notes |
|---|---|---|---|---|---|---|---|---|---|
"""


if __name__ == "__main__":
    main()
