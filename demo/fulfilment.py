"""Deliveries (发货单) and payment collections (回款) of Fxiaoke orders.

Zoho CRM has no delivery or payment module, so only division B (Fxiaoke) reports them — a
real gap the warehouse must live with, not a simplification. Events after the export date
do not exist yet: recent orders are undelivered or unpaid, which is what receivables and
on-time delivery must cope with. The order's own status columns (发货状态, 回款状态,
已回款金额…) are derived from the same events, so they agree with the detail files.
"""
from __future__ import annotations

import numpy as np

from .ids import monthly_numbers
from .records import Records
from .timeline import AS_OF, at_time, office_seconds, to_day
from .world import World

#: region → share of deliveries shipped after the promised date.
LATE_SHARE = {"华北": 0.10, "西南": 0.18}
#: Payment plans: share of orders paid in full, in two halves, partly (30–80%), not at all.
PAYMENT_PLANS = {"full": 0.72, "halves": 0.13, "partial": 0.10, "unpaid": 0.05}
PAYMENT_METHODS = (("银行转账", 0.7), ("承兑汇票", 0.15), ("支付宝", 0.1), ("微信", 0.05))
_SHARED = ("order_id", "customer_key", "customer_name", "rep_id", "_rep")


def simulate_fulfilment(world: World, index: int, orders: Records) -> tuple[Records, Records]:
    """Deliveries and payments of the month's valid Fxiaoke orders; updates their status columns."""
    rng = world.rng("fulfilment", index)
    month = np.datetime64(world.months[index], "M")
    rows = np.flatnonzero((orders["source_system"] == "fxiaoke") & ~orders["is_cancelled"])
    fx = orders.take(rows)
    deliveries = _deliveries(fx, month, rng)
    payments = _payments(fx, rng)
    _set_order_status(orders, rows, deliveries, payments)
    return deliveries, payments


def _deliveries(orders: Records, month: np.datetime64, rng: np.random.Generator) -> Records:
    n = len(orders)
    day = orders["order_date"]
    promised = day + rng.integers(3, 16, n).astype("timedelta64[D]")
    late = rng.random(n) < np.array([LATE_SHARE[r] for r in orders["region"]])
    shift = np.where(late, rng.integers(1, 13, n), -rng.integers(0, 4, n))
    actual = np.maximum(promised + shift.astype("timedelta64[D]"), day)
    shipped = actual <= to_day(AS_OF)
    return Records({
        "source_system": np.full(n, "fxiaoke", dtype=object), "delivery_id": monthly_numbers("FH", month, n),
        **{c: orders[c] for c in _SHARED}, "region": orders["region"], "promised_date": promised,
        "actual_date": np.where(shipped, actual, np.datetime64("NaT")),
        "on_time": np.where(shipped, actual <= promised, None),
        "created_time": at_time(day, office_seconds(rng, n)),
        "modified_time": at_time(np.where(shipped, actual, day), office_seconds(rng, n)),
    })


def _payments(orders: Records, rng: np.random.Generator) -> Records:
    """Each order follows one plan; instalments fall 10–60 days apart after the order."""
    n = len(orders)
    plan = np.asarray(list(PAYMENT_PLANS), dtype=object)[rng.choice(len(PAYMENT_PLANS), n, p=list(PAYMENT_PLANS.values()))]
    due = np.round(orders["revenue_local"], 2)
    first_share = np.select([plan == "halves", plan == "partial"], [0.5, rng.uniform(0.3, 0.8, n)], 1.0)
    first_amount = np.round(due * first_share, 2)
    first_day = orders["order_date"] + rng.integers(10, 61, n).astype("timedelta64[D]")
    second_day = first_day + rng.integers(10, 61, n).astype("timedelta64[D]")
    pays, halves = plan != "unpaid", plan == "halves"
    row = np.concatenate([np.flatnonzero(pays), np.flatnonzero(halves)])
    instalment = np.concatenate([np.ones(int(pays.sum()), dtype=int), np.full(int(halves.sum()), 2)])
    day = np.concatenate([first_day[pays], second_day[halves]])
    amount = np.concatenate([first_amount[pays], (due - first_amount)[halves]])
    keep = day <= to_day(AS_OF)
    order = np.lexsort((instalment[keep], row[keep]))
    row, instalment, day, amount = row[keep][order], instalment[keep][order], day[keep][order], amount[keep][order]
    pick = orders.take(row)
    return Records({
        "source_system": np.full(len(row), "fxiaoke", dtype=object),
        "payment_id": np.array([f"HK-{o[3:]}-{k}" for o, k in zip(pick["order_id"], instalment)], dtype=object),
        **{c: pick[c] for c in _SHARED}, "instalment": instalment, "payment_date": day, "amount": amount,
        "currency": pick["currency"],
        "payment_method": rng.choice([m for m, _ in PAYMENT_METHODS], len(row), p=[p for _, p in PAYMENT_METHODS]),
        "created_time": at_time(day, office_seconds(rng, len(row))), "_row": row,
    })


def _set_order_status(orders: Records, rows: np.ndarray, deliveries: Records, payments: Records) -> None:
    """发货状态, 回款状态, 已回款金额 and 订单状态 of Fxiaoke orders, from their events.

    `rows` are the positions in `orders` of the valid Fxiaoke orders, in the order the
    deliveries were made; payments point into them with `_row`.
    """
    n = len(orders)
    fx = orders["source_system"] == "fxiaoke"
    shipped_on = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    shipped_on[rows] = deliveries["actual_date"]
    shipped = ~np.isnat(shipped_on)
    received = shipped & ((to_day(AS_OF) - shipped_on).astype(int) > 7)
    paid = np.zeros(n)
    np.add.at(paid, rows[payments["_row"]], payments["amount"])
    due = np.round(orders["revenue_local"], 2)
    orders["delivery_status"] = np.where(fx, np.where(shipped, "已发货", "未发货"), None)
    orders["amount_collected"] = np.where(fx, paid, np.nan)
    orders["payment_status"] = np.where(fx, np.select([paid >= due - 0.005, paid > 0], ["已回款", "部分回款"], "未回款"), None)
    valid = np.zeros(n, dtype=bool)
    valid[rows] = True
    status = orders["status"].copy()
    status[valid] = np.select([received, shipped], ["已收货", "已发货"], "已确认")[valid]
    status[fx & np.equal(status, None)] = "已确认"
    orders["status"] = status
