"""What the report shows: one function per section, each a few queries on the public marts.

A section is a list of tables (typed columns, so the HTML page and the Excel pack format the
same figure the same way) and charts. Periods are those that contain the report's as-of date;
figures are read as the marts hold them, never recomputed here: a report shows what BI shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import duckdb
import pandas as pd

from ingestion.settings import Home
from reporting import charts
from reporting.labels import Labels

Kind = Literal["text", "date", "money", "count", "percent", "number", "flag"]


@dataclass(frozen=True)
class Column:
    name: str  # column of the DataFrame
    label: str  # key in labels.LABELS
    kind: Kind


@dataclass
class Table:
    key: str  # stable id: Excel sheet name and HTML anchor
    title: str  # key in labels.LABELS
    columns: list[Column]
    frame: pd.DataFrame
    attainment_columns: tuple[str, ...] = ()  # coloured red / amber / green


@dataclass
class Chart:
    key: str
    title: str
    spec: dict  # Vega-Lite, inline data


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    con: duckdb.DuckDBPyConnection
    home: Home
    as_of: dt.date
    labels: Labels

    def frame(self, sql: str, *params: object) -> pd.DataFrame:
        return self.con.execute(sql, list(params)).df()

    def codes(self, frame: pd.DataFrame, column: str, prefix: str) -> pd.DataFrame:
        """Replace codes (kpi, segment, grain) with their label in the report's language."""
        if column in frame and len(frame):
            frame[column] = [self.labels.value(prefix, code) for code in frame[column]]
        return frame

    def has_table(self, name: str) -> bool:
        return bool(self.con.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = ?", [name],
        ).fetchone()[0])


def _grain_order(column: str = "period_grain") -> str:
    return f"case {column} when 'month' then 1 when 'quarter' then 2 else 3 end"


def headline(ctx: Context) -> Section:
    kpis = ctx.frame(
        f"""
        select metric, period_grain, period_start, to_date_label, actual, target, attainment,
               run_rate_attainment, actual_last_year_to_date, growth_vs_last_year_to_date
        from marts.kpi_attainment
        where scope_type = 'company' and ? between period_start and period_end
        order by case metric when 'revenue' then 1 when 'orders' then 2 when 'new_customers' then 3
                 when 'collections' then 4 else 5 end, metric, {_grain_order()}
        """,
        ctx.as_of,
    )
    ctx.codes(kpis, "metric", "kpi")
    ctx.codes(kpis, "period_grain", "grain")
    ctx.codes(kpis, "to_date_label", "span")
    trend = ctx.frame(
        """
        select period_start as month, actual, target, actual_last_year as last_year
        from marts.kpi_attainment
        where scope_type = 'company' and metric = 'revenue' and period_grain = 'month'
          and period_start <= ? and period_start > ? - interval 24 month
        order by period_start
        """,
        ctx.as_of, ctx.as_of,
    )
    return Section("headline", "headline", tables=[
        Table("headline", "headline", [
            Column("metric", "kpi", "text"), Column("period_grain", "period", "text"),
            Column("period_start", "period_start", "date"), Column("to_date_label", "to_date", "text"),
            Column("actual", "actual", "number"), Column("target", "target", "number"),
            Column("attainment", "attainment_rate", "percent"),
            Column("run_rate_attainment", "run_rate_attainment", "percent"),
            Column("actual_last_year_to_date", "last_year", "number"),
            Column("growth_vs_last_year_to_date", "growth", "percent"),
        ], kpis, attainment_columns=("attainment", "run_rate_attainment")),
    ], charts=[Chart("headline_trend", "headline_trend", charts.revenue_trend(trend, ctx.labels))])


def attainment(ctx: Context) -> Section:
    def ranked(scope_type: str) -> pd.DataFrame:
        return ctx.frame(
            """
            select a.scope_name, r.scope_name as region_name, a.actual, a.target, a.attainment, a.rank_in_peers
            from marts.kpi_attainment as a
            left join (select distinct scope_id, scope_name from marts.kpi_attainment where scope_type = 'region') as r
              on a.parent_scope_type = 'region' and r.scope_id = a.parent_scope_id
            where a.scope_type = ? and a.metric = 'revenue' and a.period_grain = 'quarter'
              and ? between a.period_start and a.period_end
            order by a.rank_in_peers nulls last, a.scope_name
            """,
            scope_type, ctx.as_of,
        )

    regions, reps = ranked("region"), ranked("rep")
    columns = [Column("actual", "actual", "money"), Column("target", "target", "money"),
               Column("attainment", "attainment_rate", "percent"), Column("rank_in_peers", "rank", "count")]
    return Section("attainment", "attainment", tables=[
        Table("attainment_regions", "attainment_regions", [Column("scope_name", "region", "text"), *columns],
              regions, attainment_columns=("attainment",)),
        Table("attainment_reps", "attainment_reps",
              [Column("scope_name", "rep", "text"), Column("region_name", "region", "text"), *columns],
              reps, attainment_columns=("attainment",)),
    ], charts=[
        Chart("attainment_regions", "attainment_regions", charts.attainment_bars(regions, ctx.labels, "region")),
        Chart("attainment_reps", "attainment_reps", charts.attainment_bars(reps, ctx.labels, "rep")),
    ])


