"""Jobs: the nightly job runs everything; the build job everything after ingestion."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

nightly_job = define_asset_job(
    "nightly",
    selection=AssetSelection.all(),
    description="Ingest → checks → dbt build (models, seeds, snapshots, tests) → publish.",
)

build_job = define_asset_job(
    "build",
    selection=AssetSelection.all() - AssetSelection.groups("raw"),
    description="dbt build, checks and publish over what the raw zone already holds.",
)
