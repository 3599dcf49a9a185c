"""A night with nothing new costs seconds: the build is skipped when its inputs (raw zone, dbt
project and publish code, settings, the day) are those of the published version, and only then."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

from ingestion.settings import Home
from orchestration.dbt import inputs as build_inputs_module
from orchestration.dbt.inputs import build_inputs, full_refresh_reason, record_built_inputs, unchanged_since
from orchestration.publish.warehouse import current_version, published_inputs

pytestmark = pytest.mark.slow


def test_a_night_with_nothing_new_skips_the_build_and_keeps_the_published_version(
        copied_home: Home, capsys: pytest.CaptureFixture):
    from orchestration.cli import main
    from tests.test_pipeline import _snapshot

    version, marts = current_version(copied_home), _snapshot(copied_home)
    assert published_inputs(copied_home) == {**build_inputs(copied_home), "day": published_inputs(copied_home)["day"]}
    capsys.readouterr()
    assert main(["run"]) == 0
    printed = capsys.readouterr().out
    assert re.search(rf"^  dbt +nothing new since the published version {version}: build and publish skipped$",
                     printed, re.M), printed
    assert current_version(copied_home) == version
    assert _snapshot(copied_home) == marts
    assert "Blocking asset check" not in capsys.readouterr().err


def _build_db_with_assignments(path: Path, ends: list[str | None]) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_reps (rep_id varchar, valid_to date)")
    con.executemany("insert into intermediate.int_reps values (?, ?)", [(f"R{i}", e) for i, e in enumerate(ends)])
    con.close()
    return path


def _inputs(**changes: str) -> dict[str, str]:
    return {"raw_zone": "r1", "code": "c1", "settings": "s1", "model_code": "m1", "model_settings": "ms1",
            "day": "2026-11-30", **changes}


def test_any_changed_input_builds(tmp_path: Path):
    build_db = _build_db_with_assignments(tmp_path / "build.duckdb", [None])
    published = _inputs()
    assert unchanged_since(published, _inputs(), build_db)
    for key in ("raw_zone", "code", "settings"):
        assert not unchanged_since(published, _inputs(**{key: "other"}), build_db), key
    assert not unchanged_since(None, _inputs(), build_db), "a version published before fingerprints builds"
    assert not unchanged_since(published, _inputs(), tmp_path / "missing.duckdb"), "no build database: build"


def test_incremental_models_are_refreshed_when_code_or_settings_changed(tmp_path: Path):
    home = Home(tmp_path)
    assert full_refresh_reason(home, _inputs()) is None, "no build database: the first build creates every model"
    _build_db_with_assignments(home.build_db.parent.mkdir(parents=True) or home.build_db, [None])
    assert full_refresh_reason(home, _inputs()) == "no build has completed in this build database with known code"
    record_built_inputs(home, _inputs())
    assert full_refresh_reason(home, _inputs(raw_zone="new load", day="2026-12-01")) is None, "new data: incremental"
    assert full_refresh_reason(home, _inputs(code="c2", settings="s2")) is None, "a data test, publish or salt changed"
    assert full_refresh_reason(home, _inputs(code="c2", model_code="m2")) == (
        "the dbt models, seeds, macros or their engines changed since the last completed build")
    assert full_refresh_reason(home, _inputs(model_code="m2", model_settings="ms2")) == (
        "the dbt models, seeds, macros or their engines and a setting that reaches the SQL changed"
        " since the last completed build")
    (home.build_db.parent / "inputs.json").unlink()  # what a build does when it starts: a failed one keeps the base
    assert full_refresh_reason(home, _inputs(model_code="m2")) is not None


def test_only_code_that_writes_model_rows_refreshes_the_incremental_models(tmp_path: Path, monkeypatch):
    """An edited data test changes what a build checks, not a stored row: the skip sees it, the
    refresh does not. An edited macro or seed changes rows: both see it."""
    files = {"dbt_project.yml": "name: p", "models/a.sql": "select 1", "macros/m.sql": "{% macro m() %}1{% endmacro %}",
             "seeds/s.csv": "k\n1", "tests/t.sql": "select 1 where false", "macros/tests/g.sql": "{% test g() %}{% endtest %}"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(build_inputs_module, "DBT_PROJECT_DIR", tmp_path)
    monkeypatch.setattr(build_inputs_module, "project_files", lambda: [p for p in tmp_path.rglob("*") if p.is_file()])
    versions = [build_inputs_module.code_versions()]
    for name in ("tests/t.sql", "macros/tests/g.sql", "macros/m.sql", "seeds/s.csv", "models/a.sql"):
        (tmp_path / name).write_text(files[name] + " ")
        versions.append(build_inputs_module.code_versions())
    model_code, code = zip(*versions)
    assert len(set(code)) == 6, "every edit changes what a build runs"
    assert model_code[0] == model_code[1] == model_code[2], "data tests write no model row"
    assert len(set(model_code[2:])) == 4, "macros, seeds and models do"


def test_a_changed_setting_rebuilds_the_incremental_models_in_full(copied_home: Home, capsys, monkeypatch):
    """A setting that reaches the SQL (the time zone) changed: the rows the incremental facts
    hold were computed with the old one, so the build is a full refresh, and the summary says why."""
    import json

    from orchestration.cli import main

    monkeypatch.setenv("SALESDW_TIMEZONE", "Asia/Tokyo")
    capsys.readouterr()
    assert main(["build"]) == 0
    printed = capsys.readouterr().out
    assert "  dbt        full refresh of the incremental models: a setting that reaches the SQL changed since the last completed build" \
        in printed, printed
    [run] = [p for p in (copied_home.logs / "dbt").glob("*/full_refresh.txt")]
    assert json.loads((run.parent / "run_results.json").read_text(encoding="utf-8"))["args"]["full_refresh"] is True
    assert full_refresh_reason(copied_home, build_inputs(copied_home)) is None, "the same settings again: incremental"


def test_a_new_day_builds_only_when_an_assignment_ended_in_between(tmp_path: Path):
    """``is_current`` of dim_rep compares with today: an assignment whose last day lies between
    the published build's day and today changes it."""
    published = _inputs(day="2026-11-28")
    quiet = _build_db_with_assignments(tmp_path / "quiet.duckdb", [None, "2026-11-27", "2026-12-01"])
    assert unchanged_since(published, _inputs(day="2026-11-30"), quiet)
    ended = _build_db_with_assignments(tmp_path / "ended.duckdb", [None, "2026-11-29"])
    assert not unchanged_since(published, _inputs(day="2026-11-30"), ended)
    assert unchanged_since(published, _inputs(day="2026-11-28"), ended), "the same day: nothing changed"


