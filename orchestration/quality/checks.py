"""Blocking asset checks on every raw entity: a failed Great Expectations suite stops the dbt
build and the publish downstream, so a bad export never reaches a dashboard."""


from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, MetadataValue, multi_asset_check

from ingestion.profiles import profiles_for
from orchestration.ingestion.assets import SOURCES, raw_asset_key
from orchestration.quality.gx_suites import ephemeral_context, validate
from orchestration.resources import WarehouseResource

CHECK_NAME = "gx_raw_suite"


def build_source_checks(source: str):
    profiles = {p.entity: p for p in profiles_for(source)}

    @multi_asset_check(
        name=f"gx_{source}",
        specs=[
            AssetCheckSpec(CHECK_NAME, asset=raw_asset_key(source, entity), blocking=True,
                           description="Great Expectations suite on the newest batch (quality/gx_suites.py)")
            for entity in profiles
        ],
        can_subset=True,
    )
    def _checks(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        results_dir = warehouse.paths.logs / "gx" / context.run.run_id
        gx_context = ephemeral_context()
        for key in context.selected_asset_check_keys:
            profile = profiles[key.asset_key.path[-1]]
            summary = validate(warehouse.paths, profile, results_dir, gx_context)
            yield AssetCheckResult(
                asset_key=key.asset_key,
                check_name=CHECK_NAME,
                passed=summary["success"],
                severity=AssetCheckSeverity.ERROR,
                metadata={
                    "evaluated": summary["evaluated"],
                    "failed": MetadataValue.json(summary["failed"]),
                    "rows": summary.get("rows", 0),
                    "gx_result": MetadataValue.path(summary.get("gx_result", "")),
                    **({"note": summary["note"]} if "note" in summary else {}),
                },
            )

    return _checks


raw_quality_checks = [build_source_checks(s) for s in SOURCES]
