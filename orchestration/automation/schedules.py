"""The nightly run. Its time and time zone are settings, so a team in Shanghai and one in
Frankfurt each get their warehouse before the working day starts."""

from __future__ import annotations

import os

from dagster import DefaultScheduleStatus, ScheduleDefinition

from orchestration.jobs import nightly_job

NIGHTLY_CRON = os.environ.get("SALESDW_SCHEDULE_CRON", "0 2 * * *")
NIGHTLY_TIMEZONE = os.environ.get("SALESDW_SCHEDULE_TIMEZONE", "Asia/Shanghai")

nightly_schedule = ScheduleDefinition(
    name="nightly_warehouse",
    job=nightly_job,
    cron_schedule=NIGHTLY_CRON,
    execution_timezone=NIGHTLY_TIMEZONE,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Ingest the landing folder, build, check and publish, every night.",
)
