"""The walking skeleton end to end: demo exports → ingestion → Dagster job (dbt build, checks,
publish) → published warehouse, compared with the demo generator's own records."""

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingestion.settings import Home
from tests.conftest import DEMO_SCALE, DEMO_SEED

pytestmark = pytest.mark.slow


def _query(home: Home, sql: str) -> list[tuple]:
    con = duckdb.connect(str(home.published_db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _snapshot(home: Home) -> dict[str, tuple]:
    """Row count and an order-independent checksum of every published table."""
    tables = [r[0] for r in _query(home, "select table_name from duckdb_tables() where schema_name = 'marts' order by 1")]
    return {
        t: _query(home, f'select count(*), sum(hash(columns(*)::varchar)) from (select * from marts."{t}")')[0]
        for t in tables
    }


def test_published_revenue_equals_the_generators_total(published: Home, demo_truth):
    lines = demo_truth.order_lines
    expected = lines.loc[~lines["is_cancelled"], "revenue_cny"].sum()
    (actual,) = _query(published, "select sum(revenue_cny) from marts.fct_order_lines where not is_cancelled")[0]
    assert actual == pytest.approx(Decimal(str(expected)), abs=Decimal("0.01"))


def test_every_order_line_arrives_once(published: Home, demo_truth):
    (rows,) = _query(published, "select count(*) from marts.fct_order_lines")[0]
    assert rows == len(demo_truth.order_lines)


def test_revenue_by_source_system(published: Home, demo_truth):
    lines = demo_truth.order_lines[~demo_truth.order_lines["is_cancelled"]]
    expected = lines.groupby("source_system")["revenue_cny"].sum().to_dict()
    actual = dict(_query(published, "select source_system, sum(revenue_cny) from marts.fct_order_lines where not is_cancelled group by 1"))
    assert set(actual) == set(expected)
    for system, value in expected.items():
        assert float(actual[system]) == pytest.approx(value, abs=0.01)


def test_a_second_forced_run_gives_the_same_warehouse(published: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    """`salesdw run` again on the same exports: the same marts, and a run a person can follow —
    a summary instead of dbt's log, which goes to logs/runs/."""
    from demo import generate
    from orchestration.cli import main

    root = tmp_path / "again"
    shutil.copytree(published.root, root, symlinks=True, ignore=shutil.ignore_patterns("dagster"))
    monkeypatch.setenv("SALESDW_HOME", str(root))
    home = Home(root)
    before = _snapshot(home)
    generate(home.landing, scale=DEMO_SCALE, seed=DEMO_SEED)
    capsys.readouterr()
    assert main(["run", "--force"]) == 0  # build although nothing is new: the build must reproduce the marts
    assert _snapshot(home) == before
    assert "SALESDW_FORCE_BUILD" not in os.environ, "--force was for that run, not for the next one in this process"
    printed = capsys.readouterr().out
    assert "START sql" not in printed and "PASS" not in printed, "dbt's log goes to the log file"
    assert re.search(r"^  dbt +\d+ built, [1-9]\d* tests passed, 0 warned, 0 failed", printed, re.M), printed
    assert re.search(r"^  files +0 loaded, 0 rejected, 0 rows quarantined$", printed, re.M), "every file was loaded before"
    assert re.search(r"^  marts +.*fct_order_lines [\d,]+", printed, re.M | re.S)
    [log] = re.findall(r"^  log +(\S+)", printed, re.M)
    assert "START sql table model" in Path(log).read_text(encoding="utf-8")


def test_property_incidents_of_both_crms_are_counted(published: Home, demo_truth):
    """Seed 003's quality target: customer property lost or damaged — Zoho records it as a
    case type, Fxiaoke as a yes/no field."""
    expected = demo_truth.cases.groupby("source_system")["property_damage"].sum().to_dict()
    actual = dict(_query(published, "select source_system, count(*) filter (where is_property_incident) from marts.fct_service_cases group by 1"))
    assert actual == {system: int(count) for system, count in expected.items()}


def test_the_queries_the_demo_suggests_run(published: Home, monkeypatch: pytest.MonkeyPatch, capsys):
    from orchestration.cli import EXAMPLE_QUERIES, main

    monkeypatch.setenv("SALESDW_HOME", str(published.root))
    for query in EXAMPLE_QUERIES:
        assert main(["query", query]) == 0
    printed = capsys.readouterr().out
    assert "华东" in printed and "kpi_attainment" in printed
    assert main(["query", "select no_such_column from marts.fct_order_lines"]) == 1


def test_bi_tools_see_the_column_descriptions(published: Home):
    """dbt's descriptions are persisted as comments and published with the marts."""
    undocumented = _query(
        published,
        "select table_name, column_name from duckdb_columns() where schema_name = 'marts' and comment is null",
    )
    assert undocumented == []
    (comment,) = _query(published, "select comment from duckdb_tables() where table_name = 'kpi_attainment'")[0]
    assert "attainment" in comment
