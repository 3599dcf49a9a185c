"""The KPI marts of the published warehouse against an independent pandas computation from the
demo generator's own records (`demo_truth`): the same figure, reached without the warehouse.

Each check follows ../shared/KPI_DEFINITIONS.md literally on the truth frames — revenue of
non-cancelled lines by order date and the owner's region on that date, win rate by close date,
and so on — and compares it with the mart a BI tool would read.
"""
from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from tests.conftest import documented_kpi_queries

pytestmark = pytest.mark.slow

MONEY_TOLERANCE = 0.05  # CNY: the warehouse rounds each line to 4 decimals
RATIO_TOLERANCE = 1e-9
BENCHMARK_RATE_TOLERANCE = 5e-5  # kpi_benchmark holds every KPI as money, DECIMAL(38,4)


@pytest.fixture(scope="module")
def marts(published):
    con = duckdb.connect(str(published.published_db), read_only=True)
    yield lambda sql: con.execute(sql).df()
    con.close()


@pytest.fixture(scope="module")
def as_of(marts) -> pd.Timestamp:
    value = marts("select max(as_of_date) as d from marts.kpi_attainment")["d"].iloc[0]
    return pd.Timestamp(value)


@pytest.fixture(scope="module")
def truth_lines(demo_truth, as_of) -> pd.DataFrame:
    lines = demo_truth.order_lines
    lines = lines[~lines["is_cancelled"] & (lines["order_date"] <= as_of)].copy()
    lines["quarter_start"] = lines["order_date"].dt.to_period("Q").dt.start_time
    lines["month_start"] = lines["order_date"].dt.to_period("M").dt.start_time
    return lines


