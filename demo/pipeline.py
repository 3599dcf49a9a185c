"""Opportunities, their stage history and quotes, one month at a time.

Won opportunities are born from orders (a customer's first order nearly always comes from a
deal, repeat orders sometimes do), so a won deal's amount is its order's revenue and the
order names its deal. Lost and still-open opportunities are drawn per month; reps with less
skill lose more. Stage changes are timed in office hours, with some quote requests arriving
in the evening so that their quote goes out the next morning — across midnight.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .catalog import PRODUCT_LINES
from .ids import monthly_numbers
from .records import Records
from .stages import STAGES
from .timeline import (AS_OF, EXPORT_TIME, YEARLY_GROWTH, at_time, days_of_month, is_workday,
                       later_in_office, office_seconds, to_day, years_since_start)
from .world import RunState, World

WON_SHARE_FIRST_ORDER, WON_SHARE_REPEAT_ORDER = 0.85, 0.22
#: Lost or still-open opportunities created per month at scale 1 (before growth).
OTHER_OPPORTUNITIES_AT_SCALE_1 = 38
#: Share of opportunities past their expected close date that nobody closed (stale pipeline).
STALE_SHARE = 0.08
#: Share of daytime quote requests answered within hours (the rest: the next working day or two).
FAST_QUOTE_SHARE = 0.65
REVISED_QUOTE_SHARE = 0.3
LEAD_SOURCES = {
    "zoho": ("Trade Show", "Web Research", "Employee Referral", "Cold Call", "Partner", "Advertisement"),
    "fxiaoke": ("展会", "官网咨询", "老客户转介绍", "电话营销", "代理商推荐"),
}
LOST_REASONS = ("价格过高", "选择竞品", "需求取消", "预算不足", "交期不满足")
_EXPORT = np.datetime64(EXPORT_TIME, "s")
_HOUR = np.timedelta64(3600, "s")


def simulate_pipeline(world: World, state: RunState, index: int,
                      orders: Records) -> tuple[Records, Records, Records]:
    """Opportunities created for this month's orders plus this month's other opportunities.

    Sets `opportunity_id` / `opportunity_name` on the orders that came from a won deal.
    Returns (opportunities, stage history, quotes).
    """
    rng = world.rng("pipeline", index)
    specs = Records.concat([_won_specs(orders, rng), _other_specs(world, state, index, rng)])
    opportunities, history, quotes = _realise(world, state, index, specs, rng)
    row = specs["order_row"]
    won = row >= 0
    order_id = np.full(len(opportunities), None, dtype=object)
    order_id[won] = orders["order_id"][row[won]]
    opportunities["order_id"] = order_id
    for column in ("opportunity_id", "opportunity_name"):
        linked = np.full(len(orders), None, dtype=object)
        linked[row[won]] = opportunities[column][won]
        orders[column] = linked
    return opportunities, history, quotes


def _won_specs(orders: Records, rng: np.random.Generator) -> Records:
    n = len(orders)
    first = orders["is_first_order"]
    chosen = rng.random(n) < np.where(first, WON_SHARE_FIRST_ORDER, WON_SHARE_REPEAT_ORDER)
    close = orders["order_date"] - rng.integers(0, 4, n).astype("timedelta64[D]")
    cycle = (rng.integers(15, 121, n) * np.where(first, 1.5, 1.0)).astype(int)
    created = at_time(close - cycle.astype("timedelta64[D]"), office_seconds(rng, n))
    return Records({
        "cust": orders["_cust"], "rep": orders["_rep"], "system": orders["source_system"],
        "created": created, "close": close, "outcome": np.full(n, "won", dtype=object),
        "amount": np.round(orders["revenue_cny"], 2), "new_business": first,
        "line": rng.integers(0, len(PRODUCT_LINES), n), "order_row": np.arange(n),
    }).take(chosen)


def _other_specs(world: World, state: RunState, index: int, rng: np.random.Generator) -> Records:
    """Opportunities that are lost, or still open at export time."""
    month = world.months[index]
    customers = world.customers
    n = int(rng.poisson(OTHER_OPPORTUNITIES_AT_SCALE_1 * world.scale * YEARLY_GROWTH ** years_since_start(month)))
    days = days_of_month(month)
    created_day = customers.column("created_time").astype("datetime64[D]")
    churn = customers.column("churn_day")
    eligible = np.flatnonzero((created_day <= days[-1]) & (np.isnat(churn) | (churn > days[0])))
    skill = world.org.rep_values("skill").astype(float)[customers.ownership.book_on(days[0])[eligible]]
    weight = customers.column("weight")[eligible] / skill ** 2
    cust = rng.choice(eligible, n, p=weight / weight.sum())
    workday = np.where(is_workday(days), 1.0, 0.1)
    day = np.maximum(days[rng.choice(len(days), n, p=workday / workday.sum())], created_day[cust])
    close = day + rng.integers(20, 151, n).astype("timedelta64[D]")
    due = close <= to_day(AS_OF)
    size_factor = np.array([{"大型": 2.5, "中型": 1.3, "小型": 0.7}[s] for s in customers.column("size")[cust]])
    return Records({
        "cust": cust, "rep": customers.ownership.owner_at(cust, day),
        "system": customers.column("source_system")[cust],
        "created": at_time(day, office_seconds(rng, n)), "close": close,
        "outcome": np.where(due & (rng.random(n) >= STALE_SHARE), "lost", "open"),
        "amount": np.round(rng.lognormal(np.log(40_000), 0.7, n) * size_factor, -2),
        "new_business": np.isnat(state.first_order_day[cust]),
        "line": rng.integers(0, len(PRODUCT_LINES), n), "order_row": np.full(n, -1),
    })


def _occurrence(values: np.ndarray) -> np.ndarray:
    """0 for the first occurrence of each value, 1 for the second, … (in array order)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    rank = np.arange(len(values)) - np.repeat(starts, np.diff(np.r_[starts, len(values)]))
    out = np.empty(len(values), dtype=int)
    out[order] = rank
    return out


