"""Orders and order lines, one month at a time.

Revenue follows KPI_DEFINITIONS.md exactly: quantity × unit_price × (1 − discount_rate),
converted at the FX rate of the order date's month, cancelled orders flagged and excluded.
The discount is generated the way each CRM records it — Zoho as a line discount AMOUNT in
the order currency, Fxiaoke as the share PAID (折扣 90%) plus an order-level share paid
(整单折扣) — and the KPI's `discount_rate` (fraction off) is derived from that, so the
truth is what the files say, not a rate the files never contained.
"""
from __future__ import annotations

from datetime import date

import numpy as np

from .customers import REGION_GROWTH
from .ids import monthly_numbers
from .records import Records
from .timeline import (AS_OF, SEASONALITY, YEARLY_GROWTH, at_time, days_of_month, export_capped,
                       is_workday, later_in_office, office_seconds, to_day, years_since_start)
from .world import RunState, World

ORDERS_AT_SCALE_1 = 3000
CANCEL_SHARE = 0.02
#: Share of Fxiaoke orders with an order-level discount (整单折扣 95%).
ORDER_DISCOUNT_SHARE = 0.12
ORDER_DISCOUNT = 0.05
#: Share of Fxiaoke orders entered in the CRM a few days after their 下单日期.
LATE_ENTRY_SHARE = 0.08
#: channel → (nominal line discounts, their probabilities): agents negotiate harder.
LINE_DISCOUNTS = {
    "direct": ((0.0, 0.05, 0.10), (0.6, 0.3, 0.1)),
    "agent": ((0.10, 0.15, 0.20), (0.4, 0.4, 0.2)),
    "ecommerce": ((0.0, 0.05), (0.7, 0.3)),
}
_SIZE_QUANTITY = {"大型": 2.0, "中型": 1.2, "小型": 0.7}
_WEEKEND_WEIGHT = 0.15


def monthly_order_rate(months: tuple[date, ...]) -> float:
    """Orders per unit of seasonal weight, so that scale 1 gives about ORDERS_AT_SCALE_1 orders."""
    weights = [SEASONALITY[m.month - 1] * YEARLY_GROWTH ** years_since_start(m) for m in months]
    return ORDERS_AT_SCALE_1 / sum(weights)


def simulate_orders(world: World, state: RunState, index: int) -> tuple[Records, Records]:
    """The month's orders (sorted by creation) and their lines."""
    month = world.months[index]
    rng = world.rng("orders", index)
    expected = (monthly_order_rate(world.months) * SEASONALITY[month.month - 1]
                * YEARLY_GROWTH ** years_since_start(month) * world.scale)
    cust = _pick_customers(world, month, int(rng.poisson(expected)), rng)
    days = _order_days(world, month, cust, rng)
    system = world.customers.column("source_system")[cust]
    late = (system == "fxiaoke") & (rng.random(len(cust)) < LATE_ENTRY_SHARE)
    created = at_time(days + np.where(late, rng.integers(1, 4, len(cust)), 0).astype("timedelta64[D]"),
                      office_seconds(rng, len(cust)))
    order = np.argsort(created, kind="stable")
    orders = _orders(world, state, month, cust[order], days[order], system[order], created[order], rng)
    lines = _lines(world, orders, rng)
    for column in ("gross_local", "revenue_local", "revenue_cny"):
        orders[column] = np.bincount(lines["_order"], weights=lines[column], minlength=len(orders))
    _mark_first_orders(state, orders)
    return orders, lines


def _pick_customers(world: World, month: date, n: int, rng: np.random.Generator) -> np.ndarray:
    """Customers existing and not churned this month, drawn by size and regional growth."""
    customers = world.customers
    start, end = to_day(month), days_of_month(month)[-1]
    created = customers.column("created_time").astype("datetime64[D]")
    churn = customers.column("churn_day")
    eligible = np.flatnonzero((created <= end) & (np.isnat(churn) | (churn > start)))
    growth = np.array([REGION_GROWTH[r] for r in customers.column("region")]) ** years_since_start(month)
    weight = (customers.column("weight") * growth)[eligible]
    return rng.choice(eligible, n, p=weight / weight.sum())