def _quarter_start(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("Q").dt.start_time


def _assert_frames_match(expected: pd.DataFrame, actual: pd.DataFrame, keys: list[str], value: str,
                         tolerance: float) -> None:
    merged = expected.merge(actual, on=keys, how="outer", suffixes=("_truth", "_mart"), indicator=True)
    missing = merged[merged["_merge"] != "both"]
    assert missing.empty, f"rows only on one side:\n{missing.head(20)}"
    truth, mart = merged[f"{value}_truth"].astype(float), merged[f"{value}_mart"].astype(float)
    both_null = truth.isna() & mart.isna()
    off = merged[~both_null & ~((truth - mart).abs() <= tolerance)]
    assert off.empty, f"{value} differs for {len(off)} rows:\n{off.head(20)}"


def test_revenue_by_region_and_quarter(marts, truth_lines):
    expected = (truth_lines.groupby(["region", "quarter_start"], as_index=False)["revenue_cny"].sum()
                .rename(columns={"region": "scope_name", "quarter_start": "period_start", "revenue_cny": "actual"}))
    actual = marts("""
        select scope_name, period_start, actual from marts.kpi_attainment
        where scope_type = 'region' and period_grain = 'quarter' and metric = 'revenue' and to_date_label <> 'future'
    """)
    actual["period_start"] = pd.to_datetime(actual["period_start"])
    actual = actual[actual["actual"] != 0]  # active regions without sales in a quarter: zero rows
    _assert_frames_match(expected, actual, ["scope_name", "period_start"], "actual", MONEY_TOLERANCE)


def test_company_revenue_by_month_adds_up(marts, truth_lines):
    expected = (truth_lines.groupby("month_start", as_index=False)["revenue_cny"].sum()
                .rename(columns={"month_start": "period_start", "revenue_cny": "actual"}))
    actual = marts("""
        select period_start, actual from marts.kpi_attainment
        where scope_type = 'company' and period_grain = 'month' and metric = 'revenue' and to_date_label <> 'future'
    """)
    actual["period_start"] = pd.to_datetime(actual["period_start"])
    _assert_frames_match(expected, actual, ["period_start"], "actual", MONEY_TOLERANCE)


def test_attainment_by_rep_against_explicit_monthly_targets(marts, demo_truth, truth_lines, as_of):
    targets = demo_truth.targets
    targets = targets[(targets["scope_type"] == "rep") & (targets["metric"] == "revenue")].copy()
    targets["period_start"] = pd.to_datetime(targets["period"] + "-01")
    targets = targets[targets["period_start"] <= as_of]
    revenue = truth_lines.groupby(["rep_id", "month_start"], as_index=False)["revenue_cny"].sum()
    expected = targets.merge(revenue, left_on=["scope", "period_start"], right_on=["rep_id", "month_start"], how="left")
    expected["revenue_cny"] = expected["revenue_cny"].fillna(0.0)
    expected["attainment"] = expected["revenue_cny"] / expected["target"]
    expected = expected.rename(columns={"scope": "scope_id"})[["scope_id", "period_start", "attainment"]]
    assert len(expected) > 0

    actual = marts("""
        select scope_id, period_start, attainment from marts.kpi_attainment
        where scope_type = 'rep' and period_grain = 'month' and metric = 'revenue' and target_source = 'explicit'
            and to_date_label <> 'future'
    """)
    actual["period_start"] = pd.to_datetime(actual["period_start"])
    _assert_frames_match(expected, actual, ["scope_id", "period_start"], "attainment", 1e-6)

    scorecard = marts("""
        select rep_id as scope_id, period_start, attainment from marts.kpi_rep_scorecard
        where period_grain = 'month'
    """)
    scorecard["period_start"] = pd.to_datetime(scorecard["period_start"])
    _assert_frames_match(expected, scorecard.merge(expected[["scope_id", "period_start"]]),
                         ["scope_id", "period_start"], "attainment", 1e-6)


@pytest.fixture(scope="module")
def first_period(marts) -> pd.Timestamp:
    """The marts report from the period of the first order on (no earlier history)."""
    return pd.Timestamp(marts("select min(period_start) as d from marts.kpi_attainment")["d"].iloc[0])


@pytest.fixture(scope="module")
def closed_opportunities(demo_truth, as_of, first_period) -> pd.DataFrame:
    opportunities = demo_truth.opportunities
    closed = opportunities[opportunities["stage_group"].isin(["won", "lost"])
                           & (opportunities["close_date"] >= first_period)
                           & (opportunities["close_date"] <= as_of)].copy()
    closed["quarter_start"] = _quarter_start(closed["close_date"])
    closed["is_won"] = closed["stage_group"] == "won"
    return closed


@pytest.fixture(scope="module")
def quarters_worked(demo_truth, as_of) -> pd.DataFrame:
    """(rep_id, period_start) of every quarter in which the roster assigns the rep for a day up to
    the as-of date: the scorecard's rows (a rep who left has none for later quarters)."""
    reps = demo_truth.reps.copy()
    reps["valid_from"] = pd.to_datetime(reps["valid_from"])
    ends = pd.concat([pd.to_datetime(reps["valid_to"]), pd.to_datetime(reps["leave_date"])], axis=1).min(axis=1)
    reps["valid_to"] = ends.fillna(as_of).clip(upper=as_of)
    reps = reps[reps["valid_from"] <= reps["valid_to"]]
    quarters = [(row.rep_id, quarter.start_time)
                for row in reps.itertuples()
                for quarter in pd.period_range(row.valid_from, row.valid_to, freq="Q")]
    return pd.DataFrame(quarters, columns=["rep_id", "period_start"]).drop_duplicates()


def test_win_rate_by_quarter_company_and_rep(marts, closed_opportunities, quarters_worked):
    company = (closed_opportunities.groupby("quarter_start")["is_won"].mean()
               .rename("actual").reset_index().rename(columns={"quarter_start": "period_start"}))
    actual = marts("""
        select period_start, actual from marts.kpi_benchmark
        where kpi = 'win_rate' and scope_type = 'company' and period_grain = 'quarter'
    """)
    actual["period_start"] = pd.to_datetime(actual["period_start"])
    _assert_frames_match(company, actual, ["period_start"], "actual", BENCHMARK_RATE_TOLERANCE)

    by_rep = (closed_opportunities.groupby(["rep_id", "quarter_start"])["is_won"].mean()
              .rename("win_rate").reset_index().rename(columns={"quarter_start": "period_start"})
              .merge(quarters_worked))
    scorecard = marts("""
        select rep_id, period_start, win_rate from marts.kpi_rep_scorecard
        where period_grain = 'quarter' and win_rate is not null
    """)
    scorecard["period_start"] = pd.to_datetime(scorecard["period_start"])
    _assert_frames_match(by_rep, scorecard, ["rep_id", "period_start"], "win_rate", RATIO_TOLERANCE)


def test_average_deal_size_by_quarter(marts, closed_opportunities, quarters_worked):
    won = closed_opportunities[closed_opportunities["is_won"]]
    company = (won.groupby("quarter_start")["amount_cny"].mean().rename("actual").reset_index()
               .rename(columns={"quarter_start": "period_start"}))
    actual = marts("""
        select period_start, actual from marts.kpi_benchmark
        where kpi = 'avg_deal_size' and scope_type = 'company' and period_grain = 'quarter' and actual is not null
    """)
    actual["period_start"] = pd.to_datetime(actual["period_start"])
    _assert_frames_match(company, actual, ["period_start"], "actual", MONEY_TOLERANCE)

    by_rep = (won.groupby(["rep_id", "quarter_start"])["amount_cny"].mean().rename("avg_deal_size").reset_index()
              .rename(columns={"quarter_start": "period_start"}).merge(quarters_worked))
    scorecard = marts("""
        select rep_id, period_start, avg_deal_size from marts.kpi_rep_scorecard
        where period_grain = 'quarter' and avg_deal_size is not null
    """)
    scorecard["period_start"] = pd.to_datetime(scorecard["period_start"])
    _assert_frames_match(by_rep, scorecard, ["rep_id", "period_start"], "avg_deal_size", MONEY_TOLERANCE)


def test_new_customers_by_quarter_and_region_of_the_first_order(marts, demo_truth, as_of, first_period):
    orders = demo_truth.orders
    orders = orders[~orders["is_cancelled"]].sort_values(["order_date", "created_time", "order_id"])
    first = orders.drop_duplicates("customer_key", keep="first")
    first = first[first["order_date"] <= as_of].assign(period_start=lambda f: _quarter_start(f["order_date"]))
    # the first data quarter: who had ordered before the data starts is unknown, so no figure
    first = first[first["period_start"] > first_period]
    unknown = marts(f"""
        select actual from marts.kpi_attainment
        where metric = 'new_customers' and period_grain = 'quarter' and period_start = '{first_period.date()}'
    """)
    assert len(unknown) > 0 and unknown["actual"].isna().all()

    company = first.groupby("period_start").size().rename("actual").reset_index()
    actual = marts("""
        select period_start, actual from marts.kpi_attainment
        where scope_type = 'company' and period_grain = 'quarter' and metric = 'new_customers' and to_date_label <> 'future'
    """)
    actual["period_start"] = pd.to_datetime(actual["period_start"])
    _assert_frames_match(company, actual[actual["actual"] > 0], ["period_start"], "actual", 0)

    by_region = (first.groupby(["region", "period_start"]).size().rename("actual").reset_index()
                 .rename(columns={"region": "scope_name"}))
    regional = marts("""
        select scope_name, period_start, actual from marts.kpi_attainment
        where scope_type = 'region' and period_grain = 'quarter' and metric = 'new_customers' and actual > 0
    """)
    regional["period_start"] = pd.to_datetime(regional["period_start"])
    _assert_frames_match(by_region, regional, ["scope_name", "period_start"], "actual", 0)


def test_on_time_delivery_rate_by_quarter(marts, demo_truth, as_of):
    deliveries = demo_truth.deliveries
    due = deliveries[(deliveries["promised_date"] <= as_of) | deliveries["actual_date"].notna()].copy()
    due["on_time"] = due["actual_date"].notna() & (due["actual_date"] <= due["promised_date"])
    due["period_start"] = _quarter_start(due["promised_date"])
    expected = due.groupby("period_start")["on_time"].mean().rename("on_time_delivery_rate").reset_index()
    actual = marts("""
        select period_start, on_time_delivery_rate from marts.kpi_service_quality
        where scope_type = 'company' and period_grain = 'quarter' and deliveries > 0
    """)
    actual["period_start"] = pd.to_datetime(actual["period_start"])
    _assert_frames_match(expected, actual, ["period_start"], "on_time_delivery_rate", RATIO_TOLERANCE)
    late = marts("select sum(deliveries - on_time_deliveries) as late from marts.kpi_service_quality "
                 "where scope_type = 'company' and period_grain = 'year'")["late"].iloc[0]
    assert late == int((~due["on_time"]).sum()) > 0


def test_market_share_by_region_and_quarter(marts, demo_truth, truth_lines):
    market = demo_truth.market_size.copy()
    market["period_start"] = pd.PeriodIndex(market["period"].str.replace("-", ""), freq="Q").start_time
    own = truth_lines.groupby(["region", "quarter_start"], as_index=False)["revenue_cny"].sum()
    expected = market.merge(own, left_on=["region", "period_start"], right_on=["region", "quarter_start"], how="left")
    expected["market_share"] = expected["revenue_cny"].fillna(0.0) / expected["market_size"]
    expected = expected.rename(columns={"region": "region_name"})[["region_name", "period_start", "market_share"]]

    actual = marts("""
        select region_name, period_start, market_share from marts.kpi_market_share
        where period_grain = 'quarter' and has_market_data
    """)
    actual["period_start"] = pd.to_datetime(actual["period_start"])
    _assert_frames_match(expected, actual, ["region_name", "period_start"], "market_share", 1e-9)

    leaders = demo_truth.competitor_sales.sort_values("competitor_sales").groupby(["region", "period"]).tail(1)
    relative = market.merge(leaders, on=["region", "period"]).merge(
        own, left_on=["region", "period_start"], right_on=["region", "quarter_start"])
    relative["relative_market_share"] = relative["revenue_cny"] / relative["competitor_sales"]
    mart = marts("select region_name, period_start, relative_market_share from marts.kpi_market_share "
                 "where period_grain = 'quarter' and has_market_data")
    mart["period_start"] = pd.to_datetime(mart["period_start"])
    _assert_frames_match(relative.rename(columns={"region": "region_name"})[
        ["region_name", "period_start", "relative_market_share"]], mart,
        ["region_name", "period_start"], "relative_market_share", 1e-9)


def test_quarters_without_market_research_keep_their_row(marts):
    rows = marts("select * from marts.kpi_market_share where period_grain = 'quarter' and not has_market_data")
    assert len(rows) > 0
    assert rows["market_share"].isna().all() and (rows["own_revenue"] > 0).all()


def test_every_active_rep_has_a_scorecard_row_every_month(marts, demo_truth, as_of):
    reps = demo_truth.reps.copy()
    reps["valid_from"] = pd.to_datetime(reps["valid_from"])
    reps["valid_to"] = pd.to_datetime(reps["valid_to"])
    month = pd.Timestamp(as_of.year, as_of.month, 1)
    active = reps[(reps["valid_from"] <= as_of) & (reps["valid_to"].isna() | (reps["valid_to"] >= month))]
    card = marts(f"select rep_id, revenue from marts.kpi_rep_scorecard "
                 f"where period_grain = 'month' and period_start = '{month.date()}'")
    assert set(active["rep_id"]) <= set(card["rep_id"])
    assert card["revenue"].notna().all()


def test_unreasonable_target_is_flagged(marts):
    flagged = marts("""
        select scope_name, period_start from marts.kpi_targets
        where is_unreasonable and target_source = 'explicit' and scope_type = 'region' and metric = 'revenue'
    """)
    assert ("西南", pd.Timestamp("2026-04-01").date()) in {
        (row.scope_name, pd.Timestamp(row.period_start).date()) for row in flagged.itertuples()}


def test_decomposed_months_add_up_to_their_quarter(marts):
    sums = marts("""
        select quarter.scope_id, quarter.period_start, quarter.target_value, sum(month.target_value) as months
        from marts.kpi_targets as quarter
        inner join marts.kpi_targets as month
            on month.scope_type = quarter.scope_type and month.scope_id = quarter.scope_id
            and month.metric = quarter.metric and month.period_grain = 'month'
            and month.period_start >= quarter.period_start and month.period_start < quarter.period_end
        where quarter.period_grain = 'quarter' and quarter.scope_type = 'region' and quarter.metric = 'revenue'
            and quarter.target_source = 'explicit'
        group by all
    """)
    assert len(sums) > 0
    assert all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(sums["target_value"], sums["months"]))


