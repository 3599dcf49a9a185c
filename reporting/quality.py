"""The report's data-quality section: what the night loaded, rejected and quarantined (the
load ledger), what dbt warned about (the newest run's results), and which orders do not
reconcile with their lines (``marts.dq_reconciliation``, where the warehouse has it)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ingestion.ledger import loads_since
from reporting.sections import Column, Context, Kind, Section, Table

UNRECONCILED_SHOWN = 200


def _previous_publish(logs: Path) -> str | None:
    """The publish before the newest one: the night's loads are those after it."""
    path = logs / "publish.jsonl"
    if not path.exists():
        return None
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    publishes = [e["published_at"] for e in entries if "published_at" in e]  # rollbacks carry none
    return publishes[-2] if len(publishes) >= 2 else None


def _newest_run_results(logs: Path) -> dict | None:
    runs = sorted((logs / "dbt").glob("*/run_results.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(runs[-1].read_text(encoding="utf-8")) if runs else None


def _kind(series: pd.Series) -> Kind:
    if pd.api.types.is_integer_dtype(series):
        return "count"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    return "text"


def data_quality(ctx: Context) -> Section:
    loads = pd.DataFrame(
        loads_since(ctx.home, _previous_publish(ctx.home.logs)),
        columns=["loaded_at", "source", "entity", "file_name", "status", "rows_loaded", "rows_quarantined", "message"],
    )
    results = _newest_run_results(ctx.home.logs)
    warnings = pd.DataFrame(
        [(r["unique_id"], r["status"], (r.get("message") or "")[:300])
         for r in (results or {}).get("results", []) if r["status"] in ("warn", "fail", "error")],
        columns=["check", "status", "message"],
    )
    unreconciled, unreconciled_count = None, None
    if ctx.has_table("dq_reconciliation"):
        unreconciled = ctx.frame(f"select * from marts.dq_reconciliation limit {UNRECONCILED_SHOWN}")
        unreconciled_count = ctx.con.execute("select count(*) from marts.dq_reconciliation").fetchone()[0]
    summary = pd.DataFrame([
        ("files_loaded", int((loads["status"] == "loaded").sum())),
        ("files_rejected", int((loads["status"] == "rejected").sum())),
        ("rows_quarantined", int(loads["rows_quarantined"].fillna(0).sum())),
        ("dq_warnings", int((warnings["status"] == "warn").sum())),
        ("checks_failed", int(warnings["status"].isin(["fail", "error"]).sum())),
        ("dq_unreconciled", unreconciled_count),
    ], columns=["measure", "value"])
    summary["measure"] = [ctx.labels(m) for m in summary["measure"]]
    tables = [
        Table("dq_summary", "dq_summary", [Column("measure", "check", "text"), Column("value", "value", "count")], summary),
        Table("dq_loads", "dq_loads", [
            Column("file_name", "file", "text"), Column("source", "source", "text"), Column("entity", "entity", "text"),
            Column("status", "status", "text"), Column("rows_loaded", "rows_loaded", "count"),
            Column("rows_quarantined", "rows_quarantined", "count"), Column("message", "message", "text")], loads),
        Table("dq_warnings", "dq_warnings", [
            Column("check", "check", "text"), Column("status", "status", "text"), Column("message", "message", "text")],
            warnings),
    ]
    if unreconciled is not None:
        tables.append(Table("dq_unreconciled", "dq_unreconciled",
                            [Column(c, c, _kind(unreconciled[c])) for c in unreconciled.columns], unreconciled))
    return Section("data_quality", "data_quality", tables=tables)
