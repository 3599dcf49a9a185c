"""What sales management keeps in spreadsheets: targets, market research, benchmarks.

Targets are set the way seed 004 says they should be — from the same period last year plus
an ambition (the first year, with no history in the data, from a plan close to what
happened) — and decomposed coherently: the company's year is the sum of its regions'
quarters, teams split their region's year by last year's share. One target is deliberately
unreasonable (西南 2026-Q2 at +80%) so the reasonableness flag has something to find.
Market size and competitor sales are consistent with own revenue (a plausible market share).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .names import COMPANY_NAME
from .org import REGIONS
from .world import World

COMPETITORS = ("海川网络", "锐安科技", "中天信通")
#: region → (own market share at the start, yearly drift of that share)
OWN_SHARE = {"华东": (0.08, 0.02), "华南": (0.06, 0.10), "华北": (0.05, -0.05), "西南": (0.07, 0.05)}
#: region → each competitor's market share
COMPETITOR_SHARE = {
    "华东": (0.22, 0.12, 0.07), "华南": (0.18, 0.15, 0.09),
    "华北": (0.25, 0.10, 0.11), "西南": (0.10, 0.09, 0.14),
}
#: (region, period, metric) → growth over last year of the deliberately unreasonable targets.
UNREASONABLE = {("西南", "2026-Q2", "revenue"): 0.80}
REP_TARGET_REGIONS = ("华东", "华北")
_YEARS = (2024, 2025, 2026)


@dataclass(frozen=True)
class Plan:
    """The management spreadsheets' contents, as DataFrames."""

    targets: pd.DataFrame
    market_size: pd.DataFrame
    competitor_sales: pd.DataFrame
    competitor_prices: pd.DataFrame
    benchmarks: pd.DataFrame


def build_plan(world: World, actuals: pd.DataFrame) -> Plan:
    """Targets, market research and benchmarks, from the run's monthly actuals (see `Ledger`)."""
    rng = world.rng("planning")
    market, competitors = _market(actuals, rng)
    return Plan(targets=_targets(world, actuals, rng), market_size=market, competitor_sales=competitors,
                competitor_prices=_competitor_prices(world, rng), benchmarks=_benchmarks())


def _target_value(base: float, year: int, rng: np.random.Generator) -> float:
    """Last year's actual grown by an ambition; the first year: a plan within ±10% of actual."""
    return base * (1 + rng.uniform(0.05, 0.25)) if year > _YEARS[0] else base * rng.uniform(0.9, 1.1)


