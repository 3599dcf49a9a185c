"""Spreadsheets kept by sales management (source `sheets`), English template headers.

Headers are the first aliases of ingestion/profiles/sheets.yml. Dates are real Excel date
cells (people type them into Excel); periods (`2025`, `2025-Q1`, `2025-03`) are text cells,
as a template formatted for them keeps them. FX rates are a CSV saved from Excel.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..engine import MonthBatch
from ..planning import Plan
from ..world import RunState, World
from .formats import cells, excel_dates
from .tables import Columns, CsvTable, SpilledTable, WrittenFile


class SheetsWriter:
    """Surveys as they come; the other sheets once the run's actuals are known."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.surveys = SpilledTable(folder / "satisfaction_surveys", "满意度调查")

    def add(self, world: World, batch: MonthBatch) -> None:
        surveys = batch.surveys
        self.surveys.write([
            ("Survey Id", cells(surveys["survey_id"])), ("Customer", cells(surveys["customer_name"])),
            ("Survey Date", excel_dates(surveys["survey_date"])), ("Score", cells(surveys["score"])),
            ("Rep", cells(surveys["rep_name"])),
        ])

    def finish(self, world: World, state: RunState, plan: Plan) -> list[WrittenFile]:
        written = [self.surveys.close()]
        for name, sheet, frame, headers in (
            ("targets", "目标", plan.targets, {
                "period": "Period", "scope_type": "Scope Type", "scope": "Scope", "metric": "Metric",
                "target": "Target", "currency": "Currency"}),
            ("sales_roster", "销售花名册", world.org.roster_frame(), {
                "rep_id": "Rep Id", "rep_name": "Rep Name", "zoho_user": "Zoho User", "fxiaoke_user": "Fxiaoke User",
                "email": "Email", "region": "Region", "team": "Team", "manager": "Manager",
                "valid_from": "Valid From", "valid_to": "Valid To", "hire_date": "Hire Date",
                "leave_date": "Leave Date"}),
            ("market_size", "市场规模", plan.market_size, {
                "region": "Region", "period": "Period", "market_size": "Market Size", "currency": "Currency",
                "source": "Source"}),
            ("competitor_sales", "竞争对手销售", plan.competitor_sales, {
                "region": "Region", "period": "Period", "competitor": "Competitor",
                "competitor_sales": "Competitor Sales", "currency": "Currency"}),
            ("competitor_prices", "竞品价格", plan.competitor_prices, {
                "product_code": "Product Code", "competitor": "Competitor",
                "competitor_product": "Competitor Product", "competitor_price": "Competitor Price",
                "currency": "Currency", "price_date": "Price Date"}),
            ("benchmarks", "对标基准", plan.benchmarks, {
                "kpi": "KPI", "period": "Period", "scope_type": "Scope Type", "scope": "Scope",
                "benchmark": "Benchmark", "source": "Source"}),
        ):
            table = SpilledTable(self.folder / name, sheet)
            table.write(_frame_columns(frame, headers))
            written.append(table.close())
        fx = CsvTable(self.folder / "fx_rates.csv", quote_all=False)
        fx.write(_frame_columns(world.fx.frame(), {"month": "Month", "currency": "Currency",
                                                   "rate_to_cny": "Rate To CNY"}))
        written.append(fx.close())
        return written


#: Columns that hold dates (written as Excel date cells).
_DATE_COLUMNS = {"price_date", "valid_from", "valid_to", "hire_date", "leave_date"}


def _frame_columns(frame: pd.DataFrame, headers: dict[str, str]) -> Columns:
    """Columns of `frame` under their template headers."""
    return [(header, excel_dates(frame[column]) if column in _DATE_COLUMNS else cells(frame[column]))
            for column, header in headers.items()]
