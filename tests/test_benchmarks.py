"""The pipeline benchmark harness runs end to end at a tiny scale, so that it cannot rot; its
superlinearity rule is checked on figures given by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import pipeline  # noqa: E402  (benchmarks/ is scripts, not a package)


def test_a_model_slower_than_its_rows_is_flagged():
    small = {"order_lines": 1000, "models_s": {"kpi_funnel": 2.0, "fct_orders": 1.0, "tiny": 0.01}}
    large = {"order_lines": 3000, "models_s": {"kpi_funnel": 9.0, "fct_orders": 2.9, "tiny": 0.5}}
    assert pipeline.superlinear(small, large) == ["kpi_funnel"]


@pytest.mark.slow
def test_the_harness_runs_and_records_its_figures(tmp_path: Path, monkeypatch):
    results = tmp_path / "pipeline.jsonl"
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "unused"))
    assert pipeline.main(["--scale", "0.1", "--home", str(tmp_path / "home"), "--results", str(results)]) == 0
    [figures] = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert figures["success"] and figures["order_lines"] > 0
    assert figures["nothing_new_run_s"] > 0 and figures["nightly_run_s"] > 0
    assert "kpi_attainment" in figures["models_s"] and "salesdw_dbt_assets" in figures["steps_s"]
