"""Every dbt model, seed and snapshot as a Dagster asset; every dbt test as an asset check."""

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt.project import ensure_manifest, translator
from orchestration.resources import WarehouseResource


@dbt_assets(manifest=ensure_manifest(), dagster_dbt_translator=translator)
def salesdw_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    warehouse.paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    # Each run's dbt artifacts (run_results, compiled SQL, dbt.log) go with the run's other logs
    # under SALESDW_HOME, not into the source tree.
    artifacts = warehouse.paths.logs / "dbt" / context.run.run_id
    # `build` runs models, seeds, snapshots and tests in DAG order; a failing test of severity
    # error fails the step, so nothing downstream — publish included — runs on bad data.
    yield from dbt.cli(["build"], context=context, target_path=artifacts).stream()
