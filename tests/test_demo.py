"""The demo generator: deterministic, shaped like the real exports, and its truth is the files' truth.

Everything here runs the real generator into temporary folders and reads the files back with
plain csv / openpyxl / pandas — independently of the ingestion code.
"""
from __future__ import annotations

import csv
import io
from itertools import islice
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from demo import generate, truth
from demo.writers.tables import SpilledTable

SCALE, SEED = 1.0, 42
PROFILES = Path(__file__).resolve().parents[1] / "ingestion" / "profiles"
#: written file → profile entity it must be detected as
ENTITIES = {
    "zoho": {"Accounts.csv": "accounts", "Deals.csv": "deals", "Deals_Stage_History.csv": "deal_stage_history",
             "Sales_Orders.csv": "sales_orders", "Products.csv": "products", "Quotes.csv": "quotes",
             "Calls.csv": "calls", "Meetings.csv": "meetings", "Cases.csv": "cases"},
    "fxiaoke": {"客户.xlsx": "customers", "商机.xlsx": "opportunities", "商机阶段变更记录.xlsx": "opportunity_stage_history",
                "销售订单.xlsx": "orders", "订单产品.xlsx": "order_lines", "回款.xlsx": "payments",
                "产品.xlsx": "products", "跟进记录.xlsx": "activities", "报价单.xlsx": "quotes",
                "发货单.xlsx": "deliveries", "工单.xlsx": "cases"},
    "sheets": {"targets.xlsx": "targets", "sales_roster.xlsx": "sales_roster", "fx_rates.csv": "fx_rates",
               "market_size.xlsx": "market_size", "competitor_sales.xlsx": "competitor_sales",
               "competitor_prices.xlsx": "competitor_prices", "benchmarks.xlsx": "benchmarks",
               "satisfaction_surveys.xlsx": "satisfaction_surveys"},
}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out, scale=SCALE, seed=SEED)
    return out


@pytest.fixture(scope="module")
def records():
    return truth(scale=SCALE, seed=SEED)


def _rows(path: Path, limit: int | None = None) -> list[list]:
    """The rows (or the first `limit` rows) of a CSV or XLSX export, title and header rows included."""
    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return list(islice(csv.reader(handle), limit))
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(row) for row in islice(workbook.active.iter_rows(values_only=True), limit)]
    finally:
        workbook.close()


def _header_index(rows: list[list]) -> int:
    """A title row (one filled cell above a wider row) is skipped, as the ingestion does."""
    filled = [sum(cell not in (None, "") for cell in row) for row in rows[:2]]
    return 1 if len(filled) == 2 and filled[0] == 1 and filled[1] > 1 else 0


def _table(path: Path) -> pd.DataFrame:
    rows = _rows(path)
    start = _header_index(rows)
    header = rows[start]
    # Repeated headers (Zoho's second `Discount`) get a `#2` suffix, the profiles' notation.
    seen: dict[str, int] = {}
    names = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return pd.DataFrame(rows[start + 1:], columns=names)


def test_files_are_the_expected_exports(exports: Path):
    for source, files in ENTITIES.items():
        assert sorted(p.name for p in (exports / source).iterdir()) == sorted(files)


def test_headers_carry_every_required_column_of_the_profile(exports: Path):
    for source, files in ENTITIES.items():
        profile = yaml.safe_load((PROFILES / f"{source}.yml").read_text(encoding="utf-8"))
        for name, entity in files.items():
            rows = _rows(exports / source / name, limit=2)
            header = rows[_header_index(rows)]
            for column, spec in profile["entities"][entity]["columns"].items():
                if not spec.get("required"):
                    continue
                alias, _, nth = spec["headers"][0].partition("#")
                assert header.count(alias) >= int(nth or 1), f"{source}/{name}: no {alias!r} for {column}"


def test_zoho_csv_is_utf8_with_bom_and_crlf(exports: Path):
    for path in (exports / "zoho").glob("*.csv"):
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), path.name
        records = _rows(path)
        # Every record ends in CRLF; newlines inside quoted text are the only bare LFs.
        assert data.count(b"\r\n") == len(records), path.name
    descriptions = _table(exports / "zoho" / "Deals.csv")["Description"]
    assert descriptions.str.contains("\n").any(), "a multi-line quoted Description"


def test_manifest_counts_data_rows(tmp_path: Path):
    manifest = generate(tmp_path, scale=0.1, seed=1)
    for entry in manifest.files:
        rows = _rows(tmp_path / entry.path)
        assert len(rows) - _header_index(rows) - 1 == entry.rows, entry.path


def test_same_seed_gives_identical_bytes(exports: Path, tmp_path: Path):
    generate(tmp_path, scale=SCALE, seed=SEED)
    for path in sorted(exports.rglob("*.*")):
        again = tmp_path / path.relative_to(exports)
        assert again.read_bytes() == path.read_bytes(), path.name