def test_documented_queries_answer_from_one_mart(marts):
    """docs/kpi_queries.md: every query runs on the published warehouse and returns rows."""
    queries = documented_kpi_queries()
    assert len(queries) >= 12
    for query in queries:
        assert len(marts(query)) > 0, query


def test_quote_response_against_the_four_hour_target(marts, demo_truth, as_of, first_period):
    quotes = demo_truth.quotes
    requests = quotes[quotes["requested_time"].notna()
                      & (quotes["requested_time"] >= first_period)
                      & (quotes["requested_time"] < as_of + pd.Timedelta(days=1))].copy()
    requests["period_start"] = requests["requested_time"].dt.to_period("Y").dt.start_time
    expected = requests.groupby("period_start").agg(
        quotes_within_target=("response_hours", lambda hours: int((hours <= 4).sum())),
        median_quote_response_hours=("response_hours", "median")).reset_index()
    actual = marts("""
        select period_start, quotes_within_target, median_quote_response_hours from marts.kpi_funnel
        where scope_type = 'company' and period_grain = 'year' and stage_code = 'proposal'
    """)
    actual["period_start"] = pd.to_datetime(actual["period_start"])
    _assert_frames_match(expected, actual, ["period_start"], "quotes_within_target", 0)
    _assert_frames_match(expected, actual, ["period_start"], "median_quote_response_hours", 1e-6)