def _targets(world: World, actuals: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    by_quarter = actuals.groupby(["region", "year", "quarter"])[["revenue", "orders"]].sum()
    by_year = actuals.groupby(["region", "year"])[["revenue", "new_customers"]].sum()
    for year in _YEARS:
        basis = year - 1 if year > _YEARS[0] else year
        for region in REGIONS:
            for quarter in range(1, 5):
                period = f"{year}-Q{quarter}"
                for metric, unit in (("revenue", 10_000), ("orders", 1)):
                    base = by_quarter[metric].get((region, basis, quarter), 0.0)
                    growth = UNREASONABLE.get((region, period, metric))
                    value = _target_value(base, year, rng) if growth is None else base * (1 + growth)
                    rows.append((period, "region", region, metric, round(value / unit) * unit))
            value = _target_value(by_year["new_customers"].get((region, basis), 0), year, rng)
            rows.append((str(year), "region", region, "new_customers", round(value)))
    frame = pd.DataFrame(rows, columns=["period", "scope_type", "scope", "metric", "target"])
    regional = frame[frame["period"].str.contains("Q")]
    company = (regional.assign(period=regional["period"].str[:4])
               .groupby(["period", "metric"], as_index=False)["target"].sum())
    new_customers = frame[frame["metric"] == "new_customers"].groupby("period", as_index=False)["target"].sum()
    company = pd.concat([company, new_customers.assign(metric="new_customers")], ignore_index=True)
    company = company.assign(scope_type="company", scope=COMPANY_NAME)
    parts = [company, frame, _team_targets(frame, actuals), _rep_targets(world, actuals, rng)]
    targets = pd.concat(parts, ignore_index=True)[["period", "scope_type", "scope", "metric", "target"]]
    targets["currency"] = np.where(targets["metric"] == "revenue", "CNY", None)
    return targets


def _team_targets(regional: pd.DataFrame, actuals: pd.DataFrame) -> pd.DataFrame:
    """Each team's yearly revenue: its region's year split by the team's share last year."""
    rows = []
    revenue = regional[(regional["metric"] == "revenue")]
    region_year = revenue.assign(year=revenue["period"].str[:4].astype(int)).groupby(["scope", "year"])["target"].sum()
    team_share = actuals.groupby(["region", "team", "year"])["revenue"].sum()
    team_share = team_share / team_share.groupby(["region", "year"]).transform("sum")
    for year in _YEARS[1:]:
        for (region, team, basis), share in team_share.items():
            if basis == year - 1:
                rows.append((str(year), "team", team, "revenue", round(region_year[(region, year)] * share / 10_000) * 10_000))
    return pd.DataFrame(rows, columns=["period", "scope_type", "scope", "metric", "target"])


def _rep_targets(world: World, actuals: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Monthly revenue targets of the last year for the reps of some regions (not every rep has one).

    A rep's year is last year's revenue plus an ambition (a rep without a full last year gets
    the team's average), spread over months by the company's seasonality last year.
    """
    year = _YEARS[-1]
    last_year = actuals[actuals["year"] == year - 1]
    by_rep = last_year.groupby("rep_id")["revenue"].sum()
    season = last_year.groupby(last_year["month"].dt.month)["revenue"].sum()
    season = season / season.sum()
    rows = []
    for assignment in world.org.valid_on(date(year, 1, 1)):
        rep = world.org.reps[assignment.rep]
        if assignment.region not in REP_TARGET_REGIONS:
            continue
        if rep.hire_date <= date(year - 1, 1, 1):
            base = by_rep.get(rep.rep_id, 0.0)
        else:
            team = last_year[last_year["team"] == assignment.team]
            base = team["revenue"].sum() / team["rep_id"].nunique()
        ambition = 1 + rng.uniform(0.05, 0.25)
        for month, share in season.items():
            rows.append((f"{year}-{month:02d}", "rep", rep.rep_id, "revenue", round(base * ambition * share / 1_000) * 1_000))
    return pd.DataFrame(rows, columns=["period", "scope_type", "scope", "metric", "target"])


def _market(actuals: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Market size and competitors' sales per region × complete quarter."""
    own = actuals.groupby(["region", "year", "quarter"])["revenue"].sum()
    last = actuals["month"].max()
    markets, competitors = [], []
    for (region, year, quarter), revenue in own.items():
        if (year, quarter) >= (last.year, last.quarter) and last.month % 3:
            continue  # the quarter is not over: market research has no figure yet
        period = f"{year}-Q{quarter}"
        share0, drift = OWN_SHARE[region]
        share = share0 * (1 + drift * (year - _YEARS[0] + (quarter - 1) / 4)) * rng.uniform(0.95, 1.05)
        size = round(revenue / share / 10_000) * 10_000
        markets.append((region, period, size, "CNY", "行业研究报告"))
        for competitor, c_share in zip(COMPETITORS, COMPETITOR_SHARE[region]):
            competitors.append((region, period, competitor,
                                round(size * c_share * rng.uniform(0.92, 1.08) / 10_000) * 10_000, "CNY"))
    return (pd.DataFrame(markets, columns=["region", "period", "market_size", "currency", "source"]),
            pd.DataFrame(competitors, columns=["region", "period", "competitor", "competitor_sales", "currency"]))


def _competitor_prices(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """Two competitors price a comparable product for each own product, surveyed twice."""
    rows = []
    for product in world.catalog.frame.itertuples(index=False):
        for c in rng.choice(len(COMPETITORS), 2, replace=False):
            competitor = COMPETITORS[c]
            ratio = rng.uniform(0.8, 1.25)
            model = f"{competitor[:2]} {product.product_code[4:]}{int(rng.integers(1, 9))}"
            for price_date in ("2025-01-15", "2026-01-15"):
                ratio *= rng.uniform(0.95, 1.05)
                rows.append((product.product_code, competitor, model, round(product.price_cny * ratio),
                             "CNY", pd.Timestamp(price_date).date()))
    return pd.DataFrame(rows, columns=["product_code", "competitor", "competitor_product", "competitor_price",
                                       "currency", "price_date"])


def _benchmarks() -> pd.DataFrame:
    """External references per KPI and year (industry report and a listed competitor's figures)."""
    industry, listed = "中国企业网络与安防行业报告", "海川网络年报"
    rows = []
    for year, win, csat, on_time, growth, resolution in ((2024, 0.33, 85.0, 0.93, 0.11, 0.95),
                                                          (2025, 0.34, 86.0, 0.94, 0.10, 0.96),
                                                          (2026, 0.35, 86.5, 0.95, 0.09, 0.97)):
        for kpi, value, source in (("win_rate", win, industry), ("csat", csat, industry),
                                   ("on_time_delivery_rate", on_time, industry),
                                   ("revenue_growth", growth, listed),
                                   ("feedback_resolution_rate", resolution, industry)):
            rows.append((kpi, str(year), "company", COMPANY_NAME, value, source))
        for region, delta in zip(REGIONS, (0.0, 0.04, -0.03, 0.02)):
            rows.append(("revenue_growth", str(year), "region", region, round(growth + delta, 4), industry))
    return pd.DataFrame(rows, columns=["kpi", "period", "scope_type", "scope", "benchmark", "source"])