def benchmark(ctx: Context) -> Section:
    """对标: this year against target, last year, the best internal peer, the peer median and the
    external benchmark, for the company and each region."""
    frame = ctx.frame(
        """
        select scope_name, kpi, actual, target, last_year, internal_best, internal_best_scope_name,
               peer_median, external_benchmark
        from marts.kpi_benchmark
        where period_grain = 'year' and ? between period_start and period_start + interval 1 year - interval 1 day
          and scope_type in ('company', 'region')
        order by case scope_type when 'company' then 0 else 1 end, scope_name, kpi
        """,
        ctx.as_of,
    )
    ctx.codes(frame, "kpi", "kpi")
    return Section("benchmark", "benchmark", tables=[Table("benchmark", "benchmark", [
        Column("scope_name", "scope", "text"), Column("kpi", "kpi", "text"),
        Column("actual", "actual", "number"), Column("target", "target", "number"),
        Column("last_year", "last_year", "number"), Column("internal_best", "internal_best", "number"),
        Column("internal_best_scope_name", "internal_best_scope", "text"),
        Column("peer_median", "peer_median", "number"), Column("external_benchmark", "external_benchmark", "number"),
    ], frame)])


def funnel(ctx: Context) -> Section:
    frame = ctx.frame(
        """
        select stage_order, stage_name, entered, converted_to_next, conversion_rate, leakage_rate, median_days_in_stage
        from marts.kpi_funnel
        where scope_type = 'company' and period_grain = 'year'
          and ? between period_start and period_start + interval 1 year - interval 1 day
        order by stage_order
        """,
        ctx.as_of,
    )
    return Section("funnel", "funnel", tables=[Table("funnel", "funnel", [
        Column("stage_name", "stage", "text"), Column("entered", "entered", "count"),
        Column("converted_to_next", "converted", "count"), Column("conversion_rate", "conversion_rate", "percent"),
        Column("leakage_rate", "leakage_rate", "percent"), Column("median_days_in_stage", "median_days_in_stage", "number"),
    ], frame)], charts=[Chart("funnel", "funnel", charts.funnel(frame, ctx.labels))])


def pipeline(ctx: Context) -> Section:
    frame = ctx.frame(
        """
        select scope_name, actual_revenue, revenue_target, open_pipeline, weighted_pipeline, pipeline_coverage,
               pipeline_forecast, seasonal_forecast, run_rate_forecast, pipeline_forecast_attainment
        from marts.kpi_pipeline_forecast
        where period_grain = 'quarter' and ? between period_start and period_end and scope_type in ('company', 'region')
        order by case scope_type when 'company' then 0 else 1 end, scope_name
        """,
        ctx.as_of,
    )
    money = [Column(c, label, "money") for c, label in [
        ("actual_revenue", "actual"), ("revenue_target", "target"), ("open_pipeline", "open_pipeline"),
        ("weighted_pipeline", "weighted_pipeline")]]
    forecasts = [Column(c, c, "money") for c in ("pipeline_forecast", "seasonal_forecast", "run_rate_forecast")]
    return Section("pipeline", "pipeline", tables=[Table("pipeline", "pipeline", [
        Column("scope_name", "scope", "text"), *money, Column("pipeline_coverage", "pipeline_coverage", "percent"),
        *forecasts, Column("pipeline_forecast_attainment", "forecast_attainment", "percent"),
    ], frame, attainment_columns=("pipeline_forecast_attainment",))],
        charts=[Chart("pipeline", "pipeline", charts.forecasts(frame, ctx.labels))])