@pytest.mark.parametrize("table, columns", [
    ("kpi_attainment", ["period_grain", "period_start", "scope_type", "scope_id", "scope_name", "metric", "actual",
                        "target", "gap", "attainment", "run_rate_forecast", "rank_in_peers"]),
    ("kpi_rep_scorecard", ["period_grain", "period_start", "rep_id", "rep_name", "region_name", "team_name", "revenue",
                           "revenue_target", "attainment", "orders", "new_customers", "win_rate", "avg_deal_size",
                           "sales_cycle_days", "calls_per_day", "visits", "csat", "rank_in_region", "commission"]),
])
def test_dashboard_column_contract(marts, table, columns):
    """BI dashboards are built on these names (issue 7): columns may be added, never renamed."""
    present = set(marts(f"select * from marts.{table} limit 0").columns)
    assert set(columns) <= present, set(columns) - present


def test_a_measure_has_one_type_across_the_public_marts(marts):
    """One measure, one type (KPI_DEFINITIONS "Conventions"): a numeric column name has the same
    type in every public mart; money keeps four decimals (DECIMAL(38,4) in the KPI marts, the
    facts' DECIMAL(18,4) under their own names), rates are DOUBLE, nothing is a 4-byte FLOAT."""
    columns = marts("""
        select table_name, column_name, data_type from information_schema.columns
        where table_schema = 'marts'
    """)
    numeric = columns[columns["data_type"].str.match(r"DECIMAL|BIGINT|INTEGER|HUGEINT|DOUBLE|FLOAT|REAL")]
    types = numeric.groupby("column_name")["data_type"].unique()
    mixed = types[types.map(len) > 1]
    assert mixed.empty, f"one name, several types:\n{mixed}"
    assert not numeric["data_type"].isin(["FLOAT", "REAL"]).any()
    kpi_decimals = numeric[numeric["table_name"].str.startswith("kpi_")
                           & numeric["data_type"].str.startswith("DECIMAL")]
    assert set(kpi_decimals["data_type"]) <= {"DECIMAL(38,4)", "DECIMAL(18,4)"}
    kpi_columns = numeric[numeric["table_name"].str.startswith("kpi_")]
    rates = kpi_columns[kpi_columns["column_name"].str.contains(r"rate$|attainment$|^growth|share$")]
    assert (rates["data_type"] == "DOUBLE").all(), rates[rates["data_type"] != "DOUBLE"]