def _realise(world: World, state: RunState, index: int, specs: Records,
             rng: np.random.Generator) -> tuple[Records, Records, Records]:
    """Walk each opportunity through its stages; emit its record, stage changes and quotes."""
    n = len(specs)
    system, outcome, cust = specs["system"], specs["outcome"], specs["cust"]
    zoho = system == "zoho"
    rep_id = world.org.rep_values("rep_id")[specs["rep"]]
    customer = world.customers.column("customer_name")[cust]
    count = state.opportunity_count[cust] + _occurrence(cust) + 1
    np.add.at(state.opportunity_count, cust, 1)
    line_zh = np.array([zh for _, zh, _ in PRODUCT_LINES], dtype=object)[specs["line"]]
    line_en = np.array([en for _, _, en in PRODUCT_LINES], dtype=object)[specs["line"]]
    name = np.array([f"{c} - {e} #{k}" if z else f"{c}-{h}项目-{k}"
                     for z, c, e, h, k in zip(zoho, customer, line_en, line_zh, count)], dtype=object)
    # Zoho keys deals by record id; Fxiaoke by 商机名称 (it has a 商机编号 too).
    month = np.datetime64(world.months[index], "M")
    ids = name.copy()
    numbers = np.empty(n, dtype=object)
    ids[zoho] = numbers[zoho] = state.zoho_ids.take(int(zoho.sum()))
    numbers[~zoho] = monthly_numbers("SJ", month, int((~zoho).sum()))
    walk = _walk_stages(specs, rng)
    opportunities = Records({
        "source_system": system, "opportunity_id": ids, "opportunity_no": numbers, "opportunity_name": name,
        "customer_key": world.customers.column("customer_key")[cust], "customer_name": customer,
        "rep_id": rep_id, "created_time": specs["created"], "close_date": specs["close"],
        "stage": walk.final_stage, "stage_group": outcome,
        "probability": np.array([STAGES[s].probability(f) for s, f in zip(system, walk.final_stage)]),
        "amount_cny": specs["amount"],
        "deal_type": np.where(specs["new_business"], "New Business", "Existing Business"),
        "lead_source": _pick_per_system(LEAD_SOURCES, system, rng),
        "lost_reason": np.where(outcome == "lost", rng.choice(LOST_REASONS, n), None),
        "modified_time": np.minimum(walk.last + _HOUR, _EXPORT),
        "product_line": line_zh, "_cust": cust, "_rep": specs["rep"],
    })
    history = Records({
        "source_system": system[walk.opp], "opportunity_id": ids[walk.opp], "opportunity_name": name[walk.opp],
        "stage": walk.stage,
        "probability": np.array([STAGES[s].probability(t) for s, t in zip(system[walk.opp], walk.stage)]),
        "changed_time": walk.time, "rep_id": rep_id[walk.opp], "amount_cny": specs["amount"][walk.opp],
        "close_date": specs["close"][walk.opp], "_rep": specs["rep"][walk.opp],
    })
    quotes = _quotes(specs, walk, rng)
    q = quotes["_opp"]
    for column, values in (("source_system", system), ("opportunity_id", ids), ("opportunity_name", name),
                           ("customer_key", opportunities["customer_key"]), ("customer_name", customer),
                           ("rep_id", rep_id), ("_rep", specs["rep"])):
        quotes[column] = values[q]
    quote_id = np.empty(len(quotes), dtype=object)
    quote_zoho = quotes["source_system"] == "zoho"
    quote_id[quote_zoho] = state.zoho_ids.take(int(quote_zoho.sum()))
    quote_id[~quote_zoho] = monthly_numbers("BJ", month, int((~quote_zoho).sum()))
    quotes["quote_id"] = quote_id
    return opportunities, history, quotes


