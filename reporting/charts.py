"""The report's charts as Vega-Lite specs (built with Altair), data inline, so that the page
draws them offline. Each returns None when there is nothing to draw: the page then says so
instead of showing an empty frame."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import altair as alt
import pandas as pd

from reporting.labels import Labels

# Fonts that cover CJK first, so Chinese labels render wherever the page is opened.
FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
WIDTH = 640


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """JSON-friendly values: decimals as floats, dates as ISO strings."""
    out = frame.copy()
    for column in out.columns:
        values = out[column].dropna()
        if len(values) and isinstance(values.iloc[0], Decimal):
            out[column] = out[column].astype("float64")
        elif len(values) and isinstance(values.iloc[0], (dt.date, pd.Timestamp)):
            out[column] = [v.isoformat()[:10] if not pd.isna(v) else None for v in out[column]]
    return out


def _spec(chart: alt.TopLevelMixin) -> dict:
    return chart.configure(font=FONT).configure_view(stroke=None).to_dict()


def _long(frame: pd.DataFrame, key: str, series: dict[str, str]) -> pd.DataFrame:
    """Wide columns → (key, series label, value) rows for a legend."""
    plain = _plain(frame)
    melted = plain.melt(id_vars=[key], value_vars=list(series), var_name="series", value_name="value")
    melted["series"] = melted["series"].map(series)
    return melted.dropna(subset=["value"])


def revenue_trend(frame: pd.DataFrame, labels: Labels) -> dict | None:
    if frame.empty:
        return None
    data = _long(frame, "month", {s: labels(f"series_{s}") for s in ("actual", "target", "last_year")})
    chart = alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("month:T", title=labels("month"), axis=alt.Axis(format="%Y-%m")),
        y=alt.Y("value:Q", title=labels("kpi_revenue"), axis=alt.Axis(format="~s")),
        color=alt.Color("series:N", title=labels("series")),
        tooltip=["month:T", "series:N", alt.Tooltip("value:Q", format=",.0f")],
    ).properties(width=WIDTH, height=260)
    return _spec(chart)


def attainment_bars(frame: pd.DataFrame, labels: Labels, scope: str) -> dict | None:
    data = _plain(frame).dropna(subset=["attainment"])
    if data.empty:
        return None
    data["met"] = data["attainment"] >= 1
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("scope_name:N", sort="-x", title=labels(scope)),
        x=alt.X("attainment:Q", title=labels("attainment_rate"), axis=alt.Axis(format="%")),
        color=alt.Color("met:N", legend=None, scale=alt.Scale(domain=[True, False], range=["#2e7d32", "#c62828"])),
        tooltip=["scope_name:N", alt.Tooltip("attainment:Q", format=".1%"), alt.Tooltip("actual:Q", format=",.0f")],
    )
    rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 4]).encode(x="x:Q")
    return _spec((bars + rule).properties(width=WIDTH, height=max(120, 16 * len(data))))


def funnel(frame: pd.DataFrame, labels: Labels) -> dict | None:
    data = _plain(frame)
    if data.empty or not data["entered"].fillna(0).any():
        return None
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("stage_name:N", sort=alt.SortField("stage_order"), title=labels("stage")),
        x=alt.X("entered:Q", title=labels("entered")),
        tooltip=["stage_name:N", "entered:Q", alt.Tooltip("conversion_rate:Q", format=".1%")],
    ).properties(width=WIDTH, height=max(120, 24 * len(data)))
    return _spec(chart)


def forecasts(frame: pd.DataFrame, labels: Labels) -> dict | None:
    if frame.empty:
        return None
    series = {c: labels(c) for c in ("revenue_target", "pipeline_forecast", "seasonal_forecast", "run_rate_forecast")}
    series["revenue_target"] = labels("target")
    data = _long(frame, "scope_name", series)
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("scope_name:N", title=labels("scope"), axis=alt.Axis(labelAngle=0)),
        xOffset="series:N",
        y=alt.Y("value:Q", title=labels("kpi_revenue"), axis=alt.Axis(format="~s")),
        color=alt.Color("series:N", title=labels("series")),
        tooltip=["scope_name:N", "series:N", alt.Tooltip("value:Q", format=",.0f")],
    ).properties(width=WIDTH, height=260)
    return _spec(chart)


def segments(frame: pd.DataFrame, labels: Labels) -> dict | None:
    data = _plain(frame)
    if data.empty:
        return None
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("segment:N", sort="-y", title=labels("segment"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("revenue_12m:Q", title=labels("revenue_12m"), axis=alt.Axis(format="~s")),
        tooltip=["segment:N", "customers:Q", alt.Tooltip("revenue_12m:Q", format=",.0f")],
    ).properties(width=WIDTH, height=220)
    return _spec(chart)


def market_share(frame: pd.DataFrame, labels: Labels) -> dict | None:
    data = _plain(frame).dropna(subset=["market_share"])
    if data.empty:
        return None
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("region_name:N", sort="-x", title=labels("region")),
        x=alt.X("market_share:Q", title=labels("market_share_rate"), axis=alt.Axis(format="%")),
        tooltip=["region_name:N", alt.Tooltip("market_share:Q", format=".1%"), "leader_competitor:N"],
    ).properties(width=WIDTH, height=max(120, 20 * len(data)))
    return _spec(chart)


def price_index(frame: pd.DataFrame, labels: Labels) -> dict | None:
    data = _plain(frame).dropna(subset=["price_index"])
    if data.empty:
        return None
    chart = alt.Chart(data).mark_point(filled=True, size=80).encode(
        y=alt.Y("product_name:N", title=labels("product")),
        x=alt.X("price_index:Q", title=labels("price_index_value"), scale=alt.Scale(zero=False)),
        color=alt.Color("competitor:N", title=labels("competitor")),
        tooltip=["product_name:N", "competitor:N", alt.Tooltip("price_index:Q", format=".3f")],
    ).properties(width=WIDTH, height=max(120, 20 * data["product_name"].nunique()))
    return _spec(chart)


def service(frame: pd.DataFrame, labels: Labels) -> dict | None:
    """Actual as a bar, target as a tick, one row per KPI on its own scale (rates, a 0–100
    satisfaction score and an incident count do not share an axis)."""
    data = _plain(frame).dropna(subset=["actual"])
    if data.empty:
        return None
    base = alt.Chart(data).encode(y=alt.Y("kpi:N", title=None, axis=None))
    bars = base.mark_bar().encode(x=alt.X("actual:Q", title=labels("rate")),
                                  tooltip=["kpi:N", "actual:Q", "target:Q"])
    ticks = base.mark_tick(color="#c62828", thickness=3, size=18).encode(x="target:Q")
    chart = alt.layer(bars, ticks).properties(width=WIDTH - 120, height=28).facet(
        row=alt.Row("kpi:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
    ).resolve_scale(x="independent", y="independent")
    return _spec(chart)
