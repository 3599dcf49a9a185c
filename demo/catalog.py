"""Product lines and products: one catalogue shared by both CRMs, joined by product code.

Zoho carries the English product name, Fxiaoke the Chinese one, so only the product code
links the two: that is how the warehouse must join them. One product is discontinued
mid-2025 and one launched in 2025, so product trends are not flat lines.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .ids import ZohoIds
from .timeline import to_day

#: (line code, Chinese, English)
PRODUCT_LINES: tuple[tuple[str, str, str], ...] = (
    ("NET", "网络设备", "Networking"),
    ("SEC", "安防监控", "Security"),
    ("SVC", "软件与服务", "Software & Services"),
)

#: (code, Chinese name, English name, unit, list price CNY, mean quantity, popularity)
_PRODUCTS: tuple[tuple[str, str, str, str, int, float, float], ...] = (
    ("NET-R100", "企业路由器 R100", "Enterprise Router R100", "台", 4800, 3, 1.0),
    ("NET-S200", "千兆交换机 S200", "Gigabit Switch S200", "台", 2600, 6, 1.4),
    ("NET-W300", "无线AP W300", "Wireless AP W300", "台", 980, 12, 1.6),
    ("NET-F400", "下一代防火墙 F400", "NG Firewall F400", "台", 18800, 1.5, 0.6),
    ("NET-O500", "光模块 O500", "Optical Module O500", "个", 320, 20, 0.9),
    ("SEC-C100", "网络摄像机 C100", "IP Camera C100", "台", 690, 16, 1.5),
    ("SEC-N200", "NVR录像机 N200", "NVR Recorder N200", "台", 3200, 2, 0.9),
    ("SEC-A300", "门禁控制器 A300", "Access Controller A300", "台", 1500, 5, 0.8),
    ("SEC-L400", "智能门锁 L400", "Smart Lock L400", "把", 1280, 10, 0.7),
    ("SEC-M500", "报警主机 M500", "Alarm Panel M500", "台", 2300, 2, 0.4),
    ("SVC-P100", "云管理平台年费", "Cloud Management (1 yr)", "年", 12000, 1.2, 0.9),
    ("SVC-I200", "安装调试服务", "Installation Service", "次", 3500, 1.5, 1.1),
    ("SVC-E300", "延保服务", "Extended Warranty", "年", 1800, 2, 0.7),
    ("SVC-O400", "运维服务包", "Managed Service Pack", "年", 36000, 1, 0.3),
    ("SVC-P500", "云管理平台 2.0 年费", "Cloud Management 2.0 (1 yr)", "年", 15800, 1.2, 0.8),
)
#: Availability windows (code → first day sold, last day sold).
_AVAILABLE: dict[str, tuple[date | None, date | None]] = {
    "SEC-M500": (None, date(2025, 6, 30)),
    "SVC-P500": (date(2025, 3, 1), None),
}
#: Foreign-currency price lists, rounded to whole units, fixed for the whole period.
_PRICE_LIST_RATES = {"USD": 7.2, "EUR": 7.8}


@dataclass(frozen=True)
class Catalog:
    """The product catalogue; positional index = product number."""

    frame: pd.DataFrame  # one row per product, positional index = product number

    def prices(self, currency: str) -> np.ndarray:
        """List price of every product in `currency`."""
        return self.frame[f"price_{currency.lower()}"].to_numpy()

    def available(self, days: np.ndarray) -> np.ndarray:
        """(orders × products) mask: may the product be sold on each order's day?"""
        days = days.astype("datetime64[D]")[:, None]
        start = self.frame["available_from"].to_numpy()[None, :]
        end = self.frame["available_to"].to_numpy()[None, :]
        return (np.isnat(start) | (days >= start)) & (np.isnat(end) | (days <= end))


def build_catalog(zoho_ids: ZohoIds) -> Catalog:
    """The fixed catalogue (no randomness: prices are a management decision, not noise)."""
    lines = {code: (zh, en) for code, zh, en in PRODUCT_LINES}
    rows = []
    for code, name_zh, name_en, unit, price, mean_qty, popularity in _PRODUCTS:
        start, end = _AVAILABLE.get(code, (None, None))
        line_zh, line_en = lines[code[:3]]
        rows.append({
            "product_code": code, "product_name_zh": name_zh, "product_name_en": name_en,
            "product_line_zh": line_zh, "product_line_en": line_en, "unit": unit,
            "price_cny": float(price),
            **{f"price_{cur.lower()}": float(round(price / rate)) for cur, rate in _PRICE_LIST_RATES.items()},
            "mean_quantity": mean_qty, "popularity": popularity,
            "available_from": to_day(start) if start else np.datetime64("NaT", "D"),
            "available_to": to_day(end) if end else np.datetime64("NaT", "D"),
        })
    frame = pd.DataFrame(rows)
    frame["zoho_id"] = zoho_ids.take(len(frame))
    return Catalog(frame)
