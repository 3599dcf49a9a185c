"""Soak test (issue 14): ten simulated nights of exports on the hand-written second company
(tests/fixtures/company, README.md there) — new records, edits, late corrections of old orders,
deletions inferred from full exports, a roster, an FX sheet and a customer owner corrected, a
re-sent file and one bad file — and after each night the warehouse built incrementally equals a
full rebuild from the raw zone.

Design, to stay within about 3 minutes on 2 cores (two `salesdw build` per night, as a naive
test would run, cost about 10 minutes):

- Every night runs the real path: the night's export files, written here from the vendors'
  formats, go through `ingest_paths` (ledger, a file already loaded skipped by its hash, deletions
  inferred only from a full export, a bad file rejected while the others load), then a real
  `dbt build` against the build database that is kept between nights, as in production: the
  incremental models run incrementally, the customers snapshot accumulates versions. The build
  takes the nodes that carry state from one night to the next — the incremental models, the
  snapshot — and every model they are built from; the other models are tables that read them
  and are rebuilt from scratch whenever they run, so skipping them on a night changes nothing
  that a later night sees (they are built, incrementally, on the nights whose marts are
  compared). Seeds, unchanged, load once; data tests change no row and other modules run them.
- Every night the incremental models are compared with a full refresh of just those models: the
  build database is copied and `dbt run --full-refresh --select <incremental models>` rebuilds
  them in the copy from the same upstream tables. Every other model is a table rebuilt from
  scratch each night, so it can only differ from a rebuild through an incremental model it reads.
- The snapshot is state the raw zone cannot give back (it remembers what the customer exports
  forget), so a full rebuild keeps it; every night its current versions must be exactly
  int_customers (each live record once, as exported now; a deleted one closed).
- On nights 5 and 10 the claim above is proved rather than assumed: every model is built, and
  every public mart (schema marts) is compared with a full refresh of every model in a copy.
- dbt parses the project once and every call reuses the manifest (class Dbt): a parse per
  call cost more than the builds. The copies keep the database's file name, in folders of
  their own, so the manifest's database name holds for them.
- Tables are compared as multisets of rows (doubles to 12 significant digits: a sum of doubles
  may be added in another order), so a duplicate or a missing row counts.

Why a broken incremental rule is caught: each night changes what one rule must handle.
- Deletion handling (the post-hook of fct_order_lines): night 3 infers the deletion of
  SO-25-004 from a full Zoho export and night 7 of DD-2504 from a full Fxiaoke export; an
  incremental table that kept their lines differs from the refresh. Proved below on a copy of
  the project without the post-hook (test_a_broken_incremental_rule_is_caught).
- A wrong unique_key for delete+insert: one coarser than the partition (customer_key) deletes the
  lines of a customer's other orders when one of its orders changes, and inserts only the changed
  order's: night 1's new order of Hangzhou Lvye Tech loses SO-25-001 and SO-25-003. Proved below
  too. A finer key (order_line_key) leaves a line removed from an order to the post-hook, which
  deletes it (night 10); a key not unique across the CRMs (order_id instead of order_key, which
  hashes the source in) cannot be caught here, as these exports' ids never collide.
- Resolved columns (changed_partitions): old orders change without being reloaded on night 4
  (a roster correction moves 赵丽's May order to 华北), night 5 (a customer owner handed over),
  night 8 (a corrected February USD rate); a table that only rewrote loaded orders keeps the
  old region or rate.
- The loaded_at watermark: night 6 corrects a January order, older than everything loaded since,
  and a call of night 1 (its owner and duration), a late correction of an activity.
"""
from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from tests.fixtures.company.landing import SOURCES, Export, company, read_rows
from tests.test_dbt_project import PROJECT_DIR, failure_messages, query, run_dbt

pytestmark = pytest.mark.slow

INCREMENTAL = ["fct_order_lines", "fct_activities", "fct_opportunity_stage_history"]
FULL_COMPARISON_NIGHTS = (5, 10)
# Any night builds the nodes that carry state — the incremental models, the snapshot — and every
# model they are built from (night 0 with every seed); a night whose marts are compared builds
# every model.
EVERY_MODEL = ["build", "--resource-type", "model", "--resource-type", "snapshot"]
STATEFUL_MODELS = [*EVERY_MODEL, "--select", *(f"+{name}" for name in INCREMENTAL)]
FIRST_BUILD = [*STATEFUL_MODELS, "resource_type:seed", "--resource-type", "seed"]
FIXTURE = Path(__file__).parent / "fixtures" / "company"


