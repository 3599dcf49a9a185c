"""The published warehouse as an asset downstream of every public mart: it materializes only
when the whole dbt build, its tests and the blocking data-quality checks have passed."""

import os

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.dbt.assets import salesdw_dbt_assets
from orchestration.publish.warehouse import publish
from orchestration.resources import WarehouseResource

PUBLISHED_KEY = AssetKey(["published", "sales_duckdb"])
PUBLIC_GROUPS = {"marts", "kpi"}


def _public_mart_keys() -> list[AssetKey]:
    return sorted(
        (key for key in salesdw_dbt_assets.keys if key.path[0] in PUBLIC_GROUPS),
        key=lambda k: k.to_user_string(),
    )


@asset(
    key=PUBLISHED_KEY,
    deps=_public_mart_keys(),
    group_name="published",
    kinds={"duckdb"},
    description="sales.duckdb for BI (schema marts) and its Parquet export, personal data masked, switched together atomically.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    publication = publish(warehouse.paths)
    context.log.info(f"published {publication.path} (version {publication.version})")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(publication.path)),
            "version": publication.version,
            "tables": MetadataValue.json(publication.tables),
            "published_at": publication.published_at,
        }
    )


@asset(
    key=["published", "postgres"],
    deps=[PUBLISHED_KEY],
    group_name="published",
    kinds={"postgres"},
    description="The public marts copied into Postgres (SALESDW_POSTGRES_URL, schema SALESDW_POSTGRES_SCHEMA) in one transaction.",
)
def postgres_marts(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    from orchestration.dbt.project import salesdw_dbt
    from orchestration.publish.postgres import publish_to_postgres

    publication = publish_to_postgres(
        warehouse.paths, os.environ["SALESDW_POSTGRES_URL"], salesdw_dbt.manifest_path,
        schema=os.environ.get("SALESDW_POSTGRES_SCHEMA", "marts"),
    )
    context.log.info(f"{len(publication.tables)} marts in Postgres schema {publication.schema}")
    return MaterializeResult(metadata={"schema": publication.schema, "tables": MetadataValue.json(publication.tables)})


def published_assets() -> list:
    """The warehouse always; the Postgres copy when ``SALESDW_POSTGRES_URL`` is set."""
    return [published_warehouse, postgres_marts] if os.environ.get("SALESDW_POSTGRES_URL") else [published_warehouse]
