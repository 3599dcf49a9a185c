"""纷享销客 Fxiaoke object exports of division B (华北, 西南): XLSX with Chinese headers.

Headers are the first aliases of ingestion/profiles/fxiaoke.yml. The exports look like the
web console's: some have a title row above the header, some amounts are text (`¥12,345.60`),
折扣 / 整单折扣 / 赢率 are percentages as text (`90%`), a few date columns use `2024/3/5`,
负责人 is the rep's Chinese name and 负责人所属部门 their department at export time (not on
the record's date). A file too long for one sheet is written as CSV (UTF-8 with BOM).
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
from .formats import (cells, date_text, datetime_text, money_number, percent_text,
                      slash_date_text, thousands_text, yuan_text)
from .tables import CHUNK_ROWS, Columns, SpilledTable, WrittenFile

_TITLE = f"导出 {EXPORT_TIME:%Y-%m-%d}"
#: file (and sheet) name → has a title row
_STREAMED = {"商机": False, "商机阶段变更记录": False, "销售订单": True, "订单产品": False, "回款": True,
             "跟进记录": False, "报价单": False, "发货单": True, "工单": False}


class FxiaokeWriter:
    """Streams division B's records into one export per Fxiaoke object."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.tables = {name: SpilledTable(folder / name, name, name + _TITLE if titled else None)
                       for name, titled in _STREAMED.items()}

    def add(self, world: World, batch: MonthBatch) -> None:
        people = _People(world)
        for name, format_rows, records in (
            ("商机", lambda r: _opportunities(r, people), batch.opportunities.of_system("fxiaoke")),
            ("商机阶段变更记录", lambda r: _stage_history(r, people), batch.stage_history.of_system("fxiaoke")),
            ("销售订单", lambda r: _orders(r, people), batch.orders.of_system("fxiaoke")),
            ("订单产品", lambda r: _order_lines(batch.orders, r, world), batch.order_lines.of_system("fxiaoke")),
            ("回款", lambda r: _payments(r, people), batch.payments),
            ("跟进记录", lambda r: _activities(r, people), batch.activities.of_system("fxiaoke")),
            ("报价单", lambda r: _quotes(r, people), batch.quotes.of_system("fxiaoke")),
            ("发货单", lambda r: _deliveries(r, people), batch.deliveries),
            ("工单", lambda r: _cases(r, people), batch.cases.of_system("fxiaoke")),
        ):
            for chunk in records.chunks(CHUNK_ROWS):
                self.tables[name].write(format_rows(chunk))

    def finish(self, world: World, state: RunState, plan: Plan) -> list[WrittenFile]:
        written = [table.close() for table in self.tables.values()]
        for name, columns in (("客户", _customers(world, state)), ("产品", _products(world))):
            table = SpilledTable(self.folder / name, name)
            table.write(columns)
            written.append(table.close())
        return written


class _People:
    """Rep names and departments as Fxiaoke shows them, by rep number (`_rep`)."""

    def __init__(self, world: World) -> None:
        self.names = world.org.rep_values("name")
        self.departments = world.org.last_teams()

    def common(self, records: Records, created: np.ndarray, modified: np.ndarray,
               life: list[str] | None = None) -> Columns:
        """The system fields every object carries."""
        reps = records["_rep"]
        names = self.names[reps].tolist()
        return [
            ("负责人", names), ("负责人所属部门", self.departments[reps].tolist()), ("创建人", names),
            ("创建时间", datetime_text(created)), ("最后修改人", names), ("最后修改时间", datetime_text(modified)),
            ("生命状态", life if life is not None else ["正常"] * len(records)),
        ]


