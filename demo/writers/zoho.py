"""Zoho CRM module exports of division A (华东, 华南): CSV, UTF-8 with BOM, CRLF, all values quoted.

Headers are the first aliases of ingestion/profiles/zoho.yml. Sales Orders carry their line
items as repeated rows (order fields repeated on each line); the second `Discount` column is
the line's discount AMOUNT. Zoho has no order-date field: an order's date is its Created Time.
Exchange Rate follows Zoho's convention — units of the record currency per 1 CNY (home
currency) — whereas the FX sheet gives CNY per unit: they are reciprocal.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..customers import CHANNELS
from ..engine import MonthBatch
from ..planning import Plan
from ..records import Records
from ..service import CASE_KINDS
from ..timeline import EXPORT_TIME, to_day
from ..world import RunState, World
from .formats import cells, date_text, datetime_text, money_text, number_text
from .tables import CHUNK_ROWS, Columns, CsvTable, WrittenFile

#: Value-added tax on Zoho orders (revenue is tax-excluded: only the lines count).
VAT = 0.13
_STREAMED = ("Deals", "Deals_Stage_History", "Sales_Orders", "Quotes", "Calls", "Meetings", "Cases")


class ZohoWriter:
    """Streams division A's records into one CSV per Zoho module."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.tables = {name: CsvTable(folder / f"{name}.csv") for name in _STREAMED}

    def add(self, world: World, batch: MonthBatch) -> None:
        users = world.org.rep_values("pinyin")
        contacts = world.customers.column("contact_name")
        activities = batch.activities.of_system("zoho")
        kind = activities["kind"]
        lines = batch.order_lines.of_system("zoho")
        # Order totals over all lines first: a chunk may hold only part of an order's lines.
        sub_totals = np.bincount(lines["_order"], weights=_net_totals(lines), minlength=len(batch.orders))
        for name, format_rows, records in (
            ("Deals", lambda r: _deals(r, users, contacts), batch.opportunities.of_system("zoho")),
            ("Deals_Stage_History", lambda r: _stage_history(r, users), batch.stage_history.of_system("zoho")),
            ("Sales_Orders", lambda r: _sales_orders(batch.orders, r, sub_totals, world, users, contacts), lines),
            ("Quotes", lambda r: _quotes(r, users), batch.quotes.of_system("zoho")),
            ("Calls", lambda r: _calls(r, users), activities.take(kind == "call")),
            ("Meetings", lambda r: _meetings(r, users), activities.take((kind == "visit") | (kind == "internal_meeting"))),
            ("Cases", lambda r: _cases(r, users), batch.cases.of_system("zoho")),
        ):
            for chunk in records.chunks(CHUNK_ROWS):
                self.tables[name].write(format_rows(chunk))

    def finish(self, world: World, state: RunState, plan: Plan) -> list[WrittenFile]:
        written = [table.close() for table in self.tables.values()]
        for name, columns in (("Accounts", _accounts(world, state)), ("Products", _products(world))):
            table = CsvTable(self.folder / f"{name}.csv")
            table.write(columns)
            written.append(table.close())
        return written


