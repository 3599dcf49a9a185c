"""Metamorphic tests on the hand-written second company (tests/fixtures/company).

Changes a real export may carry that must NOT change any published figure — reordered and
dropped optional columns, header aliases, CSV ↔ XLSX ↔ GB18030, a title row, one export split
into two incremental loads, Zoho REST API pages instead of CSV, unknown picklist values on
fields that decide no money, names made non-unique where an id exists — are each applied, the
company loaded and built again, and every public mart compared with the baseline by a checksum
per table. Changes that MUST be caught — a truncated full export, lines that do not reconcile
with their order, a duplicate key within one load — each end with the message a user sees.

Each build takes about a minute: independent changes are grouped into one variant.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from orchestration.cli import main
from tests.fixtures.company.landing import Company, Export, Loaded, company, load_and_build

pytestmark = pytest.mark.slow

# Columns that say when something was loaded, not what it is: load times, and the customer
# version's surrogate key (the snapshot's dbt_scd_id hashes the time the snapshot ran).
VOLATILE = {"loaded_at", "published_at", "customer_version_key"}


def _columns(loaded: Loaded, table: str, ignore: frozenset[str]) -> list[str]:
    return [c for (c,) in loaded.query(
        f"select column_name from information_schema.columns where table_schema = 'marts' and table_name = '{table}'"
        " order by ordinal_position") if c not in VOLATILE | ignore]


def _hash_sum(loaded: Loaded, table: str, columns: list[str]) -> tuple[int, int]:
    """Rows and an order-independent hash of the rows (over these columns)."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    [(rows, total)] = loaded.query(f"select count(*), coalesce(sum(hash({quoted})), 0) from marts.{table}")
    return rows, int(total)


