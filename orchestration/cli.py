"""`salesdw`: the command line of the warehouse.

Exit codes: 0 success; 1 data problem (a rejected file, a failed check; with --strict any
quarantined row) — the published warehouse is left as it was; 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from ingestion.settings import Home

EXAMPLE_QUERIES = [
    "select region_name, sum(revenue_cny) as revenue_cny from marts.fct_order_lines where not is_cancelled group by 1 order by 2 desc",
    "select period_start, scope_name, actual, target, attainment, rank_in_peers from marts.kpi_attainment"
    " where period_grain = 'quarter' and scope_type = 'region' and metric = 'revenue' order by period_start desc, rank_in_peers limit 8",
    "select scope_name, kpi, actual, target, last_year, internal_best, peer_median, external_benchmark from marts.kpi_benchmark"
    " where period_grain = 'year' and period_start = date '2025-01-01' and scope_type = 'region' order by kpi, scope_name",
    "select table_name from information_schema.tables where table_schema = 'marts' order by 1",
]


def _home() -> Home:
    home = Home.from_env()
    os.environ["SALESDW_HOME"] = str(home.root)  # dbt (a subprocess) reads the same home
    return home


def cmd_demo_data(args: argparse.Namespace) -> int:
    from demo import generate

    manifest = generate(Path(args.out), scale=args.scale, seed=args.seed)
    print(f"demo exports written to {Path(args.out).resolve()}")
    print(manifest)
    return 0


def progress_bar(event) -> None:
    """One line per file on a terminal, redrawn in place: step and share done."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = int(width * (event.fraction or 0))
    bar = "#" * filled + "." * (width - filled) if event.fraction is not None else " " * width
    end = "\n" if event.step == "done" else ""
    print(f"\r{event.path.name[:40]:40} [{bar}] {event.step:8}", end=end, file=sys.stderr, flush=True)


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingestion import ingest_paths
    from ingestion.load import LOAD_ORDER
    from ingestion.profiles import ProfileError

    try:
        results = ingest_paths(
            args.source, [Path(p) for p in args.paths], _home(),
            full_export=args.full, accept_deletions=args.accept_deletions, date_format=args.date_format, entity=args.entity,
            progress=progress_bar,
        )
    except ProfileError as exc:
        print(f"salesdw ingest: {exc}", file=sys.stderr)
        return 2
    for r in results:
        print(f"{r.status:9} {r.path}  entity={r.entity or '-'} read={r.rows_read} loaded={r.rows_loaded} "
              f"quarantined={r.rows_quarantined}")
        if r.status == "rejected":
            print(f"          {r.message}")
        if r.versions_by == LOAD_ORDER:
            print("          no modified-time column: versions of a record are ordered by load (the ledger says so)")
        if r.rows_deleted:
            print(f"          full export of {r.entity}: {r.rows_deleted} records absent, marked deleted")
        for q in r.quarantine[: args.show]:
            print(f"          quarantined: {q}")
        if len(r.quarantine) > args.show:
            print(f"          … {len(r.quarantine) - args.show} more in the quarantine (salesdw status)")
        if r.columns_extra:
            print(f"          new columns kept in _extra: {', '.join(r.columns_extra)}")
    if not results:
        print("no export files found", file=sys.stderr)
        return 1
    rejected = any(r.status == "rejected" for r in results)
    quarantined = any(r.rows_quarantined for r in results)
    return 1 if rejected or (args.strict and quarantined) else 0


