"""One multi-asset per source: each entity of the source's profiles is an asset
``raw/<source>/<entity>``, materialized by loading the export files found in
``<landing>/<source>/`` through the ingestion package."""


from collections import defaultdict
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, MetadataValue, RetryPolicy, Backoff, multi_asset

from ingestion import FileResult, ingest_paths
from ingestion.canonical import canonical_entities
from ingestion.load import EXPORT_SUFFIXES
from ingestion.settings import Home
from ingestion.profiles import Profile, profiles_for, shipped_profiles
from orchestration.resources import WarehouseResource

# Every source the project ships a profile or mapping file for; its exports land in
# <landing>/<source>/ (Zoho API pages go to zoho/: the format is detected from the file).
SOURCES = tuple(sorted({p.source for p in shipped_profiles()}))
# A landing folder on a network share can blink; a parse error will not go away on retry,
# and the ingestion reports it as a rejected file rather than raising.
TRANSIENT_RETRY = RetryPolicy(max_retries=3, delay=10, backoff=Backoff.EXPONENTIAL)


# Files under <landing>/<source>/full/ are full exports (absent records are deleted, within
# SALESDW_MAX_DELETE_SHARE); every other file of the landing folder is incremental.
FULL_EXPORT_FOLDER = "full"


def ingest_landing(source: str, folder: Path, home: Home) -> list[FileResult]:
    """The incremental files of a source's landing folder, then its full/ folder as one full batch."""
    if not folder.is_dir():
        return []
    full = folder / FULL_EXPORT_FOLDER
    partial = [p for p in sorted(folder.iterdir()) if p != full and not p.name.startswith(".")
               and (p.is_dir() or p.suffix.lower() in EXPORT_SUFFIXES)]
    results = ingest_paths(source, partial, home) if partial else []
    if full.is_dir():
        results += ingest_paths(source, [full], home, full_export=True)
    return results


def raw_asset_key(source: str, entity: str) -> AssetKey:
    return AssetKey(["raw", source, entity])


def _spec(profile: Profile) -> AssetSpec:
    return AssetSpec(
        key=raw_asset_key(profile.source, profile.entity),
        group_name="raw",
        description=f"{profile.description} Profile: ingestion/profiles/{profile.origin.name}",
        kinds={"parquet", "python"},
        metadata={"raw_path": f"raw/{profile.source}/{profile.entity}/*.parquet"},
        skippable=True,
    )


def _metadata(results: list[FileResult]) -> dict:
    return {
        "files": MetadataValue.json([{"file": r.path.name, "status": r.status, "message": r.message} for r in results]),
        "rows_loaded": sum(r.rows_loaded for r in results),
        "rows_quarantined": sum(r.rows_quarantined for r in results),
        "files_rejected": sum(1 for r in results if r.status == "rejected"),
    }


def build_source_assets(source: str):
    profiles = profiles_for(source)

    @multi_asset(
        name=f"ingest_{source}",
        specs=[_spec(p) for p in profiles],
        can_subset=True,
        retry_policy=TRANSIENT_RETRY,
        description=f"Load new {source} export files from the landing folder into the raw zone.",
    )
    def _ingest(context: AssetExecutionContext, warehouse: WarehouseResource):
        folder = warehouse.landing_dir / source
        results = ingest_landing(source, folder, warehouse.paths)
        by_entity: dict[str, list[FileResult]] = defaultdict(list)
        for result in results:
            if result.status == "rejected":
                context.log.error(result.message)
            by_entity[result.entity or ""].append(result)
        for key in context.selected_asset_keys:
            entity = key.path[-1]
            yield MaterializeResult(asset_key=key, metadata=_metadata(by_entity.get(entity, [])))
        rejected = [r for r in results if r.status == "rejected"]  # not the files skipped as already loaded
        if rejected:
            context.log.warning(f"{len(rejected)} {source} file(s) rejected: see the ledger (salesdw status)")

    return _ingest


def build_canonical_assets():
    """``raw/crm/<entity>``: the raw tables of every canonical CRM (Salesforce, HubSpot…) as dbt's
    source ``crm`` reads them, one glob per CRM. Nothing is written: the asset stands for the
    union, downstream of each CRM's ingestion, so a run builds the stg_crm__* models after every
    canonical CRM is loaded (and the graph shows where they come from)."""
    canonical = [p for p in shipped_profiles() if p.canonical]
    specs = [
        AssetSpec(
            key=raw_asset_key("crm", entity),
            deps=[raw_asset_key(p.source, entity) for p in canonical if p.entity == entity],
            group_name="raw",
            description=f"The canonical entity {entity} of every canonical CRM (ingestion/canonical/crm.yml), read by dbt as one table.",
        )
        for entity in canonical_entities()
    ]

    @multi_asset(name="canonical_crm_raw", specs=specs, can_subset=True)
    def _canonical(context: AssetExecutionContext):
        for key in context.selected_asset_keys:
            yield MaterializeResult(asset_key=key)

    return _canonical


ingestion_assets = [*(build_source_assets(s) for s in SOURCES), build_canonical_assets()]
