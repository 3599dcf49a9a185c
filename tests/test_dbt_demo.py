"""The dbt project on the demo company (scale 1, seed 42): the marts the nightly job built from
its exports, then `dbt docs generate`; figures checked against the generator's own truth."""
from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import DEMO_SCALE, DEMO_SEED, built_once, home_on_published
from tests.test_dbt_project import failure_messages, query, run_dbt

pytestmark = pytest.mark.slow

PUBLIC_MARTS = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "marts").glob("*.sql"))


def _ingest_the_demo(cache: Path) -> None:
    from demo import generate
    from ingestion import ingest_paths
    from ingestion.settings import Home

    generate(cache / "landing", scale=DEMO_SCALE, seed=DEMO_SEED)
    for source in ("zoho", "fxiaoke", "sheets"):
        results = ingest_paths(source, [cache / "landing" / source], Home(cache))
        assert all(r.status == "loaded" for r in results), [(r.path, r.status) for r in results]


def demo_home(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str) -> Path:
    """A SALESDW_HOME holding the demo exports ingested (landing, raw zone, ledger). Generated and
    ingested once per test run, then copied: other test files reuse it."""
    cache, _ = built_once(tmp_path_factory, worker_id, "demo_raw_zone", _ingest_the_demo)
    home = tmp_path_factory.mktemp(name)
    for part in ("landing", "raw", "ledger"):
        if (cache / part).exists():
            shutil.copytree(cache / part, home / part, dirs_exist_ok=True)
    (home / "build").mkdir(exist_ok=True)
    return home


