"""Resources configured from the environment: nothing about a deployment is in the code."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource

from ingestion.settings import Home


class WarehouseResource(ConfigurableResource):
    """Where the warehouse lives and where export files arrive.

    Empty fields fall back to ``SALESDW_HOME`` and ``SALESDW_LANDING`` at run time (not at
    import), so the CLI, `dagster dev` and tests each point one code location at their own home.
    """

    home: str = ""
    landing: str = ""
    # set in a run's resource config (the launchpad) to force one build; the CLI's --force sets
    # the environment instead, read by build_forced
    force_build: bool = False

    @property
    def paths(self) -> Home:
        return Home(Path(self.home).resolve()) if self.home else Home.from_env()

    @property
    def build_forced(self) -> bool:
        """Build even when nothing changed since the published version (``SALESDW_FORCE_BUILD=1``,
        ``salesdw build --force``): after an upgrade of dbt or DuckDB, which the fingerprint of
        the build's inputs does not cover."""
        return self.force_build or os.environ.get("SALESDW_FORCE_BUILD", "") not in ("", "0")

    @property
    def landing_dir(self) -> Path:
        landing = self.landing or os.environ.get("SALESDW_LANDING", "")
        return Path(landing).resolve() if landing else self.paths.landing


def warehouse_from_env() -> WarehouseResource:
    return WarehouseResource()
