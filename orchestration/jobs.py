"""Jobs: the nightly job runs everything; the build job everything after ingestion."""

from __future__ import annotations

import os

from dagster import AssetSelection, define_asset_job, multiprocess_executor

# Runs launched by the daemon or the UI execute each step in its own process, at most
# SALESDW_MAX_CONCURRENT at once (default 2: the two cores of the reference machine); the same
# job runs on dagster-k8s or dagster-celery by swapping this executor (docs/scale-out.md).
# `salesdw run` executes in process, under its writer lock.
executor = multiprocess_executor.configured(
    {"max_concurrent": int(os.environ.get("SALESDW_MAX_CONCURRENT", "2"))}, name="salesdw_multiprocess",
)

nightly_job = define_asset_job(
    "nightly",
    selection=AssetSelection.all(),
    description="Ingest → checks → dbt build (models, seeds, snapshots, tests) → publish.",
    executor_def=executor,
)

build_job = define_asset_job(
    "build",
    selection=AssetSelection.all() - AssetSelection.groups("raw"),
    description="dbt build, checks and publish over what the raw zone already holds.",
    executor_def=executor,
)
