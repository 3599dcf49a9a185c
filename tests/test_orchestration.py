"""The Dagster project, run for real: definitions, the nightly job in process, blocking checks,
write-audit-publish, the schedule and the sensors."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from dagster import (
    AssetKey,
    DagsterInstance,
    RunRequest,
    SkipReason,
    build_sensor_context,
)

from ingestion import ingest_paths
from ingestion.settings import Home

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


def _published_rows(home: Home) -> dict[str, int]:
    con = duckdb.connect(str(home.published_db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()]
        return {t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def test_asset_graph_is_one_piece(defs):
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"raw/zoho/deals", "raw/fxiaoke/orders", "raw/sheets/targets"} <= keys
    assert "marts/fct_order_lines" in keys and "published/sales_duckdb" in keys
    staging_deals = next(k for k in graph.get_all_asset_keys() if k.path[-1] == "stg_zoho__deals")
    upstream = {k.to_user_string() for k in graph.get(staging_deals).parent_keys}
    assert "raw/zoho/deals" in upstream, "dbt sources must point at the ingestion assets"
    # the canonical CRMs' tables, read by dbt as one source, come after each CRM's ingestion
    crm_staging = next(k for k in graph.get_all_asset_keys() if k.path[-1] == "stg_crm__opportunities")
    assert "raw/crm/opportunities" in {k.to_user_string() for k in graph.get(crm_staging).parent_keys}
    assert {k.to_user_string() for k in graph.get(AssetKey(["raw", "crm", "opportunities"])).parent_keys} == {
        "raw/salesforce/opportunities", "raw/hubspot/opportunities"}


def test_checks_cover_every_raw_entity(defs):
    from ingestion.profiles import profiles_for

    graph = defs.resolve_asset_graph()
    check_keys = graph.asset_check_keys
    gx_assets = {c.asset_key for c in check_keys if c.name == "gx_raw_suite"}
    for source in ("zoho", "fxiaoke", "sheets"):
        for profile in profiles_for(source):
            assert AssetKey(["raw", source, profile.entity]) in gx_assets
    assert any(c.asset_key.path[0] in {"marts", "staging"} and c.name.startswith(("not_null", "unique")) for c in check_keys), (
        "dbt tests must surface as asset checks"
    )


def test_schedule_runs_nightly_in_shanghai_time(defs):
    schedule = defs.resolve_schedule_def("nightly_warehouse")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.job_name == "nightly"


def test_raw_marts_and_published_must_be_fresh_within_26_hours(defs):
    import datetime as dt

    graph = defs.resolve_asset_graph()
    for key in ("raw/zoho/deals", "marts/fct_order_lines", "published/sales_duckdb"):
        policy = graph.get(AssetKey.from_user_string(key)).freshness_policy
        assert policy is not None, f"{key} has no freshness policy"
        assert policy.fail_window.to_timedelta() == dt.timedelta(hours=26)
    assert graph.get(AssetKey.from_user_string("staging/stg_zoho__deals")).freshness_policy is None


def test_landing_sensor_triggers_once_per_file(home: Home, tmp_path: Path):
    from orchestration.automation.sensors import landing_sensor

    export = home.landing / "sheets" / "fx_rates.csv"
    export.parent.mkdir(parents=True)
    export.write_text("Month,Currency,Rate To CNY\n2025-01,USD,7.2\n", encoding="utf-8")
    instance = DagsterInstance.ephemeral()
    first = landing_sensor(build_sensor_context(instance=instance))
    assert isinstance(first, RunRequest)
    assert first.run_key
    ingest_paths("sheets", [export], home)
    second = landing_sensor(build_sensor_context(instance=instance))
    assert isinstance(second, SkipReason), "a file already in the ledger must not trigger a run"


def test_nightly_run_materializes_and_checks_everything(published: Home, defs):
    instance_dir = published.root / "dagster"
    assert published.published_db.exists()
    rows = _published_rows(published)
    assert rows["fct_order_lines"] > 0
    assert set(rows) >= {"fct_order_lines", "dim_rep", "dim_customer", "dim_date", "fct_opportunities"}
    con = duckdb.connect(str(published.published_db), read_only=True)
    try:
        schemas = {r[0] for r in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
    finally:
        con.close()
    assert schemas == {"marts"}, "the published file holds exactly the public marts"
    assert sorted(p.name for p in published.export.glob("*.parquet")) == sorted(f"{t}.parquet" for t in rows)
    instance = DagsterInstance.local_temp(tempdir=str(instance_dir))
    try:
        graph = defs.resolve_asset_graph()
        for key in graph.get_all_asset_keys():
            if graph.get(key).is_materializable:
                assert instance.get_latest_materialization_event(key) is not None, f"{key.to_user_string()} not materialized"
        for check_key in graph.asset_check_keys:
            if check_key.name == "gx_raw_suite":
                record = instance.event_log_storage.get_latest_asset_check_execution_by_key([check_key]).get(check_key)
                assert record is not None, f"{check_key} did not run"
    finally:
        instance.dispose()


def test_corrupted_raw_table_blocks_publish(copied_home: Home):
    from orchestration.cli import execute

    before = _published_rows(copied_home)
    before_bytes = copied_home.published_db.read_bytes()
    deals = copied_home.raw / "zoho" / "deals"
    newest = sorted(p for p in deals.glob("*.parquet") if not p.name.startswith("_"))[-1]
    corrupted = newest.with_name("corrupted.tmp")  # a recorded load whose file went bad in place
    con = duckdb.connect()
    con.execute(
        f"copy (select * replace (cast(null as varchar) as record_id) from read_parquet('{newest.as_posix()}')) "
        f"to '{corrupted.as_posix()}' (format parquet)"
    )
    con.close()
    corrupted.replace(newest)
    result = execute("nightly")
    assert not result.success
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    assert [c.asset_key.to_user_string() for c in failed] == ["raw/zoho/deals"]
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert "raw/zoho/deals" in materialized
    assert not any(k.startswith(("staging/", "marts/", "published/")) for k in materialized), "downstream must be skipped"
    assert copied_home.published_db.read_bytes() == before_bytes, "a failed run must leave the published file as it was"
    assert _published_rows(copied_home) == before
    assert "raw/zoho/deals" in (copied_home.logs / "alerts.log").read_text(encoding="utf-8")
    assert list((copied_home.logs / "gx" / result.run_id).glob("zoho.deals.json")), "GX results are kept per run"


def test_readers_are_never_blocked_by_publish(copied_home: Home):
    from orchestration.publish.warehouse import publish

    reader = duckdb.connect(str(copied_home.published_db), read_only=True)
    try:
        before = reader.execute("select count(*) from marts.fct_order_lines").fetchone()[0]
        publication = publish(copied_home)
        assert reader.execute("select count(*) from marts.fct_order_lines").fetchone()[0] == before
    finally:
        reader.close()
    assert publication.tables["fct_order_lines"] == before
    fresh = duckdb.connect(str(copied_home.published_db), read_only=True)
    try:
        assert fresh.execute("select count(*) from marts.fct_order_lines").fetchone()[0] == before
    finally:
        fresh.close()


def test_run_failure_sensor_writes_an_alert(home: Home):
    from dagster import DagsterEventType, build_run_status_sensor_context, job, op

    from orchestration.automation.sensors import run_failure_alert

    @op
    def broken():
        raise RuntimeError("export share unreachable")

    @job
    def failing():
        broken()

    instance = DagsterInstance.ephemeral()
    result = failing.execute_in_process(instance=instance, raise_on_error=False)
    failure = next(e for e in result.all_events if e.event_type == DagsterEventType.RUN_FAILURE)
    context = build_run_status_sensor_context(
        sensor_name="run_failure_alert", dagster_instance=instance, dagster_run=result.dagster_run, dagster_event=failure
    ).for_run_failure()
    run_failure_alert(context)
    alert = (home.logs / "alerts.log").read_text(encoding="utf-8")
    assert result.run_id in alert and "failing" in alert
    assert "failed steps: broken: RuntimeError: export share unreachable" in alert, alert


def test_alert_is_posted_to_the_configured_webhook(home: Home, monkeypatch: pytest.MonkeyPatch):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from orchestration.automation.sensors import write_alert

    received: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    monkeypatch.setenv("SALESDW_ALERT_WEBHOOK", f"http://127.0.0.1:{server.server_port}/alerts")
    try:
        write_alert(home, "nightly failed: check raw/zoho/deals")
        thread.join(timeout=10)
    finally:
        server.server_close()
    assert [r["message"] for r in received] == ["nightly failed: check raw/zoho/deals"]


def test_dagster_loads_the_code_location():
    """What `dagster dev -m orchestration.definitions` loads, checked by Dagster's own CLI."""
    import subprocess
    import sys

    dagster = Path(sys.executable).with_name("dagster")
    done = subprocess.run([str(dagster), "definitions", "validate", "-m", "orchestration.definitions"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_dbt_that_dagster_starts_tells_its_version_without_starting_dbt(defs):
    """dagster-dbt reads the executable's version before every invocation; the wrapper answers it
    from dbt-core's metadata (dbt's own answer costs 5 s and a call to PyPI)."""
    import subprocess
    from importlib import metadata

    from packaging import version

    executable = defs.resources["dbt"].dbt_executable
    out = subprocess.run([executable, "--version"], capture_output=True, text=True, check=True, timeout=60).stdout
    assert out == f"Core:\n  - installed: {metadata.version('dbt-core')}\n", "the wrapper's answer, not dbt's"
    assert defs.resources["dbt"]._cli_version == version.parse(metadata.version("dbt-core"))


def test_dbt_invocations_open_no_adapter_and_still_run(defs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """dagster-dbt opens a dbt adapter before every invocation for metadata the build does not
    fetch (1.5 s of start-up): the resource skips it, and dbt still runs and streams its events.
    Fails if a dagster-dbt upgrade renames the hook the resource overrides."""
    from dagster_dbt import DbtCliResource

    from orchestration.dbt.project import SalesdwDbtCli

    assert "_initialize_dbt_core_adapter" in vars(DbtCliResource), "dagster-dbt no longer has the hook"
    resource = defs.resources["dbt"]
    assert isinstance(resource, SalesdwDbtCli)
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path))
    (tmp_path / "build").mkdir()
    invocation = resource.cli(["ls", "--select", "fct_order_lines", "--target-path", str(tmp_path / "target")],
                              raise_on_error=True)
    events = [str(event.raw_event) for event in invocation.stream_raw_events()]
    assert invocation.adapter is None
    assert invocation.is_successful()
    assert any("salesdw.marts.fct_order_lines" in event for event in events), "dbt listed the model"


def test_dbt_assets_are_those_dagster_dbt_selects(defs, monkeypatch: pytest.MonkeyPatch):
    """The default selection read from the manifest's nodes (1.2 s less at every start-up) gives
    the assets and checks that dagster-dbt's own evaluation through dbt's selector gives; a
    narrower selection still goes through dbt's selector."""
    import json

    import dagster_dbt.asset_utils
    from dagster_dbt.asset_utils import build_dbt_specs
    from dagster_dbt.utils import select_unique_ids

    from orchestration.dbt.project import ensure_manifest, translator

    manifest = json.loads(ensure_manifest().read_text(encoding="utf-8"))

    def specs(select: str) -> tuple[set, set]:
        assets, checks = build_dbt_specs(translator=translator, manifest=manifest, select=select, exclude="",
                                         selector="", io_manager_key=None, project=None)
        return {a.key for a in assets}, {c.key for c in checks}

    ours = specs("fqn:*")
    narrow = specs("fct_order_lines")
    monkeypatch.setattr(dagster_dbt.asset_utils, "select_unique_ids", select_unique_ids)
    assert ours == specs("fqn:*")
    assert narrow == specs("fct_order_lines") == ({AssetKey(["marts", "fct_order_lines"])}, narrow[1])
    assert len(ours[0]) > 100 and len(ours[1]) > 300
    assert AssetKey(["marts", "fct_order_lines"]) in defs.resolve_asset_graph().get_all_asset_keys()


def test_cli_usage_error_exits_2():
    from orchestration.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-command"])
    assert exit_info.value.code == 2


def test_build_job_runs_on_the_multiprocess_executor(copied_home: Home, tmp_path: Path):
    """As the daemon or the UI launch it: each step in its own process, the result published."""
    import subprocess
    import sys

    dagster = Path(sys.executable).with_name("dagster")
    env = {**os.environ, "SALESDW_HOME": str(copied_home.root), "DAGSTER_HOME": str(tmp_path / "dagster_home"),
           "SALESDW_FORCE_BUILD": "1"}
    (tmp_path / "dagster_home").mkdir()
    before = copied_home.logs.joinpath("publish.jsonl").read_text(encoding="utf-8").count("\n")
    done = subprocess.run([str(dagster), "job", "execute", "-m", "orchestration.definitions", "-j", "build"],
                          env=env, capture_output=True, text=True, timeout=900)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    assert "Executing steps using multiprocess executor" in log
    assert 'Executing step "salesdw_dbt_assets" in subprocess' in log
    assert copied_home.logs.joinpath("publish.jsonl").read_text(encoding="utf-8").count("\n") == before + 1


def test_an_alert_names_the_failed_step_and_the_rejected_files(home: Home, tmp_path: Path):
    from orchestration.automation.sensors import failure_alert

    started = "2000-01-01T00:00:00+00:00"
    garbage = tmp_path / "Deals.csv"
    garbage.write_bytes(b"\x00\x01binary\x00")
    [result] = ingest_paths("zoho", [garbage], home)
    assert result.status == "rejected"
    text = failure_alert(home, "r1", "nightly", [("salesdw_dbt_assets", "dbt build failed")], started)
    assert text.startswith("run r1 of nightly failed; failed steps: salesdw_dbt_assets: dbt build failed")
    assert "rejected files: Deals.csv: " in text
