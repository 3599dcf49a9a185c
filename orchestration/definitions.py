"""The one `Definitions` of the project: `dagster dev -m orchestration.definitions`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster import Definitions, colored_console_logger

from orchestration.automation.freshness import with_freshness
from orchestration.automation.schedules import nightly_schedule
from orchestration.automation.sensors import landing_sensor, run_failure_alert
from orchestration.console import progress_logger
from orchestration.dbt.assets import salesdw_dbt_assets
from orchestration.dbt.project import SalesdwDbtCli, salesdw_dbt
from orchestration.ingestion.assets import ingestion_assets
from orchestration.jobs import build_job, nightly_job
from orchestration.publish.assets import published_assets
from orchestration.quality.checks import raw_quality_checks
from orchestration.reports.assets import kpi_report
from orchestration.resources import warehouse_from_env

defs = with_freshness(Definitions(
    assets=[*ingestion_assets, salesdw_dbt_assets, *published_assets(), kpi_report],
    asset_checks=raw_quality_checks,
    jobs=[nightly_job, build_job],
    schedules=[nightly_schedule],
    sensors=[landing_sensor, run_failure_alert],
    # the console logger Dagster gives a job by default, plus the progress line of `salesdw run`
    loggers={"console": colored_console_logger, "progress": progress_logger},
    resources={
        "warehouse": warehouse_from_env(),
        "dbt": SalesdwDbtCli(
            project_dir=salesdw_dbt,
            target=os.environ.get("SALESDW_DBT_TARGET", "duckdb"),
            # the dbt installed beside this interpreter, so a venv works without being activated,
            # through a wrapper that makes it die with this process (orchestration/dbt/child.py)
            dbt_executable=str(Path(sys.executable).with_name("salesdw-dbt")),
        ),
    },
))