def _order_days(world: World, month: date, cust: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Mostly working days, never before the customer existed nor after it churned."""
    days = days_of_month(month)
    weight = np.where(is_workday(days), 1.0, _WEEKEND_WEIGHT)
    drawn = days[rng.choice(len(days), len(cust), p=weight / weight.sum())]
    created = world.customers.column("created_time")[cust].astype("datetime64[D]")
    churn = world.customers.column("churn_day")[cust].astype("datetime64[D]")
    drawn = np.maximum(drawn, created)
    return np.where(np.isnat(churn), drawn, np.minimum(drawn, churn - np.timedelta64(1, "D")))


def _orders(world: World, state: RunState, month: date, cust: np.ndarray, days: np.ndarray,
            system: np.ndarray, created: np.ndarray, rng: np.random.Generator) -> Records:
    n = len(cust)
    customers = world.customers
    owner = customers.ownership.owner_at(cust, days)
    region, team = world.org.regions_teams(owner, days)
    currency = customers.column("currency")[cust]
    zoho = system == "zoho"
    order_id = np.empty(n, dtype=object)
    order_no = np.empty(n, dtype=object)
    order_id[zoho] = state.zoho_ids.take(int(zoho.sum()))
    order_no[zoho] = state.so_numbers.take(int(zoho.sum()))
    order_id[~zoho] = order_no[~zoho] = monthly_numbers("SO", np.datetime64(month, "M"), int((~zoho).sum()))
    cancelled = rng.random(n) < CANCEL_SHARE
    # Fxiaoke voids an order one of two ways: 生命状态 作废, or 订单状态 已作废.
    voided_by_life = cancelled & ~zoho & (rng.random(n) < 0.5)
    age = (to_day(AS_OF) - days).astype(int)
    zoho_status = np.select([cancelled, age > 30, age > 7], ["Cancelled", "Delivered", "Approved"], "Created")
    return Records({
        "source_system": system, "order_id": order_id, "order_no": order_no,
        "order_date": days, "created_time": created,
        "modified_time": export_capped(later_in_office(rng, created, 40)),
        "due_date": days + np.timedelta64(30, "D"),
        "customer_key": customers.column("customer_key")[cust],
        "customer_name": customers.column("customer_name")[cust],
        "rep_id": world.org.rep_values("rep_id")[owner],
        "region": region, "team": team, "channel": customers.column("channel")[cust],
        "currency": currency, "fx_rate": world.fx.rate(currency, days),
        "is_cancelled": cancelled,
        "status": np.where(zoho, zoho_status, np.where(cancelled & ~voided_by_life, "已作废", None)),
        "life_status": np.where(zoho, None, np.where(voided_by_life, "作废", "正常")),
        "order_discount_rate": np.where(~zoho & (rng.random(n) < ORDER_DISCOUNT_SHARE), ORDER_DISCOUNT, 0.0),
        "_cust": cust, "_rep": owner,
    })


def _lines(world: World, orders: Records, rng: np.random.Generator) -> Records:
    """1–7 distinct products per order (Gumbel top-k draw by popularity among products on sale)."""
    catalog = world.catalog.frame
    n = len(orders)
    days = orders["order_date"]
    available = world.catalog.available(days)
    wanted = np.minimum(1 + np.minimum(rng.poisson(1.9, n), 6), available.sum(axis=1))
    keys = np.log(catalog["popularity"].to_numpy())[None, :] + rng.gumbel(size=available.shape)
    ranked = np.argsort(-np.where(available, keys, -np.inf), axis=1, kind="stable")
    row, col = np.nonzero(np.arange(available.shape[1])[None, :] < wanted[:, None])
    product = ranked[row, col]
    pick = orders.take(row)
    size = world.customers.column("size")[pick["_cust"]]
    quantity = np.maximum(1, np.round(catalog["mean_quantity"].to_numpy()[product]
                                      * np.array([_SIZE_QUANTITY[s] for s in size])
                                      * rng.lognormal(0, 0.5, len(row))))
    unit_price = np.empty(len(row))
    for currency in np.unique(pick["currency"]):
        mask = pick["currency"] == currency
        unit_price[mask] = world.catalog.prices(currency)[product[mask]]
    gross = quantity * unit_price
    nominal = _nominal_discounts(pick["channel"], rng)
    # Zoho exports the line discount as an amount rounded to cents; Fxiaoke as a share paid.
    line_amount = np.where(pick["source_system"] == "zoho", np.round(gross * nominal, 2), gross * nominal)
    line_rate = line_amount / gross
    order_rate = pick["order_discount_rate"]
    revenue_local = (gross - line_amount) * (1 - order_rate)
    return Records({
        **{c: pick[c] for c in ("source_system", "order_id")}, "line_no": col + 1,
        **{c: pick[c] for c in ("order_date", "rep_id", "region", "team", "customer_key")},
        "product_code": catalog["product_code"].to_numpy()[product],
        "product_line": catalog["product_line_zh"].to_numpy()[product],
        "channel": pick["channel"], "quantity": quantity, "unit_price": unit_price, "gross_local": gross,
        "line_discount_amount": line_amount, "line_discount_rate": line_rate, "order_discount_rate": order_rate,
        "discount_rate": 1 - (1 - line_rate) * (1 - order_rate),
        "currency": pick["currency"], "fx_rate": pick["fx_rate"],
        "revenue_local": revenue_local, "revenue_cny": revenue_local * pick["fx_rate"],
        "is_cancelled": pick["is_cancelled"], "_order": row,
    })


def _nominal_discounts(channel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.zeros(len(channel))
    for name, (values, probabilities) in LINE_DISCOUNTS.items():
        mask = channel == name
        out[mask] = rng.choice(values, int(mask.sum()), p=probabilities)
    return out


def _mark_first_orders(state: RunState, orders: Records) -> None:
    """Flag each customer's first non-cancelled order ever, and remember order days."""
    cust = orders["_cust"]
    days = orders["order_date"]
    valid = ~orders["is_cancelled"]
    never = np.isnat(state.first_order_day[cust])
    first_in_batch = np.zeros(len(cust), dtype=bool)
    first_in_batch[np.unique(np.where(valid, cust, -1), return_index=True)[1]] = True
    orders["is_first_order"] = valid & never & first_in_batch
    np.fmin.at(state.first_order_day, cust[valid & never], days[valid & never])
    np.fmax.at(state.last_order_day, cust[valid], days[valid])