def _pick_per_system(options: dict[str, tuple[str, ...]], system: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = np.empty(len(system), dtype=object)
    for name, values in options.items():
        mask = system == name
        out[mask] = rng.choice(values, int(mask.sum()))
    return out


@dataclass(frozen=True)
class _Walk:
    """Stage changes of a batch of opportunities, one entry per stage entered, by opportunity."""

    opp: np.ndarray  # opportunity row of each entry
    stage: np.ndarray
    time: np.ndarray  # datetime64[s]
    final_stage: np.ndarray  # per opportunity
    last: np.ndarray  # per opportunity: time of its last change


def _walk_stages(specs: Records, rng: np.random.Generator) -> _Walk:
    """Open stages in funnel order at random office-hour times, then the closing stage.

    Won deals pass every open stage; lost ones drop out early more often than late; open
    ones have progressed as far as the time elapsed towards their expected close.
    """
    n = len(specs)
    system, outcome = specs["system"], specs["outcome"]
    created = specs["created"]
    close = specs["close"]
    stages = np.where(system == "zoho", len(STAGES["zoho"].open), len(STAGES["fxiaoke"].open))
    now = np.minimum(_EXPORT, close.astype("datetime64[s]"))
    span_to_close = np.maximum((close.astype("datetime64[s]") - created).astype(float), 1.0)
    elapsed = np.clip((now - created).astype(float) / span_to_close, 0.0, 1.0)
    lost_reach = 1 + np.minimum(rng.geometric(0.35, n) - 1, stages - 1)
    reached = np.select([outcome == "won", outcome == "lost"], [stages, lost_reach],
                        1 + (elapsed * (stages - 1)).astype(int))
    closed = outcome != "open"
    end = np.where(closed, at_time(close, office_seconds(rng, n)), now)
    # Entries after the first: random instants between creation and end, moved into office hours.
    later = np.repeat(np.arange(n), reached - 1)
    offset = rng.random(len(later)) * np.maximum((end - created).astype(float), 1.0)[later]
    day = (created[later] + offset.astype("timedelta64[s]")).astype("datetime64[D]")
    at = at_time(day, office_seconds(rng, len(later), evening_share=0.12))
    at = np.minimum(np.maximum(at, created[later]), end[later])
    opp = np.concatenate([np.arange(n), later])
    time = np.concatenate([created, at])
    order = np.lexsort((time, opp))
    opp, time = opp[order], time[order]
    first = np.searchsorted(opp, np.arange(n))
    position = np.arange(len(opp)) - first[opp]
    stage = np.empty(len(opp), dtype=object)
    for name, book in STAGES.items():
        mask = system[opp] == name
        stage[mask] = np.array([s for s, _ in book.open], dtype=object)[position[mask]]
    last = time[first + reached - 1]
    close_time = np.maximum(end, last + _HOUR)
    close_stage = np.where(outcome == "won", np.where(system == "zoho", STAGES["zoho"].won, STAGES["fxiaoke"].won),
                           np.where(system == "zoho", rng.choice(STAGES["zoho"].lost, n, p=(0.65, 0.35)),
                                    STAGES["fxiaoke"].lost[0]))
    final_stage = np.where(closed, close_stage, stage[first + reached - 1])
    # Append the closing entries and re-sort so each opportunity's entries stay together.
    opp = np.concatenate([opp, np.flatnonzero(closed)])
    time = np.concatenate([time, close_time[closed]])
    stage = np.concatenate([stage, close_stage[closed]])
    order = np.lexsort((time, opp))
    return _Walk(opp=opp[order], stage=stage[order], time=time[order],
                 final_stage=final_stage.astype(object), last=np.where(closed, close_time, last))


def _quotes(specs: Records, walk: _Walk, rng: np.random.Generator) -> Records:
    """The first quote answers the request made on entering the quote stage; some get revised.

    Most daytime requests are answered within hours, the rest the next working day or two;
    evening requests the next morning (across midnight). Quotes not yet sent at export time
    are not in the export.
    """
    system = specs["system"]
    quote_stage = {name: book.open[book.quote_stage][0] for name, book in STAGES.items()}
    entered = np.flatnonzero(walk.stage == np.array([quote_stage[s] for s in system[walk.opp]], dtype=object))
    opp = walk.opp[entered]
    requested = walk.time[entered]
    n = len(opp)
    day = requested.astype("datetime64[D]")
    hour = (requested - day.astype("datetime64[s]")).astype(int) // 3600
    within_hours = requested + (rng.uniform(0.25, 4.0, n) * 3600).astype("timedelta64[s]")
    next_working_days = later_in_office(rng, at_time(day + np.timedelta64(1, "D"), np.zeros(n, dtype=int)), 1)
    next_morning = at_time(day + np.timedelta64(1, "D"), rng.integers(9 * 3600, 11 * 3600 + 1800, n))
    sent = np.select([hour >= 19, rng.random(n) < FAST_QUOTE_SHARE], [next_morning, within_hours], next_working_days)
    amount = specs["amount"][opp]
    revised = rng.random(n) < REVISED_QUOTE_SHARE
    revised_at = later_in_office(rng, sent + np.timedelta64(2, "D"), 8)
    final = np.select([specs["outcome"][opp] == "won", specs["outcome"][opp] == "lost"],
                      ["Closed Won", "Closed Lost"], "Negotiation").astype(object)
    quotes = Records({
        "_opp": np.concatenate([opp, opp[revised]]),
        "requested_time": np.concatenate([requested, np.full(int(revised.sum()), np.datetime64("NaT"), "datetime64[s]")]),
        "quote_time": np.concatenate([sent, revised_at[revised]]),
        "amount_cny": np.concatenate([np.round(amount * rng.uniform(1.0, 1.1, n), -2), amount[revised]]),
        "quote_stage": np.concatenate([np.where(revised, "Delivered", final), final[revised]]),
    })
    quotes["valid_till"] = quotes["quote_time"].astype("datetime64[D]") + np.timedelta64(30, "D")
    waited = quotes["quote_time"] - quotes["requested_time"]
    quotes["response_hours"] = np.where(np.isnat(waited), np.nan, waited.astype(float) / 3600)
    order = np.lexsort((quotes["quote_time"], quotes["_opp"]))
    return quotes.take(order[quotes["quote_time"][order] <= _EXPORT])
