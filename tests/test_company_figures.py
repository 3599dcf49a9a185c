"""A second company, written by hand (tests/fixtures/company, not demo/), loaded as a new user
would — `salesdw ingest` per source, then `salesdw build` — and its published figures compared
with the hand sums of tests/fixtures/company/README.md."""

from __future__ import annotations

import re

from decimal import Decimal

import pytest

from orchestration.cli import main
from tests.fixtures.company.landing import Loaded

pytestmark = pytest.mark.slow

# Hand sums (README.md): revenue in CNY of lines not cancelled / void, by owner rep × order month.
REVENUE = {
    ("Q01", "2025-01"): Decimal("10600.00"),   # 7600 + 3000
    ("Q01", "2025-06"): Decimal("20000.00"),   # 15000 + 5000; status Pending Finance is unknown: not cancelled
    ("Q02", "2025-02"): Decimal("3600.00"),    # 500 USD × 7.20
    ("Q04", "2025-02"): Decimal("29053.31"),   # 小计 27000.00 + 2053.31 (not 7 × 333.33 × 0.88 = 2053.3128)
    ("Q04", "2025-03"): Decimal("15000.00"),   # 订单状态 待财务审核 is unknown: not cancelled
    ("Q03", "2025-05"): Decimal("14299.99"),   # 13300.00 + 999.99
}
ORDERS = {key: 1 for key in REVENUE}
COLLECTIONS = {"2025-02": Decimal("20000.00"), "2025-03": Decimal("9053.31"),
               "2025-04": Decimal("15000.00"), "2025-06": Decimal("7000.00")}
# (won, lost) by owner rep × close quarter
WIN_LOSS = {
    ("Q01", "2025-Q1"): (1, 1), ("Q01", "2025-Q2"): (1, 0),   # Lvye Phase 2: unknown stage, probability 100 → won
    ("Q02", "2025-Q1"): (1, 0), ("Q02", "2025-Q2"): (0, 1),
    ("Q04", "2025-Q1"): (2, 0), ("Q04", "2025-Q2"): (0, 1),   # two 商机 named 年度采购: SJ-2501 and SJ-2502
    ("Q03", "2025-Q1"): (0, 1), ("Q03", "2025-Q2"): (1, 0),
}

# The pipeline at the end of a past day (README.md, "Pipeline on past days"), from the three Deals
# exports of 15 March, 1 May and 1 July: (stage, amount, probability, expected close date) by deal.
PIPELINE_ON = {
    "2025-04-10": {
        "zcrm_5210000000200004": ("Qualification", Decimal("18000"), Decimal("0.10"), "2025-05-31"),
        "zcrm_5210000000200005": ("Qualification", Decimal("12000"), Decimal("0.10"), "2025-06-30"),
        "zcrm_5210000000200006": ("Needs Analysis", Decimal("3000"), Decimal("0.20"), "2025-04-30"),
    },
    "2025-04-25": {  # Lvye Phase 2 re-quoted on 20 April; Hengda Service lost on 12 April
        "zcrm_5210000000200004": ("Proposal/Price Quote", Decimal("20000"), Decimal("0.75"), "2025-05-30"),
        "zcrm_5210000000200005": ("Qualification", Decimal("12000"), Decimal("0.10"), "2025-06-30"),
    },
}


@pytest.fixture
def loaded(company_loaded: Loaded) -> Loaded:
    return company_loaded


def test_every_file_loads(loaded: Loaded) -> None:
    assert not re.search(r"^rejected ", loaded.output, re.M), loaded.output
    assert loaded.output.count("loaded   ") == 13, loaded.output


def test_revenue_by_rep_and_month(loaded: Loaded) -> None:
    rows = loaded.query("""
        select rep_id, strftime(order_date, '%Y-%m'), sum(revenue_cny)
        from marts.fct_order_lines where not is_cancelled group by all""")
    assert {(r, m): Decimal(str(v)).quantize(Decimal("0.01")) for r, m, v in rows} == REVENUE
    exact = loaded.query("select sum(revenue_cny) from marts.fct_order_lines where not is_cancelled and rep_id = 'Q04'")
    assert Decimal(str(exact[0][0])) == Decimal("44053.31")  # the CRM's 小计 to the cent, not a recomputation


def test_orders_by_rep_and_month(loaded: Loaded) -> None:
    rows = loaded.query("""
        select rep_id, strftime(order_date, '%Y-%m'), count(*)
        from marts.fct_orders where not is_cancelled group by all""")
    assert {(r, m): n for r, m, n in rows} == ORDERS