def test_no_rate_outside_zero_and_one_unless_documented(marts):
    """Shares, rates and coverages of the KPI marts are fractions of a whole, within [0, 1].
    Documented as unbounded: growth (−1 … ∞), attainment and actual_vs_* (ratios to a reference),
    pipeline_coverage (pipeline / remaining target), share_change (a difference), the price index."""
    columns = marts("""
        select table_name, column_name from information_schema.columns
        where table_schema = 'marts' and table_name like 'kpi%' and data_type = 'DOUBLE'
    """)
    fractions = columns[columns["column_name"].str.contains(r"(?:_rate|share|coverage|churn_risk)$")
                        & ~columns["column_name"].isin(["pipeline_coverage"])]
    assert len(fractions) >= 5
    for row in fractions.itertuples():
        outside = marts(f"""
            select count(*) as n from marts.{row.table_name}
            where {row.column_name} < 0 or {row.column_name} > 1
        """)["n"].iloc[0]
        assert outside == 0, f"{row.table_name}.{row.column_name}: {outside} rows outside [0, 1]"


def test_no_future_period_has_an_actual(marts):
    future = marts("""
        select 'kpi_attainment' as mart, count(*) as n from marts.kpi_attainment
        where to_date_label = 'future' and (actual is not null or attainment is not null or rank_in_peers is not null)
        union all
        select 'kpi_pipeline_forecast', count(*) from marts.kpi_pipeline_forecast
        where to_date_label = 'future' and actual_revenue is not null
    """)
    assert (future["n"] == 0).all(), future
    assert marts("select count(*) as n from marts.kpi_attainment where to_date_label = 'future'")["n"].iloc[0] > 0