@pytest.fixture(scope="module")
def demo(published, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo as the nightly job built it (the `published` fixture), documented by `dbt docs
    generate` in a home of its own on a copy of its build database."""
    home = home_on_published(published, tmp_path_factory.mktemp("dbt_demo") / "home")
    docs = run_dbt(home, "docs", "generate")
    assert docs.success, failure_messages(docs)
    return home


def build_db(home: Path) -> Path:
    return home / "build" / "sales_build.duckdb"


@pytest.fixture(scope="module")
def truth(demo_truth):
    """The generator's own records (conftest's session fixture, same scale and seed)."""
    return demo_truth


def test_revenue_of_every_order_line_equals_the_generators(demo: Path, truth) -> None:
    lines = {
        (source, order_id, line_no): (revenue_cny, is_cancelled)
        for source, order_id, line_no, revenue_cny, is_cancelled in query(build_db(demo), """
            select source_system, order_id, line_no, revenue_cny, is_cancelled from marts.fct_order_lines""")
    }
    expected = truth.order_lines
    assert len(lines) == len(expected)
    for row in expected.itertuples():
        revenue_cny, is_cancelled = lines[(row.source_system, row.order_id, row.line_no)]
        assert abs(revenue_cny - Decimal(str(round(row.revenue_cny, 4)))) <= Decimal("0.0002"), row
        assert is_cancelled == row.is_cancelled, row
    [(total,)] = query(build_db(demo), "select sum(revenue_cny) from marts.fct_order_lines where not is_cancelled")
    assert abs(float(total) - expected.loc[~expected.is_cancelled, "revenue_cny"].sum()) < 1


def test_the_rep_who_moved_keeps_each_months_revenue_in_that_months_region(demo: Path, truth) -> None:
    lines = truth.order_lines
    mover = lines[(lines.rep_id == "R003") & ~lines.is_cancelled]
    expected = mover.groupby([mover.order_date.dt.strftime("%Y-%m"), "region"]).revenue_cny.sum()
    actual = {
        (month, region): float(revenue)
        for month, region, revenue in query(build_db(demo), """
            select strftime(order_date, '%Y-%m'), region_name, sum(revenue_cny)
            from marts.fct_order_lines where rep_id = 'R003' and not is_cancelled group by 1, 2""")
    }
    assert set(actual) == set(expected.index)
    for key, revenue in expected.items():
        assert abs(actual[key] - revenue) < 0.01, key
    assert {region for month, region in actual if month < "2025-07"} == {"华东"}
    assert {region for month, region in actual if month >= "2025-07"} == {"华南"}


def test_dim_product_is_one_row_per_product_code_across_both_crms(demo: Path, truth) -> None:
    products = query(build_db(demo), """
        select product_code, product_line_name, product_names, source_systems, source_records from marts.dim_product""")
    assert len(products) == len(truth.products) == 15
    assert {p[3] for p in products} == {"fxiaoke, zoho"} and {p[4] for p in products} == {2}
    lines_by_code = dict(zip(truth.products.product_code, truth.products.product_name_zh))
    for code, line, names, _, _ in products:
        assert names.startswith(lines_by_code[code] + " / "), (code, names)
    # Revenue by product line is one figure per line, whichever CRM sold it (the lines' own words).
    by_line = dict(query(build_db(demo), """
        select products.product_line_name, sum(lines.revenue_cny)
        from marts.fct_order_lines as lines
        inner join marts.dim_product as products on lines.product_key = products.product_key
        where not lines.is_cancelled group by 1"""))
    valid = truth.order_lines[~truth.order_lines.is_cancelled]
    expected = valid.groupby("product_line").revenue_cny.sum()
    assert set(by_line) == set(expected.index) == {"网络设备", "安防监控", "软件与服务"}
    for line, revenue in expected.items():
        assert abs(float(by_line[line]) - revenue) < 1, line


def test_no_two_demo_customers_are_taken_for_one(demo: Path, truth) -> None:
    # The demo's two divisions have separate customers: matching must not merge any of them.
    [(records, masters, versions, current)] = query(build_db(demo), """
        select count(distinct customer_key), count(distinct customer_master_key), count(*),
               count(*) filter (where is_current and is_master_record)
        from marts.dim_customer""")
    assert records == masters == versions == current == len(truth.customers)


def test_every_opportunity_has_its_stage_history_ending_in_its_current_stage(demo: Path, truth) -> None:
    [(opportunities, without_history, wrong_current)] = query(build_db(demo), """
        select
            count(*),
            count(*) filter (where not exists (
                select 1 from marts.fct_opportunity_stage_history as h where h.opportunity_key = o.opportunity_key)),
            count(*) filter (where exists (
                select 1 from marts.fct_opportunity_stage_history as h
                where h.opportunity_key = o.opportunity_key and h.is_current_stage and h.source_stage <> o.source_stage))
        from marts.fct_opportunities as o""")
    assert (opportunities, without_history, wrong_current) == (len(truth.opportunities), 0, 0)
    [(rows, exported, open_rows)] = query(build_db(demo), """
        select count(*), count(*) filter (where history_origin = 'exported'), count(*) filter (where left_at is null)
        from marts.fct_opportunity_stage_history""")
    assert rows == exported == len(truth.stage_history) and open_rows == opportunities


def test_zoho_meetings_without_customer_or_venue_are_internal_not_visits(demo: Path, truth) -> None:
    counts = dict(((s, k), n) for s, k, n in query(build_db(demo), """
        select source_system, activity_type_code, count(*) from marts.fct_activities group by 1, 2"""))
    expected = truth.activities.groupby(["source_system", "kind"]).size().to_dict()
    assert counts == expected
    assert counts[("zoho", "internal_meeting")] > 0


def test_docs_catalog_lists_every_public_mart_with_its_columns(demo: Path) -> None:
    catalog = json.loads((demo / "dbt_target" / "catalog.json").read_text(encoding="utf-8"))
    manifest = json.loads((demo / "dbt_target" / "manifest.json").read_text(encoding="utf-8"))
    for name in PUBLIC_MARTS:
        entry = catalog["nodes"][f"model.salesdw.{name}"]
        assert entry["metadata"]["schema"] == "marts"
        described = manifest["nodes"][f"model.salesdw.{name}"]["columns"]
        assert {c.lower() for c in entry["columns"]} == set(described), name
    assert "snapshot.salesdw.customers_snapshot" in catalog["nodes"]
    assert (demo / "dbt_target" / "index.html").exists()


def test_exposures_declare_the_dashboards_and_report_reading_the_marts(demo: Path) -> None:
    manifest = json.loads((demo / "dbt_target" / "manifest.json").read_text(encoding="utf-8"))
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert set(exposures) == {"sales_performance_dashboard", "monthly_sales_review", "benchmark_dashboard"}
    assert {e["type"] for e in exposures.values()} == {"dashboard", "analysis"}
    for exposure in exposures.values():
        parents = exposure["depends_on"]["nodes"]
        assert parents and all(p.split(".")[-1] in PUBLIC_MARTS for p in parents), exposure["name"]
        assert exposure["owner"]["email"] and exposure["description"].strip()
    # Lineage: every fact a report reads is upstream of one of them.
    read = {p.split(".")[-1] for e in exposures.values() for p in e["depends_on"]["nodes"]}
    assert {"fct_order_lines", "fct_opportunity_stage_history", "dim_customer", "fct_benchmarks"} <= read
