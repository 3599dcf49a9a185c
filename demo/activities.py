"""Follow-up activities: calls, customer visits, WeChat and e-mail, one month at a time.

Each rep works the book of customers they own that month, at their own diligence. Zoho logs
calls (Calls) and visits (Meetings with a venue) plus internal meetings that are NOT visits
(no venue, no customer) — the warehouse must not count those; Fxiaoke logs everything in
跟进记录 with 跟进类型 电话 / 拜访 / 微信 / 邮件.
"""
from __future__ import annotations

import numpy as np

from .records import Records
from .timeline import at_time, days_of_month, is_workday, office_seconds, to_day
from .world import RunState, World

#: kind → (per working day or per month, mean count at scale 1, systems logging it)
KINDS = {
    "call": ("workday", 0.4, ("zoho", "fxiaoke")),
    "visit": ("month", 3.0, ("zoho", "fxiaoke")),
    "wechat": ("workday", 0.2, ("fxiaoke",)),
    "email": ("month", 1.5, ("fxiaoke",)),
    "internal_meeting": ("month", 1.0, ("zoho",)),
}
FXIAOKE_TYPES = {"call": "电话", "visit": "拜访", "wechat": "微信", "email": "邮件"}
CALL_RESULTS = ("Interested", "Requested more info", "Requested call back", "No response/Busy", "Not interested")
NOTES = {
    "call": ("电话沟通项目进度，客户关注交付周期。", "确认报价细节，客户内部走审批。", "回访使用情况，客户反馈良好。"),
    "visit": ("上门拜访，了解机房改造需求。", "现场勘查安装环境，约定下次方案汇报。", "拜访采购负责人，介绍新品方案。"),
    "wechat": ("微信发送产品资料和报价单。", "微信沟通到货时间。"),
    "email": ("邮件发送技术方案和合同草稿。", "邮件确认验收单。"),
}


def simulate_activities(world: World, state: RunState, index: int) -> Records:
    """The month's follow-ups of every rep on the roster, with customers from their own book."""
    month = world.months[index]
    rng = world.rng("activities", index)
    days = days_of_month(month)
    workdays = days[is_workday(days)]
    created = world.customers.column("created_time").astype("datetime64[D]")
    reps = np.array([a.rep for a in world.org.valid_on(month)])
    # Each rep's book this month: customers grouped by owner, located by searchsorted.
    existing = np.flatnonzero(created <= days[-1])
    owner = world.customers.ownership.book_on(to_day(month))[existing]
    order = np.argsort(owner, kind="stable")
    book, owner = existing[order], owner[order]
    start = np.searchsorted(owner, reps, side="left")
    size = np.searchsorted(owner, reps, side="right") - start
    system = world.org.rep_values("system")[reps]
    diligence = world.org.rep_values("diligence")[reps].astype(float)
    parts: dict[str, list[np.ndarray]] = {"kind": [], "_rep": [], "_cust": [], "day": [], "duration_minutes": []}
    for kind, (unit, mean, systems) in KINDS.items():
        internal = kind == "internal_meeting"
        logs = np.isin(system, systems) & ((size > 0) | internal)
        expected = mean * diligence * world.scale * (len(workdays) if unit == "workday" else 1)
        count = rng.poisson(np.where(logs, expected, 0.0))
        who = np.repeat(np.arange(len(reps)), count)
        n = len(who)
        cust = np.full(n, -1) if internal else book[start[who] + (rng.random(n) * size[who]).astype(int)]
        day = workdays[rng.integers(0, len(workdays), n)]
        for name, values in (("kind", np.full(n, kind, dtype=object)), ("_rep", reps[who]), ("_cust", cust),
                             ("day", day if internal else np.maximum(day, created[cust])),
                             ("duration_minutes", _durations(kind, n, rng))):
            parts[name].append(values)
    joined = {name: np.concatenate(values) for name, values in parts.items()}
    start_time = at_time(joined.pop("day"), office_seconds(rng, len(joined["kind"])))
    records = Records({**joined, "start_time": start_time}).take(np.argsort(start_time, kind="stable"))
    return _describe(world, state, records, rng)


def _durations(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "call":
        return rng.integers(1, 31, n)
    if kind in ("visit", "internal_meeting"):
        return rng.choice([60, 90, 120], n)
    return np.zeros(n, dtype=int)


def _describe(world: World, state: RunState, records: Records, rng: np.random.Generator) -> Records:
    """Customer, ids, Zoho call type / result and Fxiaoke note; remember each customer's last follow-up."""
    cust = records["_cust"]
    known = cust >= 0
    for column in ("customer_key", "customer_name", "city"):
        records[column] = np.where(known, world.customers.column(column)[np.maximum(cust, 0)], None)
    system = world.org.rep_values("system")[records["_rep"]]
    zoho = system == "zoho"
    activity_id = np.full(len(records), None, dtype=object)
    activity_id[zoho] = state.zoho_ids.take(int(zoho.sum()))
    kind = records["kind"]
    pick = rng.random(len(records))
    note = np.full(len(records), None, dtype=object)
    for name, texts in NOTES.items():
        mask = kind == name
        note[mask] = np.asarray(texts, dtype=object)[(pick[mask] * len(texts)).astype(int)]
    calls = kind == "call"
    out = Records({
        "source_system": system, "activity_id": activity_id, "rep_id": world.org.rep_values("rep_id")[records["_rep"]],
        **{c: records[c] for c in records},
        "fxiaoke_type": np.array([None if z else FXIAOKE_TYPES[k] for z, k in zip(zoho, kind)], dtype=object),
        "call_type": np.where(calls, np.where(rng.random(len(records)) < 0.85, "Outbound", "Inbound"), None),
        "call_result": np.where(calls, rng.choice(CALL_RESULTS, len(records)), None),
        "note": note,
    })
    np.fmax.at(state.last_activity_time, cust[known], records["start_time"][known])
    return out