def test_another_seed_gives_other_data(tmp_path: Path):
    generate(tmp_path / "a", scale=0.2, seed=1)
    generate(tmp_path / "b", scale=0.2, seed=2)
    for name in ("zoho/Sales_Orders.csv", "fxiaoke/销售订单.xlsx", "sheets/targets.xlsx"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes(), name


def _fx(exports: Path) -> dict[tuple[str, str], float]:
    rates = pd.read_csv(exports / "sheets" / "fx_rates.csv", encoding="utf-8-sig", dtype=str)
    return {(r.Currency, r.Month): float(r._3) for r in rates.itertuples()}


def _percent(text: pd.Series) -> pd.Series:
    return text.str.rstrip("%").astype(float) / 100


def test_truth_revenue_equals_the_files(exports: Path, records):
    """Σ revenue_cny of valid lines, recomputed from the written files with the FX sheet."""
    fx = _fx(exports)
    zoho = _table(exports / "zoho" / "Sales_Orders.csv")
    zoho = zoho[zoho["Status"] != "Cancelled"]
    zoho_local = zoho["Quantity"].astype(float) * zoho["List Price"].astype(float) - zoho["Discount#2"].astype(float)
    zoho_rate = [fx[(c, t[:7])] for c, t in zip(zoho["Currency"], zoho["Created Time"])]
    orders = _table(exports / "fxiaoke" / "销售订单.xlsx")
    valid = orders[(orders["生命状态"] != "作废") & (orders["订单状态"] != "已作废")].set_index("订单编号")
    lines = _table(exports / "fxiaoke" / "订单产品.xlsx")
    lines = lines[lines["订单编号"].isin(valid.index)]
    order = valid.loc[lines["订单编号"]]
    fx_local = (lines["数量"].astype(float) * lines["单价"].astype(float) * _percent(lines["折扣"])
                * _percent(order["整单折扣"]).to_numpy())
    fx_rate = [fx[(c, d[:7])] for c, d in zip(order["币种"], order["下单日期"])]
    from_files = {"zoho": (zoho_local * zoho_rate).sum(), "fxiaoke": (fx_local * fx_rate).sum()}

    truth_lines = records.order_lines[~records.order_lines["is_cancelled"]]
    by_system = truth_lines.groupby("source_system")["revenue_cny"].sum()
    for system, value in from_files.items():
        assert value == pytest.approx(by_system[system], abs=0.01), system
    assert sum(from_files.values()) == pytest.approx(truth_lines["revenue_cny"].sum(), abs=0.01)
    assert len(zoho) + len(lines) == len(truth_lines)


def test_zoho_order_totals_add_up(exports: Path):
    """Total = Quantity × List Price, Net Total = Total − line Discount, Sub Total = Σ Net Total."""
    lines = _table(exports / "zoho" / "Sales_Orders.csv")
    number = {c: lines[c].astype(float) for c in ("Quantity", "List Price", "Discount#2", "Total", "Net Total", "Sub Total")}
    assert ((number["Quantity"] * number["List Price"] - number["Total"]).abs() < 0.005).all()
    assert ((number["Total"] - number["Discount#2"] - number["Net Total"]).abs() < 0.005).all()
    by_order = pd.DataFrame(number).assign(id=lines["Record Id"]).groupby("id")
    assert ((by_order["Net Total"].sum() - by_order["Sub Total"].first()).abs() < 0.005).all()


def test_truth_follows_the_kpi_definition(records):
    lines = records.order_lines
    expected = lines["quantity"] * lines["unit_price"] * (1 - lines["discount_rate"]) * lines["fx_rate"]
    assert (lines["revenue_cny"] - expected).abs().max() < 1e-6
    assert set(lines["currency"]) >= {"CNY", "USD"}
    assert lines["is_cancelled"].any() and set(lines.loc[lines["currency"] != "CNY", "source_system"]) == {"zoho"}


def test_scale_one_has_the_announced_size(records):
    assert 2_700 <= len(records.orders) <= 3_300
    assert 8_000 <= len(records.order_lines) <= 10_000
    assert len(records.customers) == 300
    assert records.order_lines["order_date"].between("2024-01-01", "2026-10-31").all()


def test_mover_has_two_roster_rows_and_orders_in_both_regions(exports: Path, records):
    roster = _table(exports / "sheets" / "sales_roster.xlsx")
    mover = roster[roster["Rep Id"] == "R003"].sort_values("Valid From")
    assert list(mover["Region"]) == ["华东", "华南"]
    assert mover["Valid To"].iloc[0] < mover["Valid From"].iloc[1]
    lines = records.order_lines[records.order_lines["rep_id"] == "R003"]
    move = mover["Valid From"].iloc[1]
    assert set(lines.loc[lines["order_date"] < move, "region"]) == {"华东"}
    assert set(lines.loc[lines["order_date"] >= move, "region"]) == {"华南"}
    zoho = _table(exports / "zoho" / "Sales_Orders.csv")
    created = pd.to_datetime(zoho.loc[zoho["Owner"] == mover["Zoho User"].iloc[0], "Created Time"])
    assert (created < move).any() and (created >= move).any()


def test_leaver_and_joiner_own_orders_only_within_their_tenure(records):
    roster = records.reps.set_index("rep_id")
    for rep_id in roster.index[roster["leave_date"].notna() | (roster["hire_date"] > pd.Timestamp("2024-01-01"))]:
        days = records.order_lines.loc[records.order_lines["rep_id"] == rep_id, "order_date"]
        row = roster.loc[[rep_id]].iloc[0]
        assert len(days) and days.min() >= row["hire_date"]
        if pd.notna(row["leave_date"]):
            assert days.max() <= row["leave_date"]


def test_large_files_spill_from_xlsx_to_csv(tmp_path: Path):
    columns = [("编号", [f"X{i}" for i in range(5)]), ("金额", [float(i) for i in range(5)])]
    small = SpilledTable(tmp_path / "small", "表", max_rows=6)
    small.write(columns)
    assert small.close().path.suffix == ".xlsx"
    large = SpilledTable(tmp_path / "large", "表", title="导出", max_rows=6)
    large.write(columns)
    written = large.close()
    assert written.path.suffix == ".csv" and written.rows == 5
    text = written.path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))[1:3] == [["编号", "金额"], ["X0", "0.0"]]