def _minutes_later(times: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    return times + minutes.astype("timedelta64[m]")


def _deals(deals: Records, users: np.ndarray, contacts: np.ndarray) -> Columns:
    owner = users[deals["_rep"]].tolist()
    amount = deals["amount_cny"]
    contact = contacts[deals["_cust"]]
    # Big deals carry a multi-line description, as reps type them (quoted newlines in the CSV).
    description = [f"大客户项目：{line}升级改造\n预算约 {a / 10_000:.0f} 万元\n决策人：{c}（采购）" if a >= 150_000 else None
                   for line, a, c in zip(deals["product_line"], amount, contact)]
    return [
        ("Record Id", cells(deals["opportunity_id"])), ("Deal Owner", owner),
        ("Deal Name", cells(deals["opportunity_name"])), ("Account Name", cells(deals["customer_name"])),
        ("Account Name.id", cells(deals["customer_key"])), ("Contact Name", contact.tolist()),
        ("Amount", money_text(amount)), ("Closing Date", date_text(deals["close_date"])),
        ("Stage", cells(deals["stage"])), ("Type", cells(deals["deal_type"])),
        ("Probability (%)", number_text(deals["probability"])),
        ("Expected Revenue", money_text(amount * deals["probability"] / 100)),
        ("Lead Source", cells(deals["lead_source"])), ("Currency", ["CNY"] * len(deals)),
        ("Exchange Rate", ["1"] * len(deals)), ("Created By", owner),
        ("Created Time", datetime_text(deals["created_time"])), ("Modified By", owner),
        ("Modified Time", datetime_text(deals["modified_time"])), ("Description", description),
    ]


def _stage_history(history: Records, users: np.ndarray) -> Columns:
    """Stage History rows name their deal by id only (with `Deal Name` the file would also read as Deals)."""
    return [
        ("Deal Id", cells(history["opportunity_id"])), ("Stage", cells(history["stage"])),
        ("Amount", money_text(history["amount_cny"])), ("Probability (%)", number_text(history["probability"])),
        ("Closing Date", date_text(history["close_date"])), ("Modified Time", datetime_text(history["changed_time"])),
        ("Modified By", users[history["_rep"]].tolist()),
    ]


def _net_totals(lines: Records) -> np.ndarray:
    """`Net Total` of each line: Total − Discount, in cents as exported."""
    return np.round(lines["gross_local"] - lines["line_discount_amount"], 2)


def _sales_orders(orders: Records, lines: Records, sub_totals: np.ndarray, world: World, users: np.ndarray,
                  contacts: np.ndarray) -> Columns:
    """One row per line, order fields repeated; `sub_totals` per order, from the (rounded) line amounts."""
    net = _net_totals(lines)
    position = lines["_order"]
    sub = sub_totals[position]
    tax = np.round(sub * VAT, 2)
    order = orders.take(position)
    owner = users[order["_rep"]].tolist()
    catalog = world.catalog.frame
    product = pd.Index(catalog["product_code"]).get_indexer(lines["product_code"])
    return [
        ("Record Id", cells(lines["order_id"])), ("SO Number", cells(order["order_no"])),
        ("Subject", [f"{n} {c}" for n, c in zip(order["order_no"], order["customer_name"])]),
        ("Deal Name", cells(order["opportunity_name"])), ("Deal Name.id", cells(order["opportunity_id"])),
        ("Account Name", cells(order["customer_name"])), ("Account Name.id", cells(order["customer_key"])),
        ("Contact Name", contacts[order["_cust"]].tolist()), ("Status", cells(order["status"])),
        ("Due Date", date_text(order["due_date"])), ("Sub Total", money_text(sub)),
        ("Discount", money_text(np.zeros(len(lines)))), ("Tax", money_text(tax)),
        ("Adjustment", money_text(np.zeros(len(lines)))), ("Grand Total", money_text(sub + tax)),
        ("Currency", cells(order["currency"])),
        ("Exchange Rate", [f"{1 / r:.6f}".rstrip("0").rstrip(".") for r in order["fx_rate"]]),
        ("Owner", owner), ("Created By", owner), ("Created Time", datetime_text(order["created_time"])),
        ("Modified By", owner), ("Modified Time", datetime_text(order["modified_time"])),
        ("Product Name", catalog["product_name_en"].to_numpy()[product].tolist()),
        ("Product Code", cells(lines["product_code"])), ("Quantity", number_text(lines["quantity"])),
        ("List Price", money_text(lines["unit_price"])),
        ("Discount", money_text(lines["line_discount_amount"])),
        ("Total", money_text(lines["gross_local"])), ("Net Total", money_text(net)),
    ]


def _quotes(quotes: Records, users: np.ndarray) -> Columns:
    return [
        ("Record Id", cells(quotes["quote_id"])), ("Subject", [f"{n} 报价" for n in quotes["opportunity_name"]]),
        ("Quote Stage", cells(quotes["quote_stage"])), ("Deal Name", cells(quotes["opportunity_name"])),
        ("Deal Name.id", cells(quotes["opportunity_id"])), ("Account Name", cells(quotes["customer_name"])),
        ("Account Name.id", cells(quotes["customer_key"])), ("Grand Total", money_text(quotes["amount_cny"])),
        ("Currency", ["CNY"] * len(quotes)), ("Valid Till", date_text(quotes["valid_till"])),
        ("Quote Owner", users[quotes["_rep"]].tolist()),
        ("Created Time", datetime_text(quotes["quote_time"])), ("Modified Time", datetime_text(quotes["quote_time"])),
    ]


def _calls(calls: Records, users: np.ndarray) -> Columns:
    outbound = calls["call_type"] == "Outbound"
    return [
        ("Record Id", cells(calls["activity_id"])),
        ("Subject", np.where(outbound, "电话回访", "客户来电").tolist()),
        ("Call Type", cells(calls["call_type"])), ("Call Start Time", datetime_text(calls["start_time"])),
        ("Call Duration (in minutes)", number_text(calls["duration_minutes"])),
        ("Call Result", cells(calls["call_result"])), ("Related To", cells(calls["customer_name"])),
        ("Related To.id", cells(calls["customer_key"])), ("Call Owner", users[calls["_rep"]].tolist()),
        ("Modified Time", datetime_text(_minutes_later(calls["start_time"], calls["duration_minutes"]))),
        ("Description", cells(calls["note"])),
    ]


def _meetings(meetings: Records, users: np.ndarray) -> Columns:
    """Visits are meetings at the customer's site; internal meetings have no venue and no customer."""
    visit = meetings["kind"] == "visit"
    end = _minutes_later(meetings["start_time"], meetings["duration_minutes"])
    return [
        ("Record Id", cells(meetings["activity_id"])),
        ("Title", [f"拜访 {c}" if v else "销售周例会" for v, c in zip(visit, meetings["customer_name"])]),
        ("From", datetime_text(meetings["start_time"])), ("To", datetime_text(end)),
        ("Venue", [f"{c} 客户现场" if v else None for v, c in zip(visit, meetings["city"])]),
        ("Related To", cells(meetings["customer_name"])), ("Related To.id", cells(meetings["customer_key"])),
        ("Host", users[meetings["_rep"]].tolist()), ("Modified Time", datetime_text(end)),
        ("Description", cells(meetings["note"])),
    ]


def _cases(cases: Records, users: np.ndarray) -> Columns:
    kind = cases["kind"]
    damage = cases["property_damage"].astype(bool)
    resolved = cases["is_resolved"].astype(bool)
    status = np.select([resolved, cases["priority_en"] == "High"], ["Closed", "Escalated"], "New")
    description = [f"问题描述：{CASE_KINDS[k][3]}{'，安装时损坏客户设施' if d else ''}\n处理结果：{'已解决' if r else '处理中'}"
                   for k, d, r in zip(kind, damage, resolved)]
    modified = np.where(resolved, cases["resolved_time"], cases["opened_time"])
    return [
        ("Record Id", cells(cases["case_id"])), ("Case Number", cells(cases["case_number"])),
        ("Subject", [CASE_KINDS[k][3] for k in kind]), ("Status", status.tolist()),
        ("Priority", cells(cases["priority_en"])), ("Case Origin", cells(cases["origin"])),
        ("Type", ["Property Damage" if d else CASE_KINDS[k][0] for k, d in zip(kind, damage)]),
        ("Account Name", cells(cases["customer_name"])), ("Account Name.id", cells(cases["customer_key"])),
        ("Case Owner", users[cases["_rep"]].tolist()), ("Created Time", datetime_text(cases["opened_time"])),
        ("Closed Time", datetime_text(cases["resolved_time"])), ("Modified Time", datetime_text(modified)),
        ("Description", description),
    ]


def _accounts(world: World, state: RunState) -> Columns:
    """Accounts as of the export: current owner, last touched at the last follow-up."""
    frame = world.customers.frame
    zoho = np.flatnonzero(frame["source_system"].to_numpy() == "zoho")
    accounts = frame.iloc[zoho]
    owner = world.customers.ownership.book_on(to_day(EXPORT_TIME.date()))[zoho]
    created = accounts["created_time"].to_numpy()
    modified = np.fmax(created, state.last_activity_time[zoho])
    return [
        ("Record Id", cells(accounts["zoho_id"])), ("Account Owner", list(world.org.rep_values("pinyin")[owner])),
        ("Account Name", cells(accounts["customer_name"])), ("Account Number", cells(accounts["customer_no"])),
        ("Account Type", [CHANNELS[c][1] for c in accounts["channel"]]),
        ("Industry", cells(accounts["industry_en"])), ("Annual Revenue", money_text(accounts["annual_revenue"])),
        ("Employees", number_text(accounts["employees"])), ("Phone", cells(accounts["phone"])),
        ("Billing City", cells(accounts["city"])), ("Billing State", cells(accounts["province"])),
        ("Billing Country", ["中国"] * len(accounts)), ("Created Time", datetime_text(created)),
        ("Modified Time", datetime_text(modified)),
    ]


def _products(world: World) -> Columns:
    """The catalogue; a product launched later was created then, a discontinued one is inactive."""
    catalog = world.catalog.frame
    default = pd.Series(pd.Timestamp("2023-06-01") + pd.to_timedelta(np.arange(len(catalog)), unit="D"))
    created = pd.to_datetime(catalog["available_from"]).fillna(default) + pd.Timedelta(hours=10)
    modified = (pd.to_datetime(catalog["available_to"]) + pd.Timedelta(hours=18)).fillna(created)
    return [
        ("Record Id", cells(catalog["zoho_id"])), ("Product Name", cells(catalog["product_name_en"])),
        ("Product Code", cells(catalog["product_code"])), ("Product Category", cells(catalog["product_line_en"])),
        ("Unit Price", money_text(catalog["price_cny"])),
        ("Product Active", np.where(catalog["available_to"].isna(), "true", "false").tolist()),
        ("Created Time", datetime_text(created)), ("Modified Time", datetime_text(modified)),
    ]