def _opportunities(opps: Records, people: _People) -> Columns:
    closed = opps["stage_group"] != "open"
    return [
        ("商机名称", cells(opps["opportunity_name"])), ("商机编号", cells(opps["opportunity_no"])),
        ("客户名称", cells(opps["customer_name"])), ("商机金额", money_number(opps["amount_cny"])),
        ("销售阶段", cells(opps["stage"])), ("赢率", percent_text(opps["probability"] / 100)),
        ("预计成交日期", date_text(opps["close_date"])),
        ("结单日期", [d if c else None for d, c in zip(date_text(opps["close_date"]), closed)]),
        ("输单原因", cells(opps["lost_reason"])),
        ("商机来源", cells(opps["lead_source"])), ("销售流程", ["标准销售流程"] * len(opps)),
        *people.common(opps, opps["created_time"], opps["modified_time"]),
    ]


def _stage_history(history: Records, people: _People) -> Columns:
    return [
        ("商机名称", cells(history["opportunity_name"])), ("销售阶段", cells(history["stage"])),
        ("变更时间", datetime_text(history["changed_time"])), ("操作人", people.names[history["_rep"]].tolist()),
    ]


def _orders(orders: Records, people: _People) -> Columns:
    """订单金额 is the order's revenue (after 折扣 and 整单折扣); 产品合计 before 整单折扣."""
    valid = ~orders["is_cancelled"].astype(bool)
    amount = np.round(orders["revenue_local"].astype(float), 2)
    collected = orders["amount_collected"].astype(float)
    return [
        ("订单编号", cells(orders["order_id"])), ("客户名称", cells(orders["customer_name"])),
        ("下单日期", date_text(orders["order_date"])), ("订单金额", yuan_text(amount)),
        ("产品合计", money_number(orders["revenue_local"] / (1 - orders["order_discount_rate"]))),
        ("整单折扣", percent_text(1 - orders["order_discount_rate"])), ("订单状态", cells(orders["status"])),
        ("发货状态", cells(orders["delivery_status"])), ("回款状态", cells(orders["payment_status"])),
        ("已回款金额", yuan_text(collected)), ("待回款金额", yuan_text(np.where(valid, amount - collected, 0.0))),
        ("关联商机", cells(orders["opportunity_name"])), ("币种", cells(orders["currency"])),
        *people.common(orders, orders["created_time"], orders["modified_time"], cells(orders["life_status"])),
        ("业务类型", [CHANNELS[c][2] for c in orders["channel"]]),
    ]


def _order_lines(orders: Records, lines: Records, world: World) -> Columns:
    """折扣 is the share paid, so 小计 = 数量 × 单价 × 折扣; a voided order's lines are voided too."""
    order = orders.take(lines["_order"])
    catalog = world.catalog.frame
    product = pd.Index(catalog["product_code"]).get_indexer(lines["product_code"])
    paid = 1 - lines["line_discount_rate"]
    return [
        ("订单编号", cells(lines["order_id"])), ("行号", cells(lines["line_no"])),
        ("产品名称", catalog["product_name_zh"].to_numpy()[product].tolist()),
        ("产品编码", cells(lines["product_code"])), ("数量", cells(lines["quantity"])),
        ("单价", money_number(lines["unit_price"])), ("折扣", percent_text(paid)),
        ("小计", yuan_text(lines["gross_local"] * paid)),
        ("最后修改时间", datetime_text(order["modified_time"])), ("生命状态", cells(order["life_status"])),
    ]


def _payments(payments: Records, people: _People) -> Columns:
    return [
        ("回款编号", cells(payments["payment_id"])), ("客户名称", cells(payments["customer_name"])),
        ("订单编号", cells(payments["order_id"])), ("回款金额", thousands_text(payments["amount"])),
        ("回款日期", slash_date_text(payments["payment_date"])), ("回款方式", cells(payments["payment_method"])),
        ("回款状态", ["已确认"] * len(payments)),
        *people.common(payments, payments["created_time"], payments["created_time"]),
    ]


def _activities(activities: Records, people: _People) -> Columns:
    end = activities["start_time"] + activities["duration_minutes"].astype("timedelta64[m]")
    return [
        ("跟进类型", cells(activities["fxiaoke_type"])), ("跟进时间", datetime_text(activities["start_time"])),
        ("客户名称", cells(activities["customer_name"])), ("跟进内容", cells(activities["note"])),
        *people.common(activities, activities["start_time"], end),
    ]


