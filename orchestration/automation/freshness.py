"""Freshness: on a nightly schedule, raw data, marts and the published warehouse older than
26 hours mean a night was missed. Declared as Dagster freshness policies (the daemon and the
UI evaluate them), attached by asset group so a new mart is covered without a new line here."""

import datetime as dt
import os

from dagster import AssetSelection, AssetSpec, Definitions, FreshnessPolicy, apply_freshness_policy

MAX_AGE = dt.timedelta(hours=float(os.environ.get("SALESDW_FRESHNESS_HOURS", "26")))
NIGHTLY_FRESHNESS = FreshnessPolicy.time_window(fail_window=MAX_AGE, warn_window=MAX_AGE - dt.timedelta(hours=2))
WATCHED_GROUPS = ("raw", "marts", "kpi", "published")


def with_freshness(defs: Definitions) -> Definitions:
    def attach(spec: AssetSpec) -> AssetSpec:
        return apply_freshness_policy(spec, NIGHTLY_FRESHNESS)

    return defs.map_resolved_asset_specs(func=attach, selection=AssetSelection.groups(*WATCHED_GROUPS))
