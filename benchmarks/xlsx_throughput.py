"""XLSX ingest throughput: the engine (fastexcel) against openpyxl's read-only cell walk, the
reader the engine used before (its read loop alone, a lower bound of the old ingest's time).

Not a timed test: run by hand (``.venv/bin/python benchmarks/xlsx_throughput.py``). It writes a
Fxiaoke 跟进记录-like export (``benchmarks/data/``, kept out of git) with XlsxWriter, loads it
through :func:`ingestion.ingest_paths` into a throw-away warehouse, walks it with openpyxl, prints
rows/s of both and their ratio, and appends them to ``benchmarks/results/xlsx_throughput.md``. The goal of
issue 13: XLSX ingest at least 10× the openpyxl path. On a shared machine the wall-clock ratio
moves with the load; the CPU ratio (CPU seconds of each side, DuckDB's threads included) moves
least.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from pathlib import Path

import xlsxwriter
from openpyxl import load_workbook

from ingest_throughput import cpu_seconds
from ingestion import ingest_paths
from ingestion.raw_zone import ensure_raw_zone
from ingestion.settings import Home

HERE = Path(__file__).parent
DATA = HERE / "data"
RESULTS = HERE / "results" / "xlsx_throughput.md"
HEADERS = ["跟进类型", "跟进时间", "客户名称", "跟进内容", "负责人", "负责人所属部门", "创建人", "创建时间",
           "最后修改人", "最后修改时间", "生命状态"]
KINDS = ["电话", "拜访", "邮件", "微信"]


def write_export(rows: int) -> Path:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"fxiaoke_activities_{rows}.xlsx"
    if path.exists():
        return path
    partial = path.with_name(path.stem + ".partial.xlsx")
    book = xlsxwriter.Workbook(str(partial), {"constant_memory": True})
    sheet = book.add_worksheet("跟进记录")
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, HEADERS)
    start = dt.datetime(2024, 1, 1, 8, 0)
    for i in range(rows):
        at = start + dt.timedelta(seconds=97 * i)  # 200k rows span 7.5 months
        rep = f"销售{i % 57}"
        sheet.write_string(i + 1, 0, KINDS[i % 4])
        sheet.write_datetime(i + 1, 1, at, stamp)
        sheet.write_string(i + 1, 2, f"客户{i % 20011}有限公司")
        sheet.write_string(i + 1, 3, f"沟通项目进度 {i}")
        sheet.write_string(i + 1, 4, rep)
        sheet.write_string(i + 1, 5, f"华东{i % 3 + 1}组")
        sheet.write_string(i + 1, 6, rep)
        sheet.write_datetime(i + 1, 7, at, stamp)
        sheet.write_string(i + 1, 8, rep)
        sheet.write_datetime(i + 1, 9, at + dt.timedelta(minutes=5), stamp)
        sheet.write_string(i + 1, 10, "正常")
    book.close()
    partial.replace(path)
    return path


def engine(path: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and rows loaded."""
    root = Path(tempfile.mkdtemp(prefix="salesdw-bench-"))
    try:
        ensure_raw_zone(Home(root))
        began, cpu = time.perf_counter(), cpu_seconds()
        [result] = ingest_paths("fxiaoke", [path], Home(root))
        seconds, cpu = time.perf_counter() - began, cpu_seconds() - cpu
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if result.status != "loaded":
        raise SystemExit(f"the engine did not load the export: {result.message}")
    return seconds, cpu, result.rows_loaded


def openpyxl_walk(path: Path) -> tuple[float, float, int]:
    began, cpu = time.perf_counter(), cpu_seconds()
    book = load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in book.worksheets[0].iter_rows(min_row=2, values_only=True))
    book.close()
    return time.perf_counter() - began, cpu_seconds() - cpu, rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS, help="file the figures are appended to")
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args(argv)
    path = write_export(args.rows)
    engine_s, engine_cpu, rows = engine(path)
    walk_s, walk_cpu, walked = openpyxl_walk(path)
    if walked != rows:
        raise SystemExit(f"row counts differ: engine {rows}, openpyxl {walked}")
    ratio, cpu_ratio = walk_s / engine_s, walk_cpu / engine_cpu
    print(f"file: {path} ({path.stat().st_size / 1e6:.0f} MB, {rows:,} rows)")
    print(f"ingest_paths (fastexcel): {engine_s:6.2f} s  {rows / engine_s:10,.0f} rows/s  cpu {engine_cpu:6.2f} s")
    print(f"openpyxl read-only walk: {walk_s:6.2f} s  {rows / walk_s:10,.0f} rows/s  cpu {walk_cpu:6.2f} s")
    print(f"ratio: {ratio:.1f}×, by CPU time {cpu_ratio:.1f}× (goal ≥ 10× the openpyxl path, whose whole ingest was slower than its walk)")
    with args.results.open("a", encoding="utf-8") as fh:
        fh.write(f"| {dt.date.today()} | {rows:,} | {rows / engine_s:,.0f} | {rows / walk_s:,.0f} | {ratio:.1f}× | {cpu_ratio:.1f}×"
                 f" | {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} |\n")


if __name__ == "__main__":
    main()