def _quotes(quotes: Records, people: _People) -> Columns:
    return [
        ("报价单编号", cells(quotes["quote_id"])), ("客户名称", cells(quotes["customer_name"])),
        ("关联商机", cells(quotes["opportunity_name"])), ("报价金额", money_number(quotes["amount_cny"])),
        ("报价时间", datetime_text(quotes["quote_time"])),
        *people.common(quotes, quotes["quote_time"], quotes["quote_time"]),
    ]


def _deliveries(deliveries: Records, people: _People) -> Columns:
    shipped = ~np.isnat(deliveries["actual_date"])
    return [
        ("发货单编号", cells(deliveries["delivery_id"])), ("订单编号", cells(deliveries["order_id"])),
        ("客户名称", cells(deliveries["customer_name"])),
        ("计划发货日期", slash_date_text(deliveries["promised_date"])),
        ("发货日期", slash_date_text(deliveries["actual_date"])),
        ("发货状态", np.where(shipped, "已发货", "待发货").tolist()),
        *people.common(deliveries, deliveries["created_time"], deliveries["modified_time"]),
    ]


def _cases(cases: Records, people: _People) -> Columns:
    resolved = cases["is_resolved"].astype(bool)
    return [
        ("工单编号", cells(cases["case_id"])), ("客户名称", cells(cases["customer_name"])),
        ("工单类型", [CASE_KINDS[k][1] for k in cases["kind"]]),
        ("工单状态", np.where(resolved, "已解决", "处理中").tolist()), ("优先级", cells(cases["priority_zh"])),
        ("受理时间", datetime_text(cases["opened_time"])), ("解决时间", datetime_text(cases["resolved_time"])),
        ("客户财产损失", np.where(cases["property_damage"].astype(bool), "是", "否").tolist()),
        *people.common(cases, cases["opened_time"], np.where(resolved, cases["resolved_time"], cases["opened_time"])),
    ]


def _customers(world: World, state: RunState) -> Columns:
    """客户 as of the export: current owner and department, 成交状态, 最后跟进时间."""
    frame = world.customers.frame
    rows = np.flatnonzero(frame["source_system"].to_numpy() == "fxiaoke")
    customers = frame.iloc[rows]
    people = _People(world)
    owners = Records({"_rep": world.customers.ownership.book_on(to_day(EXPORT_TIME.date()))[rows]})
    last_followed = state.last_activity_time[rows]
    created = customers["created_time"].to_numpy()
    return [
        ("客户名称", cells(customers["customer_name"])), ("客户编号", cells(customers["customer_no"])),
        ("客户级别", cells(customers["level"])), ("客户来源", cells(customers["source"])),
        ("所属行业", cells(customers["industry_zh"])), ("省份", cells(customers["province"])),
        ("城市", cells(customers["city"])), ("地区", cells(customers["region"])), ("电话", cells(customers["phone"])),
        ("成交状态", np.where(np.isnat(state.first_order_day[rows]), "未成交", "已成交").tolist()),
        ("最后跟进时间", datetime_text(last_followed)),
        ("业务类型", [CHANNELS[c][2] for c in customers["channel"]]),
        *people.common(owners, created, np.fmax(created, last_followed)),
    ]


def _products(world: World) -> Columns:
    catalog = world.catalog.frame
    created = pd.Timestamp("2023-06-01 10:00:00")
    return [
        ("产品名称", cells(catalog["product_name_zh"])), ("产品编码", cells(catalog["product_code"])),
        ("产品分类", cells(catalog["product_line_zh"])), ("标准价格", money_number(catalog["price_cny"])),
        ("单位", cells(catalog["unit"])),
        ("上下架", np.where(catalog["available_to"].isna(), "上架", "下架").tolist()),
        ("创建时间", datetime_text(pd.to_datetime(catalog["available_from"]).fillna(created))),
        ("最后修改时间", datetime_text(pd.to_datetime(catalog["available_to"]).fillna(created))),
        ("生命状态", ["正常"] * len(catalog)),
    ]