def checksums(loaded: Loaded, ignore: frozenset[str] = frozenset()) -> dict[str, tuple[int, int]]:
    """One checksum per public mart."""
    tables = [t for (t,) in loaded.query(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1")]
    return {t: _hash_sum(loaded, t, _columns(loaded, t, ignore)) for t in tables}


def differing(baseline: Loaded, variant: Loaded, ignore: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Public marts whose checksum differs → the columns that differ (the table's row count: '*')."""
    before, after = checksums(baseline, ignore), checksums(variant, ignore)
    found = {}
    for table in sorted(before.keys() | after.keys()):
        if before.get(table) == after.get(table):
            continue
        if table not in before or table not in after or before[table][0] != after[table][0]:
            found[table] = ["*"]
            continue
        found[table] = [c for c in _columns(baseline, table, ignore)
                        if _hash_sum(baseline, table, [c]) != _hash_sum(variant, table, [c])]
    return found


# --- transformations of one export --------------------------------------------------------------

def columns_of(export: Export) -> list[str]:
    return export.rows[0]


def select_columns(export: Export, headers: list[str]) -> None:
    index = [columns_of(export).index(h) for h in headers]
    export.rows = [[row[i] for i in index] for row in export.rows]


def reorder(export: Export) -> None:
    select_columns(export, list(reversed(columns_of(export))))


def drop(export: Export, *headers: str) -> None:
    select_columns(export, [h for h in columns_of(export) if h not in headers])


def rename(export: Export, old: str, new: str) -> None:
    export.rows[0] = [new if h == old else h for h in export.rows[0]]


def set_cell(export: Export, key: str, header: str, value: str) -> None:
    """The cell `header` of the row whose first column is `key`."""
    column = columns_of(export).index(header)
    for row in export.rows[1:]:
        if row[0] == key:
            row[column] = value


def zoho_api_pages(export: Export, per_page: int) -> list[Export]:
    """The same Deals as `GET /crm/v2/Deals` pages: API names, lookups as objects, ISO times with offset."""
    def record(row: dict[str, str]) -> dict:
        def iso(text: str) -> str:
            return text.replace(" ", "T") + "+08:00"
        return {
            "id": row["Record Id"], "Deal_Name": row["Deal Name"], "Owner": {"name": row["Deal Owner"], "id": "zu_" + row["Deal Owner"][:4]},
            "Account_Name": {"name": row["Account Name"], "id": None}, "Amount": float(row["Amount"]),
            "Closing_Date": row["Closing Date"], "Stage": row["Stage"], "Probability": int(row["Probability (%)"]),
            "Type": row["Type"], "Lead_Source": row["Lead Source"], "Created_Time": iso(row["Created Time"]),
            "Modified_Time": iso(row["Modified Time"]),
        }
    records = [record(dict(zip(export.rows[0], row))) for row in export.rows[1:]]
    pages = [records[i:i + per_page] for i in range(0, len(records), per_page)]
    return [Export("zoho", f"deals_page_{n + 1}", [[json.dumps({
        "data": page, "info": {"per_page": per_page, "count": len(page), "page": n + 1, "more_records": n + 1 < len(pages)},
    }, ensure_ascii=False)]], "json") for n, page in enumerate(pages)]


def split_in_two_loads(exports: Company, name: str) -> None:
    """The export's rows as two incremental loads, the second a later export of the rest."""
    export = exports.export(name)
    half = len(export.rows) // 2
    later = copy.deepcopy(export)
    later.name, later.load = f"{name}_2", 1
    export.rows, later.rows = export.rows[:half + 1], [export.rows[0], *export.rows[half + 1:]]
    exports.exports.append(later)


# --- the variants -------------------------------------------------------------------------------

def layout_variant() -> Company:
    """Columns reordered, optional ones dropped, header aliases, formats swapped, a title row."""
    exports = company()
    reorder(exports.export("Deals_2025_07_01"))
    reorder(exports.export("客户"))
    drop(exports.export("客户"), "创建人", "负责人所属部门")
    drop(exports.export("订单产品"), "最后修改时间")
    drop(exports.export("Sales_Orders_2025_07_01"), "Subject", "Exchange Rate")
    rename(exports.export("Deals_2025_07_01"), "Probability (%)", "Probability")
    rename(exports.export("商机"), "商机金额", "金额")
    rename(exports.export("商机"), "销售阶段", "商机阶段")
    rename(exports.export("回款_20250701"), "回款金额", "本次回款金额")
    exports.export("商机").kind, exports.export("商机").title = "gb18030", None        # XLSX → GB18030 CSV
    exports.export("客户").kind = "csv"                                                  # XLSX → CSV, title row kept
    exports.export("回款_20250701").kind = "xlsx"                                        # GB18030 CSV → XLSX
    exports.export("Accounts_2025_07_01").kind = "xlsx"                                  # CSV → XLSX
    exports.export("销售花名册_2025").kind = "xlsx"
    return exports


def loads_variant() -> Company:
    """Orders and lines split over two incremental loads; Zoho Deals as REST API pages."""
    exports = company()
    split_in_two_loads(exports, "销售订单")
    split_in_two_loads(exports, "Sales_Orders_2025_07_01")
    deals = exports.export("Deals_2025_07_01")
    exports.exports.remove(deals)
    exports.exports += zoho_api_pages(deals, per_page=4)
    return exports


NAMES = frozenset({"opportunity_name"})


def values_variant() -> Company:
    """Unknown picklist values where no money depends on them; names made non-unique where an id exists."""
    exports = company()
    customers = exports.export("客户")
    customers.rows = [[*row, "锁定状态" if i == 0 else "部分锁定"] for i, row in enumerate(customers.rows)]
    set_cell(exports.export("商机"), "SJ-2506", "商机名称", "设备升级")                   # as SJ-2503
    set_cell(exports.export("Deals_2025_07_01"), "zcrm_5210000000200006", "Deal Name", "Hengda Retrofit")  # as …200003
    return exports


VARIANTS = {"layout": (layout_variant, frozenset()), "loads": (loads_variant, frozenset()),
            "values": (values_variant, NAMES)}


@pytest.fixture(scope="module")
def built_variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Loaded]:
    """Each variant loaded and built once (a build is about a minute)."""
    return {name: load_and_build(tmp_path_factory.mktemp(name) / "home", build()) for name, (build, _) in VARIANTS.items()}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_change_that_must_not_change_any_published_figure(name: str, company_loaded: Loaded,
                                                           built_variants: dict[str, Loaded]) -> None:
    variant, ignore = built_variants[name], VARIANTS[name][1]

    assert variant.built, variant.output
    assert not re.search(r"^rejected ", variant.output, re.M) and "quarantined: " not in variant.output, variant.output
    assert differing(company_loaded, variant, ignore) == {}


def test_names_made_non_unique_change_only_the_names(company_loaded: Loaded, built_variants: dict[str, Loaded]) -> None:
    """The values variant's one published difference is the renamed opportunities' names: no two
    records were merged, no figure moved."""
    assert differing(company_loaded, built_variants["values"]) == {"fct_opportunities": ["opportunity_name"]}


# --- changes that must be caught ------------------------------------------------------------------

def test_a_truncated_full_export_is_refused(company_loaded: Loaded, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    exports = company()
    deals = exports.export("Deals_2025_07_01")
    full = deals.write(tmp_path / "full")
    deals.rows = deals.rows[:4]  # the download stopped after three records
    truncated = deals.write(tmp_path / "truncated")
    assert main(["ingest", "zoho", str(full), "--full"]) == 0

    assert main(["ingest", "zoho", str(truncated), "--full"]) == 1

    out = capsys.readouterr().out
    assert "refused: this full export of zoho/deals would delete 3 of 6 live records (50.0%" in out, out


def test_lines_that_do_not_reconcile_with_their_order_stop_the_build(company_loaded: Loaded, tmp_path: Path) -> None:
    exports = company()
    set_cell(exports.export("订单产品"), "DD-2501", "小计", "2,100.00")  # both DD-2501 lines: 4200 ≠ 产品合计 29053.31
    variant = load_and_build(tmp_path / "home", exports)

    assert not variant.built
    assert "dq_reconciliation.month_unreconciled_share above 0.001 for (order_month='2025-02-01'" in variant.output
    assert "order_id='DD-2501'" in variant.output and "Sub Total / 产品合计" in variant.output
    assert "the published warehouse" in variant.output and "was left as it was" in variant.output


def test_a_duplicate_key_within_one_load_is_quarantined_with_both_rows(company_loaded: Loaded, tmp_path: Path,
                                                                     capsys, monkeypatch) -> None:
    monkeypatch.setenv("SALESDW_HOME", str(tmp_path / "home"))
    payments = company().export("回款_20250701")
    payments.rows[2][0] = payments.rows[1][0]  # HK-2502 exported as HK-2501 too
    assert main(["ingest", "fxiaoke", str(payments.write(tmp_path))]) == 0

    out = capsys.readouterr().out
    assert "loaded=2 quarantined=2" in out
    assert "duplicate key: rows 2, 3 carry 回款编号 'HK-2501' with different values" in out