def execute(job_name: str, landing: str | None = None, log_level: str | None = None):
    """Execute a job of the one `Definitions` in process, on a persistent local instance so
    that run history and freshness checks survive between runs."""
    home = _home()
    if landing:
        os.environ["SALESDW_LANDING"] = str(Path(landing).resolve())
    from dagster import AssetCheckSeverity, DagsterInstance

    from ingestion.raw_zone import ensure_raw_zone
    from orchestration.dbt.warnings import build_warnings
    from orchestration.automation.sensors import write_alert
    from orchestration.definitions import defs

    ensure_raw_zone(home)
    if os.environ.get("DAGSTER_HOME"):
        instance = DagsterInstance.get()
    else:
        (home.root / "dagster").mkdir(parents=True, exist_ok=True)
        instance = DagsterInstance.local_temp(tempdir=str(home.root / "dagster"))
    try:
        level = log_level or os.environ.get("SALESDW_LOG_LEVEL", "WARNING")
        result = defs.resolve_job_def(job_name).execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": level.upper()}}}},
        )
    finally:
        instance.dispose()
    problems = [
        f"step failed: {e.step_key}: {e.event_specific_data.error.message.strip()[:500]}"
        for e in result.all_events if e.is_step_failure
    ] + [
        f"check failed: {c.asset_key.to_user_string()} {c.check_name}: {dict(c.metadata)}"[:800]
        for c in result.get_asset_check_evaluations() if not c.passed and c.severity != AssetCheckSeverity.WARN
    ]
    for problem in problems:
        print(problem, file=sys.stderr)
    # A warning (an unknown code, an unmapped region) is printed as one, never as a failed check.
    warnings = build_warnings(home, result.run_id)
    for warning in warnings:
        print(warning, file=sys.stderr)
    if not result.success:
        # In process there is no daemon to run the run-failure sensor: alert here instead.
        write_alert(home, f"run {result.run_id} of {job_name} failed: " + "; ".join(problems)[:2000])
    _log_run(home, job_name, result.run_id, result.success, warnings)
    return result


def run_job(job_name: str, landing: str | None = None, log_level: str | None = None) -> bool:
    return execute(job_name, landing, log_level).success


