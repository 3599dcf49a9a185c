"""Freshness: on a nightly schedule, raw data and the published warehouse older than 26 hours
means a night was missed."""

from __future__ import annotations

import datetime as dt
import os

from dagster import build_last_update_freshness_checks

from orchestration.automation.schedules import NIGHTLY_TIMEZONE
from orchestration.ingestion.assets import ingestion_assets
from orchestration.publish.assets import PUBLISHED_KEY

MAX_AGE = dt.timedelta(hours=float(os.environ.get("SALESDW_FRESHNESS_HOURS", "26")))

freshness_checks = build_last_update_freshness_checks(
    assets=[*ingestion_assets, PUBLISHED_KEY],
    lower_bound_delta=MAX_AGE,
    timezone=NIGHTLY_TIMEZONE,
)