# --------------------------------------------------------------------------------------------
# The nights: what the CRMs export each night, written as their exports are
# --------------------------------------------------------------------------------------------
@dataclass
class Night:
    number: int
    exports: list[Export] = field(default_factory=list)
    full: set[str] = field(default_factory=set)  # sources whose files are full exports
    resent: list[tuple[str, str]] = field(default_factory=list)  # (source, file name of an earlier night)
    bad: list[tuple[str, str]] = field(default_factory=list)  # (source, file name): not a table at all


def _fixture(source: str, stem: str, encoding: str = "utf-8-sig") -> list[list[str]]:
    return read_rows(FIXTURE / source / f"{stem}.csv", encoding)


def _zoho(name: str, rows: list[list[str]]) -> Export:
    return Export("zoho", name, rows, "csv")


def _fxiaoke(name: str, rows: list[list[str]]) -> Export:
    return Export("fxiaoke", name, rows, "xlsx", title=f"{name.split('_')[0]}列表（导出时间：2025-07-20 08:00）")


def _edit(row: list[str], header: list[str], **changes: str) -> list[str]:
    edited = list(row)
    for name, value in changes.items():
        edited[header.index(name.replace("_", " "))] = value
    return edited


def _zoho_orders() -> tuple[list[str], dict[str, list[list[str]]]]:
    """The fixture's Zoho sales orders: header and the line rows of each order by Record Id."""
    header, *rows = _fixture("zoho", "Sales_Orders_2025_07_01")
    orders: dict[str, list[list[str]]] = {}
    for row in rows:
        orders.setdefault(row[0], []).append(row)
    return header, orders


