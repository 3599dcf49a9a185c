"""Every dbt model, seed and snapshot as a Dagster asset; every dbt test as an asset check."""

import logging
import os

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, dbt_assets

from ingestion.settings import build_engine_env
from orchestration.dbt.inputs import (
    FULL_REFRESH_FILE,
    build_inputs,
    forget_built_inputs,
    full_refresh_reason,
    record_built_inputs,
    unchanged_since,
)
from orchestration.dbt.project import ensure_manifest, translator
from orchestration.publish.warehouse import published_inputs
from orchestration.resources import WarehouseResource


class _SkippedBuildChecks(logging.Filter):
    """A skipped build emits no check results by design; Dagster warns once per blocking check."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "emitted no result in step 'salesdw_dbt_assets'" not in record.getMessage()


logging.getLogger("dagster._core.execution.plan.active").addFilter(_SkippedBuildChecks())


@dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=translator)
def salesdw_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    home = warehouse.paths
    home.build_db.parent.mkdir(parents=True, exist_ok=True)
    inputs = build_inputs(home)
    # Nothing new since the published version (same raw zone, code and settings): building would
    # reproduce it. No asset materializes, so publish and the report are skipped and it stands.
    if not warehouse.build_forced and unchanged_since(published_inputs(home), inputs, home.build_db):
        context.log.info("nothing new since the published version: dbt build skipped")
        return
    os.environ.update(build_engine_env())  # read by profiles.yml in the dbt process
    forget_built_inputs(home)
    # Each run's dbt artifacts (run_results, compiled SQL, dbt.log) go with the run's other logs
    # under SALESDW_HOME, not into the source tree.
    artifacts = home.logs / "dbt" / context.run.run_id
    command = ["build", "--exclude-resource-type", "unit_test"]
    if reason := full_refresh_reason(home, inputs):
        context.log.info(f"full refresh: {reason}")
        artifacts.mkdir(parents=True, exist_ok=True)
        (artifacts / FULL_REFRESH_FILE).write_text(reason, encoding="utf-8")  # the run's summary says so
        command.append("--full-refresh")
    # `build` runs models, seeds, snapshots and data tests in DAG order; a failing test of
    # severity error fails the step, so nothing downstream — publish included — runs on bad data.
    # Unit tests check the SQL, not the night's data: they run with the test suite
    # (tests/test_dbt_project.py), not every night.
    yield from dbt.cli(command, context=context, target_path=artifacts).stream()
    record_built_inputs(home, inputs)
