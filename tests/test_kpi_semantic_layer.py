"""The semantic layer (dbt_project/models/semantic/) parses and passes MetricFlow's own
validation rules (dbt-semantic-interfaces), and names the metrics of issue 7."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner
from dbt_semantic_interfaces.implementations.semantic_manifest import PydanticSemanticManifest
from dbt_semantic_interfaces.validations.semantic_manifest_validator import SemanticManifestValidator

PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
REQUIRED_METRICS = {"revenue", "volume", "orders", "new_customers", "win_rate", "attainment", "pipeline"}


@pytest.fixture(scope="module")
def semantic_manifest(tmp_path_factory, monkeypatch_module) -> PydanticSemanticManifest:
    target = tmp_path_factory.mktemp("semantic") / "target"
    result = dbtRunner().invoke([
        "parse", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(target), "--log-path", str(target / "logs"), "--quiet",
    ])
    assert result.success, result.exception
    return PydanticSemanticManifest.parse_obj(json.loads((target / "semantic_manifest.json").read_text()))


@pytest.fixture(scope="module")
def monkeypatch_module(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    patch.setenv("SALESDW_HOME", str(tmp_path_factory.mktemp("semantic_home")))
    yield patch
    patch.undo()


def test_semantic_manifest_passes_metricflow_validation(semantic_manifest):
    results = SemanticManifestValidator[PydanticSemanticManifest]().validate_semantic_manifest(semantic_manifest)
    assert not results.errors, [str(e) for e in results.errors]


def test_issue_metrics_are_defined(semantic_manifest):
    names = {metric.name for metric in semantic_manifest.metrics}
    assert REQUIRED_METRICS <= names, REQUIRED_METRICS - names
    assert semantic_manifest.project_configuration.time_spines, "a time spine is required by MetricFlow"