def nights() -> list[Night]:
    """Ten nights of changes on top of the fixture's exports (night 0)."""
    so_header, orders = _zoho_orders()
    deal_header, *deals = _fixture("zoho", "Deals_2025_07_01")
    account_header, *accounts = _fixture("zoho", "Accounts_2025_07_01")
    fx_order_header, *fx_orders = _fixture("fxiaoke", "销售订单")
    fx_line_header, *fx_lines = _fixture("fxiaoke", "订单产品")
    payment_header, *_ = _fixture("fxiaoke", "回款_20250701", "gb18030")
    roster_header, *roster = _fixture("sheets", "销售花名册_2025")
    rate_header, *rates = _fixture("sheets", "汇率_2025")

    new_order = [_edit(orders["zcrm_5210000000300001"][0], so_header, **{
        "Record_Id": "zcrm_5210000000300005", "SO_Number": "SO-25-005", "Subject": "Lvye spare analyzer",
        "Status": "Approved", "Sub_Total": "4000", "Grand_Total": "4000", "Created_Time": "2025-07-02 09:00:00",
        "Modified_Time": "2025-07-02 09:00:00", "Quantity": "1", "Total": "4000", "Net_Total": "4000"})]
    new_order[0][so_header.index("Discount", so_header.index("List Price"))] = "0"
    won = _edit(deals[4], deal_header, Stage="Closed Won", **{"Probability_(%)": "100",
                                                               "Modified_Time": "2025-07-02 10:00:00"})
    orders_night1 = [so_header, *new_order]

    dd2505 = _edit(fx_orders[1], fx_order_header, 订单编号="DD-2505", 下单日期="2025-07-03", 订单金额="5,000.00",
                   产品合计="5,000.00", 创建时间="2025-07-03 10:00:00", 最后修改时间="2025-07-03 10:00:00")
    dd2505_line = _edit(fx_lines[2], fx_line_header, 订单编号="DD-2505", 数量="1", 单价="5,000.00", 小计="5,000.00",
                        最后修改时间="2025-07-03 10:00:00")
    # a late correction: DD-2502 (March) was for two analyzers, not one
    dd2502 = _edit(fx_orders[1], fx_order_header, 订单金额="30,000.00", 产品合计="30,000.00",
                   最后修改时间="2025-07-03 11:00:00")
    dd2502_line = _edit(fx_lines[2], fx_line_header, 数量="2", 小计="30,000.00", 最后修改时间="2025-07-03 11:00:00")
    payment = ["HK-2505", "天津港联物流有限公司", "DD-2505", "5,000.00", "2025-07-04", "银行转账", "已回款", "孙强"]

    # the full export of night 3: every order but SO-25-004, which was deleted in Zoho
    full_orders = [so_header, *(row for key, rows in orders.items() if key != "zcrm_5210000000300004" for row in rows),
                   *new_order]

    moved_roster = [roster_header]
    for row in roster:
        if row[0] == "Q03":  # 赵丽 moved to 华北 on 1 May
            moved_roster.append(_edit(row, roster_header, 失效日期="2025-04-30"))
            moved_roster.append(_edit(row, roster_header, 大区="华北", 团队="华北一组", 生效日期="2025-05-01"))
        else:
            moved_roster.append(row)

    handed_over = _edit(accounts[2], account_header, Account_Owner="Liu Yang", Modified_Time="2025-07-05 09:00:00")

    so1_header_rows = orders["zcrm_5210000000300001"]
    corrected_so1 = [_edit(so1_header_rows[0], so_header, Sub_Total="11200", Grand_Total="11200",
                           Modified_Time="2025-07-06 09:00:00"),
                     _edit(so1_header_rows[1], so_header, Sub_Total="11200", Grand_Total="11200",
                           Modified_Time="2025-07-06 09:00:00", Quantity="12", Total="3600", Net_Total="3600")]

    live_fx_orders = [row for row in fx_orders if row[0] != "DD-2504"]
    live_fx_orders = [dd2502 if row[0] == "DD-2502" else row for row in live_fx_orders] + [dd2505]
    live_fx_lines = [row for row in fx_lines if row[0] not in ("DD-2504", "DD-2502")] + [dd2502_line, dd2505_line]

    corrected_rates = [rate_header, *(_edit(row, rate_header, 汇率="7.30") if row[0] == "2025-02" else row
                                      for row in rates), ["2025-07", "USD", "7.15"]]

    cancelled_so3 = [_edit(row, so_header, Status="Cancelled", Modified_Time="2025-07-09 09:00:00")
                     for row in orders["zcrm_5210000000300003"]]
    new_deal = _edit(deals[5], deal_header, **{"Record_Id": "zcrm_5210000000200007", "Deal_Name": "Hengda Upgrade",
                                               "Stage": "Qualification", "Probability_(%)": "10",
                                               "Closing_Date": "2025-09-30", "Created_Time": "2025-07-09 10:00:00",
                                               "Modified_Time": "2025-07-09 10:00:00"})

    call_header = ["Record Id", "Subject", "Call Type", "Call Start Time", "Call Duration (in minutes)", "Call Result",
                   "Related To", "Owner", "Modified Time"]
    calls = [["zcrm_5210000000400001", "Follow up phase 2", "Outbound", "2025-07-01 10:00:00", "12.5", "Interested",
              "Hangzhou Lvye Tech", "Chen Ming", "2025-07-01 10:15:00"],
             ["zcrm_5210000000400002", "Expansion terms", "Outbound", "2025-07-01 15:00:00", "5", "Call back",
              "Shenzhen Bluewave Ltd", "Liu Yang", "2025-07-01 15:10:00"]]
    # night 6: the second call's owner and duration corrected a week late
    corrected_call = [*calls[1][:4], "25", "Interested", calls[1][6], "Chen Ming", "2025-07-06 10:00:00"]

    # night 10: SO-25-001 re-exported with its Sensor S20 line removed
    one_line_so1 = [_edit(so1_header_rows[0], so_header, Sub_Total="7600", Grand_Total="7600",
                          Modified_Time="2025-07-10 09:00:00")]

    return [
        Night(1, [_zoho("Sales_Orders_2025_07_02", orders_night1),
                  _zoho("Deals_2025_07_02", [deal_header, won]),
                  _zoho("Calls_2025_07_02", [call_header, *calls])]),
        Night(2, [_fxiaoke("销售订单_0703", [fx_order_header, dd2505, dd2502]),
                  _fxiaoke("订单产品_0703", [fx_line_header, dd2505_line, dd2502_line]),
                  Export("fxiaoke", "回款_20250704", [payment_header, payment], "gb18030")]),
        Night(3, [_zoho("Sales_Orders_2025_07_03", full_orders)], full={"zoho"}),
        Night(4, [Export("sheets", "销售花名册_2025_0704", moved_roster, "csv")],
              resent=[("zoho", "Sales_Orders_2025_07_02")]),
        Night(5, [_zoho("Accounts_2025_07_05", [account_header, handed_over])],
              bad=[("zoho", "Deals_2025_07_05")]),
        Night(6, [_zoho("Sales_Orders_2025_07_06", [so_header, *corrected_so1]),
                  _zoho("Calls_2025_07_06", [call_header, corrected_call])]),
        Night(7, [_fxiaoke("销售订单_0707", [fx_order_header, *live_fx_orders]),
                  _fxiaoke("订单产品_0707", [fx_line_header, *live_fx_lines])], full={"fxiaoke"}),
        Night(8, [Export("sheets", "汇率_2025_0708", corrected_rates, "csv")]),
        Night(9, [_zoho("Sales_Orders_2025_07_09", [so_header, *cancelled_so3]),
                  _zoho("Deals_2025_07_09", [deal_header, new_deal])]),
        Night(10, [_zoho("Sales_Orders_2025_07_10", [so_header, *one_line_so1])]),
    ]