def _log_run(home: Home, job: str, run_id: str, success: bool, warnings: list[str]) -> None:
    home.logs.mkdir(parents=True, exist_ok=True)
    entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "job": job, "run_id": run_id,
             "success": success, "warnings": warnings}
    with (home.logs / "runs.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


def cmd_run(args: argparse.Namespace) -> int:
    ok = run_job("nightly", args.landing, args.log_level)
    print(_outcome(ok))
    return 0 if ok else 1


def cmd_build(args: argparse.Namespace) -> int:
    ok = run_job("build", log_level=args.log_level)
    print(_outcome(ok))
    return 0 if ok else 1


def _outcome(ok: bool) -> str:
    home = Home.from_env()
    if ok:
        return f"published {home.published_db}"
    return f"run failed: the published warehouse {home.published_db} was left as it was"


def cmd_status(args: argparse.Namespace) -> int:
    from ingestion.ledger import recent_loads

    home = _home()
    print(f"SALESDW_HOME={home.root}")
    print("recent loads:")
    for loaded_at, source, entity, name, status, loaded, quarantined, message, deleted, full in recent_loads(home, args.limit):
        print(f"  {loaded_at[:19]}  {status:8} {source}/{entity or '-'}  {name}  {'full' if full else 'incremental'}"
              f"  loaded={loaded} quarantined={quarantined} deleted={deleted}"
              + (f"  {message}" if status != "loaded" else ""))
    runs = home.logs / "runs.jsonl"
    print("recent runs:")
    recent = [json.loads(line) for line in (runs.read_text(encoding="utf-8").splitlines()[-args.limit:] if runs.exists() else [])]
    for run in recent:
        print(f"  {run['at']}  {run['job']:8} {'success' if run['success'] else 'FAILED'}  {run['run_id']}"
              f"  warnings={len(run.get('warnings', []))}")
    for warning in recent[-1].get("warnings", []) if recent else []:
        print(f"  {warning}")
    print(f"published: {home.published_db if home.published_db.exists() else 'not yet'}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    home = _home()
    args.out = str(home.landing)
    cmd_demo_data(args)
    ok = run_job("nightly", log_level=args.log_level)
    if not ok:
        print(_outcome(ok))
        return 1
    import duckdb

    con = duckdb.connect(str(home.published_db), read_only=True)
    try:
        print(f"\nThe warehouse is published at {home.published_db} (schema marts). Try:")
        for query in EXAMPLE_QUERIES:
            print(f"\n  .venv/bin/salesdw query \"{query}\"")
        total = con.execute("select sum(revenue_cny) from marts.fct_order_lines where not is_cancelled").fetchone()[0]
        print(f"\nRevenue of the demo company: {total:,.2f} CNY")
    finally:
        con.close()
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """One SQL query on the published warehouse, read-only, as a BI tool would open it."""
    import duckdb

    home = _home()
    if not home.published_db.exists():
        print(f"salesdw query: {home.published_db} is not published yet (salesdw run)", file=sys.stderr)
        return 1
    con = duckdb.connect(str(home.published_db), read_only=True)
    try:
        con.sql(args.sql).show(max_rows=args.max_rows, max_width=200)
    except duckdb.Error as exc:
        print(f"salesdw query: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from dbt.cli.main import dbtRunner

    from orchestration.dbt.project import DBT_PROJECT_DIR

    _home()
    result = dbtRunner().invoke(["docs", "generate", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)])
    print(f"catalog: {DBT_PROJECT_DIR / 'target' / 'index.html'}")
    return 0 if result.success else 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="salesdw", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    demo_data = sub.add_parser("demo-data", help="write the demo company's CRM exports")
    demo_data.add_argument("--out", required=True)
    for command in (demo_data, sub.add_parser("demo", help="demo exports → run → published warehouse")):
        command.add_argument("--scale", type=float, default=1.0)
        command.add_argument("--seed", type=int, default=42)

    ingest = sub.add_parser("ingest", help="load export files into the raw zone")
    ingest.add_argument("source", help="zoho, zoho-api, fxiaoke, targets, market, sheets, or a mapping file (.yml)")
    ingest.add_argument("paths", nargs="+", help="files or folders")
    ingest.add_argument("--strict", action="store_true", help="exit 1 when any row is quarantined")
    kind = ingest.add_mutually_exclusive_group()
    kind.add_argument("--full", action="store_true",
                      help="the files hold every record of their entity: records absent from them are marked deleted")
    kind.add_argument("--incremental", action="store_true",
                      help="the default: the files hold some records; nothing is marked deleted")
    ingest.add_argument("--accept-deletions", action="store_true",
                        help="with --full: accept that it deletes more than SALESDW_MAX_DELETE_SHARE of an entity's records")
    ingest.add_argument("--date-format", help="day-month order of the export, e.g. %%d/%%m/%%Y (default: detected, else the profile's)")
    ingest.add_argument("--entity", help="force the entity when headers fit several")
    ingest.add_argument("--show", type=int, default=20, help="quarantined rows to print per file")

    build = sub.add_parser("build", help="dbt build, checks and publish over the raw zone")
    run = sub.add_parser("run", help="the whole nightly job in process: ingest → build → checks → publish")
    run.add_argument("--landing", help="folder with <source>/ subfolders (default $SALESDW_HOME/landing)")
    for command in (build, run, sub.choices["demo"]):
        command.add_argument("--log-level", help="Dagster log level: DEBUG, INFO, WARNING (default $SALESDW_LOG_LEVEL or WARNING)")
    status = sub.add_parser("status", help="what was loaded and when, and the last runs")
    status.add_argument("--limit", type=int, default=20)
    query = sub.add_parser("query", help="run one SQL query on the published warehouse (read-only)")
    query.add_argument("sql")
    query.add_argument("--max-rows", type=int, default=40)
    sub.add_parser("docs", help="generate the dbt docs catalog")
    return p


COMMANDS = {
    "demo-data": cmd_demo_data, "ingest": cmd_ingest, "build": cmd_build, "run": cmd_run,
    "status": cmd_status, "demo": cmd_demo, "query": cmd_query, "docs": cmd_docs,
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
