"""Service quality: complaints / cases and satisfaction surveys.

Cases carry opened and resolved times (a few stay unresolved, a few record damage to the
customer's property — seed 003's "customer property lost or damaged", target 0). Zoho has
no property-damage field, so there it is a case Type; Fxiaoke has 客户财产损失 (是/否).
Surveys are run each quarter on a sample of recent buyers; the score (0–100) depends on the
owner's skill, so internal benchmarking has a best and a worst rep to find.
"""
from __future__ import annotations

import numpy as np

from .ids import monthly_numbers
from .records import Records
from .timeline import EXPORT_TIME, YEARLY_GROWTH, at_time, days_of_month, is_workday, years_since_start
from .world import RunState, World

CASES_PER_MONTH_AT_SCALE_1 = 9
UNRESOLVED_SHARE = 0.04
PROPERTY_DAMAGE_SHARE = 0.025
#: case kind → (Zoho Type, Fxiaoke 工单类型, share, subject)
CASE_KINDS = {
    "complaint": ("Complaint", "投诉", 0.35, "客户投诉：到货延迟"),
    "question": ("Question", "咨询", 0.30, "咨询：设备配置"),
    "repair": ("Problem", "维修", 0.35, "设备故障报修"),
}
PRIORITIES = (("High", "高", 0.2), ("Medium", "中", 0.5), ("Low", "低", 0.3))
CASE_ORIGINS = ("Phone", "Email", "Web")
SURVEYS_PER_QUARTER_AT_SCALE_1 = 30
_EXPORT = np.datetime64(EXPORT_TIME, "s")


def simulate_cases(world: World, state: RunState, index: int) -> Records:
    """The month's cases, raised by customers who have bought; owner = the customer's owner then."""
    month = world.months[index]
    rng = world.rng("cases", index)
    n = int(rng.poisson(CASES_PER_MONTH_AT_SCALE_1 * world.scale * YEARLY_GROWTH ** years_since_start(month)))
    days = days_of_month(month)
    buyers = np.flatnonzero(state.last_order_day <= days[-1])
    cust = rng.choice(buyers, n if len(buyers) else 0)
    n = len(cust)
    opened = at_time(days[rng.integers(0, len(days), n)], rng.integers(0, 86_400, n))
    order = np.argsort(opened, kind="stable")
    cust, opened = cust[order], opened[order]
    resolved = opened + (rng.lognormal(np.log(18), 1.0, n) * 3600).astype("timedelta64[s]")
    unresolved = (rng.random(n) < UNRESOLVED_SHARE) | (resolved > _EXPORT)
    kinds = list(CASE_KINDS)
    priority = rng.choice(len(PRIORITIES), n, p=[p[2] for p in PRIORITIES])
    owner = world.customers.ownership.owner_at(cust, opened)
    system = world.customers.column("source_system")[cust]
    zoho = system == "zoho"
    case_id = np.empty(n, dtype=object)
    case_number = np.empty(n, dtype=object)
    case_id[zoho] = state.zoho_ids.take(int(zoho.sum()))
    case_number[zoho] = state.case_numbers.take(int(zoho.sum()))
    case_id[~zoho] = case_number[~zoho] = monthly_numbers("GD", np.datetime64(month, "M"), int((~zoho).sum()))
    return Records({
        "source_system": system, "case_id": case_id, "case_number": case_number,
        "kind": np.asarray(kinds, dtype=object)[rng.choice(len(kinds), n, p=[CASE_KINDS[k][2] for k in kinds])],
        "property_damage": rng.random(n) < PROPERTY_DAMAGE_SHARE,
        "priority_en": np.array([p[0] for p in PRIORITIES], dtype=object)[priority],
        "priority_zh": np.array([p[1] for p in PRIORITIES], dtype=object)[priority],
        "origin": rng.choice(CASE_ORIGINS, n),
        "customer_key": world.customers.column("customer_key")[cust],
        "customer_name": world.customers.column("customer_name")[cust],
        "rep_id": world.org.rep_values("rep_id")[owner], "opened_time": opened,
        "resolved_time": np.where(unresolved, np.datetime64("NaT"), resolved), "is_resolved": ~unresolved,
        "_rep": owner,
    })


def simulate_surveys(world: World, state: RunState, index: int) -> Records:
    """In the last month of each quarter, survey customers who bought in the last 12 months."""
    month = world.months[index]
    rng = world.rng("surveys", index)
    days = days_of_month(month)
    recent = np.flatnonzero(state.last_order_day >= days[-1] - np.timedelta64(365, "D"))
    quarter_end = month.month % 3 == 0
    n = min(len(recent), int(rng.poisson(SURVEYS_PER_QUARTER_AT_SCALE_1 * world.scale))) if quarter_end else 0
    cust = np.sort(rng.choice(recent, n, replace=False))
    workdays = days[is_workday(days)]
    day = workdays[rng.integers(0, len(workdays), n)]
    owner = world.customers.ownership.owner_at(cust, day)
    skill = world.org.rep_values("skill").astype(float)[owner]
    quarter = f"{month.year}Q{(month.month - 1) // 3 + 1}"
    return Records({
        "survey_id": np.array([f"SV-{quarter}-{i:04d}" for i in range(1, n + 1)], dtype=object),
        "customer_key": world.customers.column("customer_key")[cust],
        "customer_name": world.customers.column("customer_name")[cust],
        "survey_date": day, "score": np.clip(np.round(rng.normal(84 + 15 * (skill - 1), 8)), 30, 100),
        "rep_id": world.org.rep_values("rep_id")[owner], "rep_name": world.org.rep_values("name")[owner],
    })