def segments(ctx: Context) -> Section:
    month = ctx.con.execute(
        "select max(as_of_month) from marts.kpi_customer_segments where as_of_month <= ?", [ctx.as_of],
    ).fetchone()[0]
    summary = ctx.frame(
        """
        select segment, count(*) as customers, sum(revenue_12m) as revenue_12m
        from marts.kpi_customer_segments where as_of_month = ?
        group by segment order by revenue_12m desc nulls last
        """,
        month,
    )
    top = ctx.frame(
        """
        select coalesce(r.rep_name, s.owner_rep_id) as rep_name, s.priority_rank_in_book, s.customer_name,
               s.segment, s.priority_score, s.revenue_12m, s.churn_risk, s.last_order_date
        from marts.kpi_customer_segments as s
        left join marts.dim_rep as r on r.rep_id = s.owner_rep_id and r.is_current
        where s.as_of_month = ? and s.priority_rank_in_book <= 3
        order by rep_name, s.priority_rank_in_book, s.customer_name
        """,
        month,
    )
    ctx.codes(summary, "segment", "segment")
    ctx.codes(top, "segment", "segment")
    return Section("segments", "segments", tables=[
        Table("segments_summary", "segments_summary", [
            Column("segment", "segment", "text"), Column("customers", "customers", "count"),
            Column("revenue_12m", "revenue_12m", "money")], summary),
        Table("top_priority", "top_priority", [
            Column("rep_name", "rep", "text"), Column("priority_rank_in_book", "priority_rank", "count"),
            Column("customer_name", "customer", "text"), Column("segment", "segment", "text"),
            Column("priority_score", "priority_score", "number"), Column("revenue_12m", "revenue_12m", "money"),
            Column("churn_risk", "churn_risk", "percent"), Column("last_order_date", "last_order_date", "date")], top),
    ], charts=[Chart("segments", "segments_summary", charts.segments(summary, ctx.labels))])


def market(ctx: Context) -> Section:
    share = ctx.frame(
        """
        select region_name, period_start, own_revenue, market_size, market_share, leader_competitor,
               relative_market_share, share_trend
        from marts.kpi_market_share
        where period_grain = 'quarter' and has_market_data
          and period_start = (select max(period_start) from marts.kpi_market_share
                              where period_grain = 'quarter' and has_market_data and period_start <= ?)
        order by market_share desc nulls last
        """,
        ctx.as_of,
    )
    prices = ctx.frame(
        """
        select product_name, competitor, price_date, own_list_price, competitor_price, price_index
        from marts.kpi_price_index
        where period_start = (select max(period_start) from marts.kpi_price_index where period_start <= ?)
        order by product_name, competitor
        """,
        ctx.as_of,
    )
    return Section("market", "market", tables=[
        Table("market_share", "market_share", [
            Column("region_name", "region", "text"), Column("period_start", "period_start", "date"),
            Column("own_revenue", "own_revenue", "money"), Column("market_size", "market_size", "money"),
            Column("market_share", "market_share_rate", "percent"), Column("leader_competitor", "leader", "text"),
            Column("relative_market_share", "relative_share", "number"), Column("share_trend", "share_trend", "text")], share),
        Table("price_index", "price_index", [
            Column("product_name", "product", "text"), Column("competitor", "competitor", "text"),
            Column("price_date", "period_start", "date"), Column("own_list_price", "own_price", "money"),
            Column("competitor_price", "competitor_price", "money"), Column("price_index", "price_index_value", "number")],
            prices),
    ], charts=[
        Chart("market_share", "market_share", charts.market_share(share, ctx.labels)),
        Chart("price_index", "price_index", charts.price_index(prices, ctx.labels)),
    ])


# (KPI code, column stem): actual in the KPI's column, target, gap and met in <stem>_target,
# <stem>_gap and is_<stem>_met of kpi_service_quality.
SERVICE_KPIS = (
    ("on_time_delivery_rate", "on_time_delivery"), ("feedback_resolution_rate", "feedback_resolution"),
    ("csat", "csat"), ("property_incidents", "property_incidents"),
)


def service(ctx: Context) -> Section:
    """Each service KPI of the year against its target (KPI_DEFINITIONS: service quality)."""
    unpivot = " union all ".join(
        f"select scope_type, scope_name, '{kpi}' as kpi, cast({kpi} as double) as actual,"
        f" cast({stem}_target as double) as target, cast({stem}_gap as double) as gap, is_{stem}_met as met"
        " from year_rows"
        for kpi, stem in SERVICE_KPIS
    )
    frame = ctx.frame(
        f"""
        with year_rows as (
            select * from marts.kpi_service_quality
            where period_grain = 'year' and ? between period_start and period_start + interval 1 year - interval 1 day
              and scope_type in ('company', 'region')
        )
        select scope_type, scope_name, kpi, actual, target, gap, met from ({unpivot})
        order by case scope_type when 'company' then 0 else 1 end, scope_name, kpi
        """,
        ctx.as_of,
    )
    ctx.codes(frame, "kpi", "kpi")
    return Section("service", "service", tables=[Table("service", "service", [
        Column("scope_name", "scope", "text"), Column("kpi", "kpi", "text"), Column("actual", "rate", "number"),
        Column("target", "target", "number"), Column("gap", "gap", "number"), Column("met", "met", "flag")], frame)],
        charts=[Chart("service", "service", charts.service(frame[frame["scope_type"] == "company"], ctx.labels))])
