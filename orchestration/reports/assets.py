"""The KPI report (HTML) and Excel pack as an asset downstream of the published warehouse: a
night that publishes also leaves a report that a manager can open without SQL."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from orchestration.publish.assets import PUBLISHED_KEY
from orchestration.resources import WarehouseResource


@asset(
    key=["published", "kpi_report"],
    deps=[PUBLISHED_KEY],
    group_name="published",
    kinds={"html", "excel"},
    description="Offline HTML KPI report and Excel pack of the published warehouse ($SALESDW_HOME/reports/).",
)
def kpi_report(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    # imported here: the report's chart stack (Altair, Vega) would add 0.4 s to every command's start
    from reporting import build_reports

    files = build_reports(warehouse.paths)
    context.log.info(f"report {files.html}, Excel pack {files.excel}")
    return MaterializeResult(metadata={
        "html": MetadataValue.path(str(files.html)),
        "excel": MetadataValue.path(str(files.excel)),
        "as_of": files.as_of.isoformat(),
    })