def test_a_new_load_changes_the_raw_zone_fingerprint(home: Home, tmp_path: Path):
    from ingestion import ingest_paths

    before = build_inputs(home, today=dt.date(2026, 11, 30))
    export = tmp_path / "Deals.csv"
    export.write_text("Record Id,Deal Name,Stage,Amount,Closing Date,Deal Owner\n"
                      "1,Big deal,Closed Won,100,2026-11-02,Li Lei\n", encoding="utf-8")
    [result] = ingest_paths("zoho", [export], home)
    assert result.status == "loaded", result.message
    after = build_inputs(home, today=dt.date(2026, 11, 30))
    assert after["raw_zone"] != before["raw_zone"]
    assert after["code"] == before["code"] and after["settings"] == before["settings"]


def test_a_batch_validated_before_is_not_read_again_unless_its_files_change(home: Home, tmp_path: Path):
    """The GX suite of an entity with no new load is not run again: its result is reused, pass
    or fail alike; a new load, or a file damaged in place, is validated."""
    from ingestion import ingest_paths
    from ingestion.profiles import profiles_for
    from orchestration.quality.gx_suites import ephemeral_context, validate

    export = tmp_path / "Deals.csv"
    export.write_text("Record Id,Deal Name,Stage,Amount,Closing Date,Deal Owner\n"
                      "1,Big deal,Closed Won,100,2026-11-02,Li Lei\n", encoding="utf-8")
    assert ingest_paths("zoho", [export], home)[0].status == "loaded"
    deals = next(p for p in profiles_for("zoho") if p.entity == "deals")
    context = ephemeral_context()
    first = validate(home, deals, home.logs / "gx" / "run1", context)
    assert first["success"] and "note" not in first and first["rows"] == 1
    again = validate(home, deals, home.logs / "gx" / "run2", ephemeral_context())
    assert again["note"] == "batch validated before (run run1)"
    assert {k: again[k] for k in first} == first
    assert not (home.logs / "gx" / "run2").exists(), "nothing was validated"

    [raw] = [p for p in (home.raw / "zoho" / "deals").glob("2*.parquet")]
    con = duckdb.connect()
    con.execute(f"copy (select * replace (cast(null as varchar) as record_id) from read_parquet('{raw}')) "
                f"to '{raw}.tmp' (format parquet)")
    con.close()
    Path(f"{raw}.tmp").replace(raw)
    damaged = validate(home, deals, home.logs / "gx" / "run3", ephemeral_context())
    assert not damaged["success"] and "note" not in damaged