# --------------------------------------------------------------------------------------------
# Running a night and comparing
# --------------------------------------------------------------------------------------------
def _build_db(home: Path) -> Path:
    return home / "build" / "sales_build.duckdb"


def _rows(db: Path, table: str) -> Counter:
    """The table's rows as a multiset; doubles to 12 significant digits."""
    def cell(value):
        return float(f"{value:.12g}") if isinstance(value, float) else value
    return Counter(tuple(cell(v) for v in row) for row in query(db, f"select * from {table}"))


def _differences(left: Path, right: Path, tables: list[str]) -> dict[str, int]:
    """Rows in one database's table and not in the other's, by table (0 when equal)."""
    found = {}
    for table in tables:
        a, b = _rows(left, table), _rows(right, table)
        if a != b:
            found[table] = sum(((a - b) + (b - a)).values())
    return found


def _refreshed_copy(home: Path, name: str, select: list[str], dbt: Dbt) -> Path:
    """A copy of the build database in which `select` (all models when empty) is fully refreshed.
    The copy keeps the file name, which dbt-duckdb takes as the database name the manifest holds."""
    copy = home / "copies" / name / _build_db(home).name
    copy.parent.mkdir(parents=True, exist_ok=True)
    query(_build_db(home), "checkpoint")
    shutil.copyfile(_build_db(home), copy)
    result = dbt.run("run", "--full-refresh", *(["--select", *select] if select else []), build_db=copy)
    assert result.success, failure_messages(result)
    return copy


def _snapshot_disagreements(db: Path) -> int:
    """Current snapshot versions against int_customers, both ways (the attributes attribution reads)."""
    columns = "customer_key, customer_name, owner_rep_id, region_code"
    [(count,)] = query(db, f"""
        select count(*) from (
            (select {columns} from snapshots.customers_snapshot where dbt_valid_to is null
             except all select {columns} from intermediate.int_customers)
            union all
            (select {columns} from intermediate.int_customers
             except all select {columns} from snapshots.customers_snapshot where dbt_valid_to is null))""")
    return count


@dataclass
class Dbt:
    """dbt on one home and project, parsed once: every later call reuses the manifest (a parse
    costs more than building this small company's models)."""

    home: Path
    project_dir: Path = PROJECT_DIR
    manifest: object = None

    def run(self, *args: str, build_db: Path | None = None):
        if self.manifest is None:
            parsed = run_dbt(self.home, "parse", project_dir=self.project_dir)
            assert parsed.success, failure_messages(parsed)
            self.manifest = parsed.result
        return run_dbt(self.home, *args, build_db=build_db, project_dir=self.project_dir, manifest=self.manifest)


def _tables(db: Path, schema: str) -> list[str]:
    return [f"{schema}.{name}" for (name,) in query(db, f"""
        select table_name from information_schema.tables where table_schema = '{schema}' order by 1""")]


def _incremental_tables() -> list[str]:
    return [f"marts.{name}" for name in INCREMENTAL]