def test_collections_are_null_where_no_crm_delivers_payments(marts, demo_truth):
    """Zoho CRM has no payments entity: the collections of a rep or region whose orders all come
    from a CRM without a payment loaded are unknown (NULL), not 0; where a CRM that delivers
    payments is involved, every begun period has a number. Sources that deliver payments are
    read from the generator's payments, not named."""
    paying = set(demo_truth.payments["source_system"])
    orders = demo_truth.orders
    assert paying and set(orders["source_system"]) - paying, "the demo needs both kinds of CRM"
    known = {
        scope: set(orders.loc[orders["source_system"].isin(paying), column])
        for scope, column in (("rep", "rep_id"), ("region", "region"))  # region: its name
    }
    rows = marts("""
        select scope_type, case scope_type when 'rep' then scope_id else scope_name end as scope,
            count(actual) as known, count(*) - count(actual) as unknown
        from marts.kpi_attainment
        where metric = 'collections' and to_date_label <> 'future' and scope_type in ('rep', 'region')
        group by 1, 2
    """)
    assert len(rows) > 0
    for row in rows.itertuples():
        if row.scope in known[row.scope_type]:
            assert row.unknown == 0, f"{row.scope_type} {row.scope}: {row.unknown} periods without collections"
        else:
            assert row.known == 0, f"{row.scope_type} {row.scope} has no paying CRM but {row.known} collections"
    assert (rows["unknown"] > 0).any() and (rows["known"] > 0).any()
    benchmark = marts("""
        select count(*) filter (where actual is null) as unknown, count(*) filter (where actual = 0) as zero
        from marts.kpi_benchmark where kpi = 'collections' and scope_type = 'rep'
    """)
    assert benchmark["unknown"].iloc[0] > 0