def test_attainment_actuals_are_the_hand_sums(loaded: Loaded) -> None:
    """The KPI mart's actuals (int_targets__daily_actuals → kpi_attainment) per rep × month: the
    hand-summed revenue, and each order once though it has several lines (Q01's January order)."""
    rows = loaded.query("""
        select scope_id, strftime(period_start, '%Y-%m'), metric, actual
        from marts.kpi_attainment
        where period_grain = 'month' and scope_type = 'rep' and metric in ('revenue', 'orders') and actual <> 0""")
    assert {(r, m): Decimal(str(v)).quantize(Decimal("0.01")) for r, m, metric, v in rows if metric == "revenue"} == REVENUE
    assert {(r, m): int(v) for r, m, metric, v in rows if metric == "orders"} == ORDERS


def test_collections_by_month(loaded: Loaded) -> None:
    rows = loaded.query("select strftime(payment_month, '%Y-%m'), sum(amount_cny) from marts.fct_payments group by 1")
    assert {m: Decimal(str(v)).quantize(Decimal("0.01")) for m, v in rows} == COLLECTIONS


def test_won_and_lost_by_rep_and_quarter(loaded: Loaded) -> None:
    rows = loaded.query("""
        select rep_id, strftime(closed_date, '%Y') || '-Q' || quarter(closed_date),
               count(*) filter (where is_won), count(*) filter (where is_lost)
        from marts.fct_opportunities where not is_open group by all""")
    assert {(r, q): (w, lost) for r, q, w, lost in rows} == WIN_LOSS


def test_unknown_picklist_values_are_warnings_naming_value_count_and_seed(loaded: Loaded) -> None:
    assert "check failed" not in loaded.output
    warnings = [line for line in loaded.output.splitlines() if line.startswith("WARNING")]
    assert any("source_status='待财务审核'" in w and "order_status_mapping.csv" in w for w in warnings), loaded.output
    assert any("source_status='Pending Finance'" in w and "order_status_mapping.csv" in w for w in warnings), loaded.output
    assert any("source_stage='Won - Contract Signed'" in w and "unresolved_rows=1" in w and "stage_mapping.csv" in w
               for w in warnings), loaded.output