@dataclass
class NightResult:
    number: int
    statuses: dict[str, str]  # file name → loaded | skipped | rejected
    incremental_differences: dict[str, int]
    snapshot_disagreements: int
    mart_differences: dict[str, int] | None = None
    marts_compared: int = 0


def ingest_night(home: Path, night: Night, landing: Path) -> dict[str, str]:
    """Write the night's files into its landing folder and load each source's folder, as the
    nightly run does; returns each file's status."""
    from ingestion import ingest_paths
    from ingestion.settings import Home

    folder = landing / f"night{night.number:02d}"
    for export in night.exports:
        export.write(folder)
    for source, name in night.resent:
        earlier = next(landing.glob(f"night*/{source}/{name}.*"))
        (folder / source).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(earlier, folder / source / earlier.name)
    for source, name in night.bad:
        (folder / source).mkdir(parents=True, exist_ok=True)
        (folder / source / f"{name}.csv").write_bytes(b"\x00\x9f\x92\x96 not an export \xff\xfe" * 64)
    statuses = {}
    for source in SOURCES:
        if (folder / source).is_dir():
            full = source in night.full
            for result in ingest_paths(source, [folder / source], Home(home), full_export=full, accept_deletions=full):
                statuses[result.path.name] = result.status
    return statuses


def run_night(dbt: Dbt, night: Night, landing: Path, compare_marts: bool = False) -> NightResult:
    home = dbt.home
    statuses = ingest_night(home, night, landing)
    built = dbt.run(*(EVERY_MODEL if compare_marts else STATEFUL_MODELS))
    assert built.success, f"night {night.number}: " + failure_messages(built)
    if compare_marts:  # every model refreshed: the incremental ones are compared with the rest
        rebuilt = _refreshed_copy(home, "rebuilt", [], dbt)
        marts = _tables(_build_db(home), "marts")
        assert marts == _tables(rebuilt, "marts")
        differences = _differences(_build_db(home), rebuilt, marts)
        return NightResult(night.number, statuses,
                           {t: n for t, n in differences.items() if t in _incremental_tables()},
                           _snapshot_disagreements(_build_db(home)), differences, len(marts))
    refreshed = _refreshed_copy(home, "incremental_refreshed", INCREMENTAL, dbt)
    return NightResult(night.number, statuses, _differences(_build_db(home), refreshed, _incremental_tables()),
                       _snapshot_disagreements(_build_db(home)))


def first_night(dbt: Dbt, landing: Path) -> None:
    """Night 0: the company's exports as committed, loaded and built from an empty warehouse."""
    statuses = ingest_night(dbt.home, Night(0, company().exports), landing)
    assert set(statuses.values()) == {"loaded"}, statuses
    built = dbt.run(*FIRST_BUILD)
    assert built.success, failure_messages(built)


@pytest.fixture(scope="module")
def soaked(tmp_path_factory: pytest.TempPathFactory) -> dict:
    home = tmp_path_factory.mktemp("soak")
    landing = home / "exports"
    dbt = Dbt(home)
    first_night(dbt, landing)
    results = [run_night(dbt, night, landing, compare_marts=night.number in FULL_COMPARISON_NIGHTS)
               for night in nights()]
    return {"home": home, "nights": results}


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------
def test_every_night_the_incremental_facts_equal_a_full_refresh(soaked: dict) -> None:
    differing = {n.number: n.incremental_differences for n in soaked["nights"] if n.incremental_differences}
    assert len(soaked["nights"]) == 10
    assert differing == {}


def test_every_night_the_snapshot_holds_the_customers_as_exported_now(soaked: dict) -> None:
    assert {n.number: n.snapshot_disagreements for n in soaked["nights"]} == {n: 0 for n in range(1, 11)}


def test_on_nights_5_and_10_every_public_mart_equals_a_full_rebuild(soaked: dict) -> None:
    compared = [n for n in soaked["nights"] if n.mart_differences is not None]
    assert [n.number for n in compared] == list(FULL_COMPARISON_NIGHTS)
    for night in compared:
        assert night.marts_compared >= 30
        assert night.mart_differences == {}, f"night {night.number}"


