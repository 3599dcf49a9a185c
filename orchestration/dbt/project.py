"""The dbt project as Dagster sees it, and the translator that names its assets.

Keys read as the layers do — ``staging/stg_zoho__deals``, ``marts/fct_order_lines``,
``kpi/kpi_attainment`` — and each dbt source points at the ingestion asset that writes its
Parquet files (``raw/<source>/<entity>``), so the lineage graph is one piece.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence, Set
from pathlib import Path
from typing import Any

import dagster_dbt.asset_utils
from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject
from dagster_dbt.utils import select_unique_ids
from filelock import FileLock

from ingestion.settings import build_engine_env, environment

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

salesdw_dbt = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    target=os.environ.get("SALESDW_DBT_TARGET", "duckdb"),
    target_path=os.environ.get("SALESDW_DBT_TARGET_PATH", "target"),
)


class SalesdwDbtCli(DbtCliResource):
    """dagster-dbt's dbt CLI resource without the dbt adapter it opens before every invocation.

    That adapter only serves the optional ``fetch_row_counts()`` / ``fetch_column_metadata()``
    of an event stream, which the build does not use (its row counts are in the published
    manifest); loading the project and the profile for it cost 1.5–1.8 s of every night's
    start-up. Without an adapter (as under dbt Fusion) dagster-dbt streams the same events.
    """

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def _select_all_from_nodes(select: str, exclude: str, selector: str, project: DbtProject | None,
                           manifest_json: Mapping[str, Any]) -> Set[str]:
    """The default selection (every node) read from the manifest's nodes, as dagster-dbt
    itself does when dbt-core is not installed.

    With dbt-core installed, dagster-dbt 0.29 evaluates even ``fqn:*`` through dbt's graph
    selector when ``@dbt_assets`` is applied at import: dbt.graph, networkx and the entry points
    of every installed distribution (networkx's backends), 1.2 s of every start-up. Every node
    it selects beyond ``manifest["nodes"]`` (unit tests, metrics, exposures, semantic models) is
    not an asset and is dropped right after; ``tests/test_orchestration.py`` checks that both
    give the same assets and checks. Any other selection goes to dagster-dbt unchanged.
    """
    if select in ("", "fqn:*") and not exclude and not selector:
        return set(manifest_json["nodes"])
    return select_unique_ids(select=select, exclude=exclude, selector=selector, project=project,
                             manifest_json=manifest_json)


dagster_dbt.asset_utils.select_unique_ids = _select_all_from_nodes


PROJECT_FOLDERS = ("models", "seeds", "snapshots", "macros", "tests", "analyses")


def project_files() -> list[Path]:
    """Every file dbt reads from the project: its settings, profile and the project folders."""
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    files += [f for folder in PROJECT_FOLDERS for f in (DBT_PROJECT_DIR / folder).rglob("*") if f.is_file()]
    return sorted(f for f in files if f.exists())


def _newest_project_change() -> float:
    return max(f.stat().st_mtime for f in project_files())


def ensure_manifest() -> Path:
    """Parse when the manifest is missing or older than any file of the dbt project (a fresh
    clone, a `git pull`, an edited model), or on demand with SALESDW_REPARSE=1: a stale
    manifest would name models that no longer exist, or miss new ones.

    Under a lock beside the manifest: two processes starting on a fresh clone (`dagster dev` and
    a `salesdw` command, or two test workers) would otherwise both parse into the same target
    folder, and one could read the manifest while the other writes it."""
    manifest = salesdw_dbt.manifest_path
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(manifest.parent / ".parse.lock"):
        stale = not manifest.exists() or manifest.stat().st_mtime < _newest_project_change()
        if os.environ.get("SALESDW_REPARSE") or stale:
            _parse(manifest.parent)
    return manifest


def _parse(target_path: Path) -> None:
    from dbt.cli.main import dbtRunner

    os.environ.setdefault("SALESDW_HOME", str(Path("warehouse").resolve()))
    # The target and the engine settings the build passes (assets.py): dbt keeps the parse
    # state (partial_parse.msgpack, which dagster-dbt copies into each run) only for the
    # same target and profile, so a build after this parse re-reads changed files alone.
    with environment(build_engine_env()):
        result = dbtRunner().invoke([
            "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(target_path), "--target", salesdw_dbt.target,
        ])
    if not result.success:
        raise RuntimeError(f"dbt parse failed for {DBT_PROJECT_DIR}: {result.exception}")


def layer_of(props: Mapping[str, Any]) -> str:
    """The folder under models/ that holds the node: staging, intermediate, marts or kpi."""
    parts = Path(props.get("original_file_path", "")).parts
    if "kpi" in parts:
        return "kpi"
    if len(parts) > 1 and parts[0] == "models":
        return parts[1]
    return props.get("resource_type", "dbt")


class SalesdwTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # dbt sources are named like the raw zone: source `zoho`, table `deals` reads
            # raw/zoho/deals/*.parquet, which the ingestion asset raw/zoho/deals writes.
            return AssetKey(["raw", dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return AssetKey([layer_of(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        if dbt_resource_props["resource_type"] == "snapshot":
            return "snapshots"
        return layer_of(dbt_resource_props)


translator = SalesdwTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
