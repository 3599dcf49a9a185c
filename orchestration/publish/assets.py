"""The published warehouse as an asset downstream of every public mart: it materializes only
when the whole dbt build, its tests and the blocking data-quality checks have passed."""


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
