"""`truth`: the generator's own records as DataFrames, for tests of the warehouse.

The frames are the very frames the file writers format (the month loop hands both the same
objects), so a figure computed from the warehouse can be checked against them exactly —
without reading the files back. Meant for small scales: everything is held in memory.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .engine import MonthBatch, run
from .planning import Plan
from .records import Records
from .timeline import EXPORT_TIME, to_day
from .world import RunState, World


@dataclass(frozen=True)
class Truth:
    """One DataFrame per record kind; amounts in local currency and CNY, keys as the CRMs export them.

    Keys: `order_id` is the Zoho record id or the Fxiaoke 订单编号, `opportunity_id` the Zoho
    record id or the Fxiaoke 商机名称, `customer_key` the Zoho account record id or the
    Fxiaoke 客户名称 — the natural keys of the ingestion profiles.
    """

    order_lines: pd.DataFrame
    orders: pd.DataFrame
    opportunities: pd.DataFrame
    stage_history: pd.DataFrame
    quotes: pd.DataFrame
    deliveries: pd.DataFrame
    payments: pd.DataFrame
    activities: pd.DataFrame
    cases: pd.DataFrame
    surveys: pd.DataFrame
    customers: pd.DataFrame
    reps: pd.DataFrame
    products: pd.DataFrame
    fx_rates: pd.DataFrame
    targets: pd.DataFrame
    market_size: pd.DataFrame
    competitor_sales: pd.DataFrame
    competitor_prices: pd.DataFrame
    benchmarks: pd.DataFrame


class _Collector:
    def __init__(self) -> None:
        self.parts: dict[str, list[Records]] = {name: [] for name in MonthBatch.names()}
        self.frames: dict[str, pd.DataFrame] = {}

    def add(self, world: World, batch: MonthBatch) -> None:
        for name in self.parts:
            self.parts[name].append(getattr(batch, name))

    def finish(self, world: World, state: RunState, plan: Plan) -> None:
        self.frames = {name: Records.concat(parts).frame() for name, parts in self.parts.items()}
        self.frames["opportunities"]["created_date"] = self.frames["opportunities"]["created_time"].dt.normalize()
        self.frames.update(customers=_customers(world, state), reps=world.org.roster_frame(),
                           products=world.catalog.frame.drop(columns=["popularity", "mean_quantity"]),
                           fx_rates=world.fx.frame(), targets=plan.targets, market_size=plan.market_size,
                           competitor_sales=plan.competitor_sales, competitor_prices=plan.competitor_prices,
                           benchmarks=plan.benchmarks)


def _customers(world: World, state: RunState) -> pd.DataFrame:
    frame = world.customers.frame
    owner = world.customers.ownership.book_on(to_day(EXPORT_TIME.date()))
    return pd.DataFrame({
        **{c: frame[c] for c in ("customer_key", "customer_name", "source_system", "zoho_id", "customer_no",
                                 "region", "province", "city", "industry_zh", "industry_en", "size", "level",
                                 "channel", "currency", "created_time", "churn_day")},
        "owner_rep_id": world.org.rep_values("rep_id")[owner],
        "first_order_date": state.first_order_day, "last_order_date": state.last_order_day,
        "last_activity_time": state.last_activity_time,
        "has_ordered": ~np.isnat(state.first_order_day),
    })


def truth(scale: float = 1.0, seed: int = 42) -> Truth:
    """The records `generate(out_dir, scale, seed)` writes, as DataFrames (see `Truth`)."""
    collector = _Collector()
    run(scale, seed, [collector])
    return Truth(**collector.frames)