def test_each_night_loaded_what_it_should(soaked: dict) -> None:
    statuses = {n.number: n.statuses for n in soaked["nights"]}
    assert statuses[4]["Sales_Orders_2025_07_02.csv"] == "skipped"  # re-sent: already in the ledger
    assert statuses[4]["销售花名册_2025_0704.csv"] == "loaded"
    assert statuses[5] == {"Deals_2025_07_05.csv": "rejected", "Accounts_2025_07_05.csv": "loaded"}
    for number in (1, 2, 3, 6, 7, 8, 9, 10):
        assert set(statuses[number].values()) == {"loaded"}, (number, statuses[number])


def test_the_nights_reached_the_facts(soaked: dict) -> None:
    """What each night changed is in the final warehouse, so the comparisons above compared
    something: deletions, corrections of old records and sheet edits all landed."""
    db = _build_db(soaked["home"])

    def lines(order_id: str) -> list[tuple]:
        return query(db, f"""
            select line_no, quantity, revenue_cny, region_name, fx_rate, is_cancelled from marts.fct_order_lines
            where order_id = '{order_id}' order by line_no""")

    assert lines("zcrm_5210000000300004") == []  # night 3: deleted in Zoho (full export)
    assert lines("DD-2504") == []  # night 7: deleted in Fxiaoke (full export)
    assert [row[3] for row in lines("DD-2503")] == ["华北", "华北"]  # night 4: roster correction
    assert lines("zcrm_5210000000300002")[0][4] == Decimal("7.30")  # night 8: FX correction
    assert [row[5] for row in lines("zcrm_5210000000300003")] == [True, True]  # night 9: cancelled
    assert len(lines("zcrm_5210000000300001")) == 1  # night 10: a line removed
    assert len(lines("zcrm_5210000000300005")) == 1 and len(lines("DD-2505")) == 1  # nights 1, 2: new orders
    assert lines("DD-2502")[0][1] == 2  # night 2: a late correction of a March order
    [(versions,)] = query(db, """
        select count(*) from marts.dim_customer where customer_name = 'Suzhou Hengda Co'""")
    assert versions == 2  # night 5: the owner handed over opens a second version
    [(won,)] = query(db, """
        select count(*) from marts.fct_opportunity_stage_history
        where opportunity_id = 'zcrm_5210000000200005' and source_stage = 'Closed Won'""")
    assert won == 1  # night 1: a deal won
    assert query(db, """
        select activity_id, rep_id is not null, duration_minutes from marts.fct_activities order by 1""") == [
        ("zcrm_5210000000400001", True, Decimal("12.5")), ("zcrm_5210000000400002", True, Decimal("25"))]


def _without_post_hook(model: str) -> str:
    lines = model.splitlines(keepends=True)
    hook = next(i for i, line in enumerate(lines) if line.startswith("    post_hook="))
    lines[hook - 1] = lines[hook - 1].replace(",\n", "\n")  # the argument before it ends the call now
    return "".join(lines[:hook] + lines[hook + 1:])


def _keyed_by_customer(model: str) -> str:
    return model.replace("unique_key='order_key'", "unique_key='customer_key'")


# a broken fct_order_lines → the night that shows it and the rows that differ from a full refresh
BROKEN_RULES = {
    "no deletion post-hook": (_without_post_hook, 3, 1),  # SO-25-004's line stays
    "unique_key coarser than the partition": (_keyed_by_customer, 1, 4),  # Lvye's 4 older lines go
}


@pytest.mark.parametrize("rule", BROKEN_RULES)
def test_a_broken_incremental_rule_is_caught(tmp_path: Path, rule: str) -> None:
    """The same comparison on a copy of the project whose fct_order_lines breaks one incremental
    rule: the night that exercises the rule differs from a full refresh by the rows it got wrong."""
    breaks, night_number, rows = BROKEN_RULES[rule]
    project = tmp_path / "dbt_project"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    model = project / "models" / "marts" / "fct_order_lines.sql"
    broken = breaks(model.read_text(encoding="utf-8"))
    assert broken != (PROJECT_DIR / "models" / "marts" / "fct_order_lines.sql").read_text(encoding="utf-8")
    model.write_text(broken, encoding="utf-8")

    dbt = Dbt(tmp_path / "home", project)
    first_night(dbt, tmp_path / "home" / "exports")
    night = next(n for n in nights() if n.number == night_number)
    result = run_night(dbt, night, tmp_path / "home" / "exports")
    assert result.incremental_differences == {"marts.fct_order_lines": rows}
