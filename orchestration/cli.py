"""`salesdw`: the command line of the warehouse.

Exit codes: 0 success; 1 data problem (a rejected file, a failed check; with --strict any
quarantined row) — the published warehouse is left as it was; 2 usage error; 3 another salesdw
command is writing the same SALESDW_HOME (`ingest`, `build`, `run`, `demo` and `rollback` take
its writer lock) — nothing was done.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from ingestion.settings import Home, environment

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


def execute(job_name: str, landing: str | None = None, log_level: str | None = None, verbose: bool = True):
    """Execute a job of the one `Definitions` in process, on a persistent local instance so
    that run history and freshness checks survive between runs.

    Not verbose (the commands' default), dbt's log goes to ``logs/runs/`` and a terminal shows a
    progress line per phase and a summary at the end."""
    home = _home()
    # the ingestion resource reads the landing folder from the environment, for this run only
    with environment({"SALESDW_LANDING": str(Path(landing).resolve())} if landing else {}):
        return _execute(home, job_name, log_level, verbose)


def _execute(home: Home, job_name: str, log_level: str | None, verbose: bool):
    from dagster import AssetCheckSeverity
    from dagster._core.utils import make_new_run_id

    from ingestion.raw_zone import ensure_raw_zone
    from orchestration.console import summary, watched_run
    from orchestration.dbt.warnings import build_warnings
    from orchestration.automation.sensors import failure_alert, root_cause, write_alert
    from orchestration.definitions import defs
    from orchestration.instance import local_instance
    from orchestration.publish.assets import PUBLISHED_KEY

    ensure_raw_zone(home)
    instance = local_instance(home)
    run_id = make_new_run_id()
    _log_run(home, {"job": job_name, "run_id": run_id, "event": "started"})  # a killed run still shows
    started_at = dt.datetime.now(dt.timezone.utc)
    try:
        level = log_level or os.environ.get("SALESDW_LOG_LEVEL", "ERROR")
        with watched_run(home.logs, verbose) as (_, log_path):
            result = defs.resolve_job_def(job_name).execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": level.upper()}}, "progress": {}}},
                run_id=run_id,
            )
    finally:
        instance.dispose()
    print(summary(result, home, started_at, log_path))
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
        failed_steps = [(e.step_key, root_cause(e.event_specific_data.error)) for e in result.all_events if e.is_step_failure]
        failed_checks = [(f"check {c.asset_key.to_user_string()} {c.check_name}", "failed")
                         for c in result.get_asset_check_evaluations() if not c.passed and c.severity != AssetCheckSeverity.WARN]
        write_alert(home, failure_alert(home, result.run_id, job_name, failed_steps + failed_checks, started_at.isoformat()))
    published = [e.materialization.metadata["version"].value for e in result.get_asset_materialization_events()
                 if e.asset_key == PUBLISHED_KEY]
    _log_run(home, {"job": job_name, "run_id": run_id, "event": "finished", "success": result.success,
                    "published_version": published[0] if published else None, "warnings": warnings})
    return result


def run_job(job_name: str, landing: str | None = None, log_level: str | None = None, verbose: bool = True,
            force: bool = False) -> bool:
    """Run a job in process; ``force`` builds even when nothing changed since the published
    version (the build asset reads SALESDW_FORCE_BUILD through WarehouseResource.build_forced)."""
    with environment({"SALESDW_FORCE_BUILD": "1"} if force else {}):
        return execute(job_name, landing, log_level, verbose).success


def _log_run(home: Home, fields: dict) -> None:
    """runs.jsonl: a line when a run starts and one when it ends (with its warnings); a start
    with no end is a run that was killed."""
    home.logs.mkdir(parents=True, exist_ok=True)
    entry = {"at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), **fields}
    with (home.logs / "runs.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


def cmd_run(args: argparse.Namespace) -> int:
    return _finish(run_job("nightly", args.landing, args.log_level, args.verbose, force=args.force))


def cmd_build(args: argparse.Namespace) -> int:
    return _finish(run_job("build", log_level=args.log_level, verbose=args.verbose, force=args.force))


def _finish(ok: bool) -> int:
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
    print("recent runs:")
    recent = _runs(home)[-args.limit:]
    for run in recent:
        print(f"  {run['at']}  {run['job']:8} {run['outcome']:11}  {run['run_id']}  warnings={len(run['warnings'])}")
    finished = [run for run in recent if run["outcome"] != "running"]
    for warning in finished[-1]["warnings"] if finished else []:
        print(f"  {warning}")
    from orchestration.publish.warehouse import current_version

    version = current_version(home)
    print(f"published: {home.published_db} (version {version})" if version else
          f"published: {home.published_db if home.published_db.exists() else 'not yet'}")
    return 0


def _runs(home: Home) -> list[dict]:
    """Each run once, with its outcome: success, FAILED, or INTERRUPTED when it started and
    never finished (killed) — unless it is the run writing now."""
    from orchestration.writer_lock import writer_holder

    writing = writer_holder(home) is not None
    path = home.logs / "runs.jsonl"
    runs: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        entry = json.loads(line)
        success = entry.get("success")
        outcome = "started" if entry.get("event") == "started" else "success" if success else "FAILED"
        runs[entry["run_id"]] = {**runs.get(entry["run_id"], {"at": entry["at"]}), "job": entry["job"],
                                 "run_id": entry["run_id"], "outcome": outcome,
                                 "warnings": entry.get("warnings", [])}
    ordered = list(runs.values())
    for index, run in enumerate(ordered):
        if run["outcome"] == "started":
            run["outcome"] = "running" if writing and index == len(ordered) - 1 else "INTERRUPTED"
    return ordered


def cmd_rollback(args: argparse.Namespace) -> int:
    """BI back on the version published before the current one."""
    from orchestration.publish.warehouse import rollback

    home = _home()
    try:
        version = rollback(home)
    except RuntimeError as exc:
        print(f"salesdw rollback: {exc}", file=sys.stderr)
        return 1
    print(f"{home.published_db} is version {version} again (the newer versions are kept until pruned)")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    home = _home()
    args.out = str(home.landing)
    cmd_demo_data(args)
    ok = run_job("nightly", log_level=args.log_level, verbose=args.verbose)
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


def cmd_report(args: argparse.Namespace) -> int:
    """The HTML KPI report and the Excel pack from the published warehouse."""
    from reporting import build_reports

    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
        files = build_reports(_home(), as_of=as_of, lang=args.lang)
    except (FileNotFoundError, ValueError) as exc:
        print(f"salesdw report: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, ValueError) else 1
    print(f"report:     {files.html}\nExcel pack: {files.excel}\nlatest:     {files.latest_html}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    """Copy the published marts into Postgres, in one transaction."""
    import psycopg

    from orchestration.dbt.project import ensure_manifest
    from orchestration.publish.postgres import publish_to_postgres

    try:
        publication = publish_to_postgres(_home(), args.to, ensure_manifest(), schema=args.schema)
    except FileNotFoundError as exc:
        print(f"salesdw publish: {exc}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"salesdw publish: Postgres refused the copy, nothing changed there: {exc}".strip(), file=sys.stderr)
        return 1
    rows = sum(publication.tables.values())
    print(f"{len(publication.tables)} marts ({rows:,} rows) in Postgres schema {publication.schema}")
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
    for command in (build, run):
        command.add_argument("--force", action="store_true",
                             help="build even when nothing changed since the published version (sets SALESDW_FORCE_BUILD)")
    for command in (build, run, sub.choices["demo"]):
        command.add_argument("--log-level", help="Dagster log level on the terminal: DEBUG, INFO, WARNING, ERROR (default $SALESDW_LOG_LEVEL or ERROR; every level is in the run log of Dagster)")
        command.add_argument("--verbose", action="store_true", help="print dbt's whole log (always in $SALESDW_HOME/logs/runs/)")
    status = sub.add_parser("status", help="what was loaded and when, and the last runs")
    status.add_argument("--limit", type=int, default=20)
    query = sub.add_parser("query", help="run one SQL query on the published warehouse (read-only)")
    query.add_argument("sql")
    query.add_argument("--max-rows", type=int, default=40)
    report = sub.add_parser("report", help="HTML KPI report and Excel pack from the published warehouse")
    report.add_argument("--as-of", help="report the periods that contain this date (YYYY-MM-DD; default: the data's as-of)")
    report.add_argument("--lang", choices=["zh", "en"], help="labels (default $SALESDW_REPORT_LANG or zh)")
    publish = sub.add_parser("publish", help="copy the published marts into Postgres (one transaction)")
    publish.add_argument("--to", required=True, help="postgresql://user@host:port/database (password from PGPASSWORD or ~/.pgpass)")
    publish.add_argument("--schema", default="marts", help="target schema (default marts)")
    sub.add_parser("docs", help="generate the dbt docs catalog")
    sub.add_parser("rollback", help="point sales.duckdb and the export back at the previously published version")
    return p


COMMANDS = {
    "demo-data": cmd_demo_data, "ingest": cmd_ingest, "build": cmd_build, "run": cmd_run,
    "status": cmd_status, "demo": cmd_demo, "query": cmd_query, "report": cmd_report, "publish": cmd_publish,
    "docs": cmd_docs, "rollback": cmd_rollback,
}


WRITERS = {"ingest", "build", "run", "demo", "rollback"}  # commands that take the home's writer lock
EXIT_BUSY = 3


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command not in WRITERS:
        return COMMANDS[args.command](args)
    from orchestration.writer_lock import WriterBusy, writer_lock

    try:
        with writer_lock(_home(), args.command):
            return COMMANDS[args.command](args)
    except WriterBusy as exc:
        print(f"salesdw {args.command}: {exc}", file=sys.stderr)
        return EXIT_BUSY


if __name__ == "__main__":
    sys.exit(main())