def test_status_shows_the_warnings_of_the_last_run(loaded: Loaded, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SALESDW_HOME", str(loaded.home.root))
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "source_status='待财务审核'" in out and "warnings=" in out


def test_customer_regions_from_places_as_people_write_them(loaded: Loaded) -> None:
    """Hangzhou / shenzhen / GUANGDONG / 苏州市 / 江苏省 / 北京市 / 浙江 / 天津: all mapped, no warning."""
    rows = loaded.query("select customer_name, region_code from marts.dim_customer where is_current")
    assert dict(rows) == {
        "Hangzhou Lvye Tech": "EAST", "Shenzhen Bluewave Ltd": "SOUTH", "Suzhou Hengda Co": "EAST",
        "北京华信科技有限公司": "NORTH", "杭州云泽贸易有限公司": "EAST", "天津港联物流有限公司": "NORTH",
    }
    assert "region_code" not in "\n".join(line for line in loaded.output.splitlines() if line.startswith("WARNING"))



@pytest.mark.parametrize("day", sorted(PIPELINE_ON))
def test_pipeline_as_it_stood_on_a_past_day(loaded: Loaded, day: str) -> None:
    rows = loaded.query(f"""
        select opportunity_id, source_stage, amount_cny, win_probability, strftime(expected_close_date, '%Y-%m-%d')
        from marts.fct_pipeline_daily where pipeline_date = date '{day}'""")
    assert {o: (s, Decimal(str(a)), Decimal(str(p)), c) for o, s, a, p, c in rows} == PIPELINE_ON[day]


def test_forecast_of_may_taken_a_month_before_against_the_actual(loaded: Loaded) -> None:
    """On 1 April only Lvye Phase 2 (18,000 at 10 %) was expected in May: 1,800 weighted; May sold
    14,299.99 (DD-2503). Zoho and Fxiaoke have no forecast category: no commit forecast."""
    rows = loaded.query("""
        select forecast_method, forecast, actual, forecast_error, error_pct, bias_pct
        from marts.kpi_forecast_accuracy
        where period_grain = 'month' and period_start = date '2025-05-01' and lead_days = 30
            and scope_type = 'company'""")
    by_method = {method: rest for method, *rest in rows}
    forecast, actual, error, error_pct, bias_pct = by_method["weighted_pipeline"]
    assert (forecast, actual, error) == (Decimal("1800"), Decimal("14299.99"), Decimal("-12499.99"))
    assert error_pct == pytest.approx(12499.99 / 14299.99) and bias_pct == pytest.approx(-12499.99 / 14299.99)
    assert by_method["commit"][0] is None and by_method["commit"][3] is None


def test_growth_month_over_month_of_a_company_without_product_lines(loaded: Loaded) -> None:
    """The company's CRMs export no product catalogue, so no product has a category: its revenue
    is growth under 未分类 (var unclassified_product_line), not left out (the mart was empty).
    Months from REVENUE: Jan 10,600; Feb 32,653.31; Mar 15,000; Apr 0; May 14,299.99. The first
    order falls in January, so January and February have no complete previous month to compare
    with (null); March 15,000 / 32,653.31 − 1; April 0 / 15,000 − 1 = −1; May's base is 0 (null)."""
    monthly: dict[str, Decimal] = {}
    for (_, month), revenue in REVENUE.items():
        monthly[month] = monthly.get(month, Decimal(0)) + revenue
    rows = loaded.query("""
        select strftime(period_start, '%Y-%m'), product_line, revenue, growth_vs_previous, contribution_to_growth_vs_previous
        from marts.kpi_growth_trends
        where scope_type = 'company' and period_grain = 'month' and comparison_basis = 'whole period'""")
    assert {m for m, *_ in rows} == {"2025-01", "2025-02", "2025-03", "2025-04", "2025-05"}
    assert {line for _, line, *_ in rows} == {"未分类"}
    by_month = {m: (Decimal(str(revenue)), growth, contribution) for m, _, revenue, growth, contribution in rows}
    assert {m: figures[0] for m, figures in by_month.items()} == {**{m: monthly[m] for m in monthly if m != "2025-06"},
                                                                  "2025-04": Decimal(0)}
    expected_growth = {"2025-01": None, "2025-02": None, "2025-03": 15000 / 32653.31 - 1, "2025-04": -1.0, "2025-05": None}
    for month, growth in expected_growth.items():
        actual, contribution = by_month[month][1], by_month[month][2]
        assert actual == pytest.approx(growth, abs=1e-12) if growth is not None else actual is None, month
        assert contribution == actual or contribution == pytest.approx(actual, abs=1e-12), "one line: it is all the growth"
    regions = loaded.query("""
        select period_start, sum(revenue) from marts.kpi_growth_trends
        where scope_type = 'region' and period_grain = 'month' group by 1
        except
        select period_start, revenue from marts.kpi_growth_trends
        where scope_type = 'company' and period_grain = 'month'""")
    assert regions == [], "every order owner has a region: the regions sum to the company"


def test_customer_segments_at_the_end_of_may_and_june(loaded: Loaded) -> None:
    """Trailing-12-month revenue per customer (README revenue table, by the order's customer):
    Lvye 10,600 (Jan) + 20,000 (Jun); 华信 29,053.31; 天津港联 15,000; 云泽 14,299.99; Bluewave
    3,600; Hengda none. High-value is the top 20 % of six customers: one, the largest — 华信 at
    the end of May, Lvye once June's order lands. Nobody's last order is 180 days old (at-risk)
    and the open pipeline of the others is below 20 % of the high-value revenue: the rest general."""
    rows = loaded.query("""
        select strftime(as_of_month, '%Y-%m'), customer_name, segment, revenue_12m, orders_12m
        from marts.kpi_customer_segments where as_of_month in (date '2025-05-01', date '2025-06-01')""")
    revenue = {"Hangzhou Lvye Tech": Decimal("10600"), "北京华信科技有限公司": Decimal("29053.31"),
               "天津港联物流有限公司": Decimal("15000"), "杭州云泽贸易有限公司": Decimal("14299.99"),
               "Shenzhen Bluewave Ltd": Decimal("3600"), "Suzhou Hengda Co": Decimal("0")}
    may = {name: (segment, Decimal(str(r)), n) for month, name, segment, r, n in rows if month == "2025-05"}
    june = {name: (segment, Decimal(str(r)), n) for month, name, segment, r, n in rows if month == "2025-06"}
    assert may == {name: ("high_value" if name == "北京华信科技有限公司" else "general", r, int(r > 0))
                   for name, r in revenue.items()}
    revenue["Hangzhou Lvye Tech"] += Decimal("20000")
    assert june == {name: ("high_value" if name == "Hangzhou Lvye Tech" else "general", r,
                           2 if name == "Hangzhou Lvye Tech" else int(r > 0)) for name, r in revenue.items()}
