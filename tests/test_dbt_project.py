"""dbt project end to end on a tiny raw zone: Parquet fixtures typed as docs/raw_zone.md says,
`dbt build` into a real DuckDB file, then the figures a sales manager would check by hand."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import json

import duckdb
import pytest
import yaml

from ingestion.profiles import shipped_profiles
from ingestion.raw_zone import ensure_raw_zone
from ingestion.settings import Home, environment
from tests.conftest import home_on_published

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
PROJECT_DIR = REPO / "dbt_project"
PROFILES = {
    source: yaml.safe_load((REPO / "ingestion" / "profiles" / f"{source}.yml").read_text(encoding="utf-8"))
    for source in ("zoho", "fxiaoke", "sheets")
}
# Profile type → Parquet / DuckDB type (docs/raw_zone.md, "Column types in Parquet").
RAW_TYPES = {
    "id": "VARCHAR", "text": "VARCHAR", "int": "BIGINT", "decimal": "DECIMAL(18,6)",
    "money": "DECIMAL(18,4)", "percent": "DECIMAL(9,6)", "date": "DATE",
    "timestamp": "TIMESTAMP", "bool": "BOOLEAN",
}
LINEAGE = {
    "_source_system": "VARCHAR", "_source_file": "VARCHAR", "_source_row": "BIGINT",
    "_loaded_at": "TIMESTAMP", "_load_id": "VARCHAR", "_batch_id": "VARCHAR",
    "_is_full_export": "BOOLEAN", "_extra": "VARCHAR",
}


def raw_columns(source: str, entity: str) -> dict[str, str]:
    """Typed raw columns of an entity: the profile's column keys, then the lineage columns."""
    columns = PROFILES[source]["entities"][entity]["columns"]
    typed = {name: RAW_TYPES[spec["type"]] for name, spec in columns.items()}
    return typed | LINEAGE


def _write(path: Path, columns: dict[str, str], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute("create table raw_rows (" + ", ".join(f'"{c}" {t}' for c, t in columns.items()) + ")")
        if rows:
            names = list(columns)
            con.executemany(
                "insert into raw_rows values (" + ", ".join("?" for _ in names) + ")",
                [[row.get(name) for name in names] for row in rows],
            )
        con.execute(f"copy raw_rows to '{path}' (format parquet)")


def write_schema_files(home: Path) -> None:
    """The zero-row _schema.parquet of every entity of every profile, and (written by the
    ingestion itself) of every canonical entity of the shipped canonical CRMs (Salesforce, HubSpot)."""
    for source, profile in PROFILES.items():
        for entity in profile["entities"]:
            _write(home / "raw" / source / entity / "_schema.parquet", raw_columns(source, entity), [])
    ensure_raw_zone(Home(home), [p for p in shipped_profiles() if p.canonical])


def write_raw(
    home: Path, source: str, entity: str, rows: list[dict], *, load_id: str,
    batch_id: str | None = None, full_export: bool = True, loaded_at: str = "2024-09-01 02:00:00",
) -> Path:
    """One loaded file of an entity, as ingestion writes it: raw/<source>/<entity>/<load_id>.parquet."""
    columns = raw_columns(source, entity)
    unknown = {key for row in rows for key in row} - set(columns)
    assert not unknown, f"{source}.{entity} has no column(s) {sorted(unknown)}"
    lineage = {
        "_source_system": source, "_source_file": f"{entity}_{load_id}.csv", "_loaded_at": loaded_at,
        "_load_id": load_id, "_batch_id": batch_id or f"batch-{load_id}", "_is_full_export": full_export,
    }
    full_rows = [lineage | {"_source_row": index + 2} | row for index, row in enumerate(rows)]
    path = home / "raw" / source / entity / f"{load_id}.parquet"
    _write(path, columns, full_rows)
    return path


# --------------------------------------------------------------------------------------------
# The fixture raw zone. Hand-computed figures (CNY):
#   Zoho SO-1 (USD, 2024-03, Zhang Wei): 2 × 100 − 20 discount + 1 × 50 = 230 USD × 7.1 = 1633.00
#   Zoho SO-2 is Cancelled: 100 CNY that must not count.
#   Fxiaoke SO-2024-001 (2024-06-15, 李娜, still 华东): 整单折扣 0.95 on
#       10 × 200 × 0.9 (折扣) = 1800 and 5 × 100 (no 折扣) = 500 → (1800 + 500) × 0.95 = 2185.00
#   Fxiaoke SO-2024-002 (2024-08-10, 李娜, moved to 华南 on 2024-07-01): 1 × 1000 × 0.8 = 800.00
#   Fxiaoke SO-2024-003 is 作废 and SO-2024-000 vanished from the newest full export: not revenue.
# --------------------------------------------------------------------------------------------
def write_fixture_raw_zone(home: Path) -> None:
    write_schema_files(home)

    write_raw(home, "sheets", "sales_roster", [
        {"rep_id": "R001", "rep_name": "张伟", "zoho_user": "Zhang Wei", "zoho_user_id": "zu_001",
         "fxiaoke_user": "张伟", "region": "华东", "team": "华东一组", "manager": "王强",
         "valid_from": "2024-01-01"},
        {"rep_id": "R002", "rep_name": "李娜", "zoho_user": "Li Na", "fxiaoke_user": "李娜",
         "region": "华东", "team": "华东二组", "manager": "王强",
         "valid_from": "2024-01-01", "valid_to": "2024-06-30"},
        {"rep_id": "R002", "rep_name": "李娜", "zoho_user": "Li Na", "fxiaoke_user": "李娜",
         "region": "华南", "team": "华南一组", "manager": "陈静", "valid_from": "2024-07-01"},
    ], load_id="20240901T020000-roster")
    write_raw(home, "sheets", "fx_rates", [
        {"month": "2024-03", "currency": "USD", "rate_to_cny": "7.1"},
        {"month": "2024-08", "currency": "USD", "rate_to_cny": "7.2"},
        {"month": "2024-03", "currency": "EUR", "rate_to_cny": "7.8"},
    ], load_id="20240901T020000-fx")
    write_raw(home, "sheets", "targets", [
        {"period": "2024-03", "scope_type": "rep", "scope_name": "张伟", "metric": "revenue", "target_value": "2000"},
        {"period": "2024-06", "scope_type": "个人", "scope_name": "李娜", "metric": "销售额", "target_value": "2000"},
        {"period": "2024-08", "scope_type": "rep", "scope_name": "R002", "metric": "revenue", "target_value": "1000"},
        {"period": "2024-Q3", "scope_type": "region", "scope_name": "华南", "metric": "revenue", "target_value": "5000"},
        {"period": "2024", "scope_type": "company", "scope_name": "全公司", "metric": "revenue", "target_value": "100000"},
    ], load_id="20240901T020000-targets")

    # Customers of both CRMs (int_customer_matches): Acme is 上海星辰 under its English name (same
    # tax id, written with full-width digits and spaces in Zoho); zcrm_a3 is 广州云帆 (same name
    # once the legal-form suffix is gone, same phone); zcrm_a4 has that name too but another
    # phone, so it stays a customer of its own.
    write_raw(home, "zoho", "accounts", [
        {"record_id": "zcrm_a1", "account_name": "Acme Trading Co", "account_type": "Customer",
         "billing_state": "Shanghai", "account_owner": "Zhang Wei", "modified_time": "2024-02-01 09:00:00",
         "tax_id": "９１３１００００ MA1FL0XX1X", "created_time": "2023-05-01 09:00:00"},
        {"record_id": "zcrm_a2", "account_name": "Globex", "account_type": "Reseller",
         "billing_state": "Guangdong", "account_owner": "Li Na", "modified_time": "2024-02-01 09:00:00"},
        {"record_id": "zcrm_a3", "account_name": "广州云帆贸易股份有限公司", "account_type": "Customer",
         "billing_state": "Guangdong", "account_owner": "Li Na", "phone": "+86 20 8888 1234",
         "modified_time": "2024-02-01 09:00:00"},
        {"record_id": "zcrm_a4", "account_name": "广州云帆贸易有限公司", "account_type": "Customer",
         "billing_state": "Guangdong", "account_owner": "Li Na", "phone": "020-66661234",
         "modified_time": "2024-02-01 09:00:00"},
    ], load_id="20240901T020000-za")
    write_raw(home, "zoho", "products", [
        {"record_id": "zcrm_p1", "product_name": "Widget A", "product_code": "P-100", "unit_price": "100"},
        {"record_id": "zcrm_p2", "product_name": "Widget B", "product_code": "P-200", "unit_price": "50"},
    ], load_id="20240901T020000-zp")
    # Zoho exports no Stage History here: zcrm_d1's history comes from its two raw versions.
    write_raw(home, "zoho", "deals", [
        {"record_id": "zcrm_d1", "deal_name": "Acme annual supply", "deal_owner": "Zhang Wei",
         "account_id": "zcrm_a1", "amount": "230", "currency": "USD", "closing_date": "2024-03-05",
         "stage": "Qualification", "created_time": "2024-02-10 10:00:00", "modified_time": "2024-02-15 10:00:00"},
    ], load_id="20240216T020000-zd", loaded_at="2024-02-16 02:00:00")
    write_raw(home, "zoho", "deals", [
        {"record_id": "zcrm_d1", "deal_name": "Acme annual supply", "deal_owner": "Zhang Wei",
         "account_name": "Acme Trading Co", "account_id": "zcrm_a1", "amount": "230", "currency": "USD",
         "closing_date": "2024-03-05", "stage": "Closed Won", "created_time": "2024-02-10 10:00:00",
         "modified_time": "2024-03-05 10:00:00"},
        {"record_id": "zcrm_d2", "deal_name": "Globex pilot", "deal_owner": "Li Na", "account_id": "zcrm_a2",
         "amount": "5000", "closing_date": "2024-10-15", "stage": "Negotiation/Review",
         "created_time": "2024-07-01 10:00:00", "modified_time": "2024-08-20 10:00:00"},
    ], load_id="20240901T020000-zd")
    so1 = {"record_id": "zcrm_so1", "so_number": "SO-1", "subject": "Acme March order", "account_id": "zcrm_a1",
           "account_name": "Acme Trading Co", "currency": "USD", "owner": "Zhang Wei", "owner_id": "zu_001",
           "created_time": "2024-03-05 09:30:00"}
    # An older version of SO-1 (one line, loaded in March): replaced by the newest load as a whole.
    write_raw(home, "zoho", "sales_orders", [
        so1 | {"status": "Created", "modified_time": "2024-03-05 10:00:00", "product_name": "Widget A",
               "product_code": "P-100", "quantity": "1", "list_price": "100"},
    ], load_id="20240306T020000-zso", loaded_at="2024-03-06 02:00:00")
    so2 = {"record_id": "zcrm_so2", "so_number": "SO-2", "subject": "Acme cancelled", "account_id": "zcrm_a1",
           "status": "Cancelled", "owner": "Zhang Wei", "created_time": "2024-03-10 11:00:00",
           "modified_time": "2024-03-11 11:00:00"}
    write_raw(home, "zoho", "sales_orders", [
        so1 | {"status": "Approved", "modified_time": "2024-03-06 09:00:00", "product_name": "Widget A",
               "product_code": "P-100", "quantity": "2", "list_price": "100", "line_discount": "20"},
        so1 | {"status": "Approved", "modified_time": "2024-03-06 09:00:00", "product_name": "Widget B",
               "product_code": "P-200", "quantity": "1", "list_price": "50"},
        so2 | {"product_name": "Widget A", "product_code": "P-100", "quantity": "10", "list_price": "10"},
    ], load_id="20240901T020000-zso")

    write_raw(home, "fxiaoke", "customers", [
        {"customer_name": "上海星辰科技有限公司", "area": "华东", "record_type": "直销", "owner": "李娜",
         "last_modified_time": "2024-05-01 09:00:00", "life_status": "正常", "tax_id": "91310000MA1FL0XX1X",
         "created_time": "2023-09-01 09:00:00"},
        {"customer_name": "广州云帆贸易有限公司", "province": "广东", "customer_source": "代理商", "owner": "李娜",
         "last_modified_time": "2024-05-01 09:00:00", "life_status": "正常", "phone": "020-88881234"},
    ], load_id="20240901T020000-fc")
    write_raw(home, "fxiaoke", "products", [
        {"product_code": "FX-A", "product_name": "产品甲", "list_price": "200", "last_modified_time": "2024-01-01 00:00:00"},
        {"product_code": "FX-B", "product_name": "产品乙", "list_price": "100", "last_modified_time": "2024-01-01 00:00:00"},
    ], load_id="20240901T020000-fp")
    write_raw(home, "fxiaoke", "opportunities", [
        {"opportunity_name": "星辰二期", "customer_name": "上海星辰科技有限公司", "amount": "50000",
         "sales_stage": "方案/报价", "expected_close_date": "2024-10-31", "owner": "张伟",
         "created_time": "2024-06-01 10:00:00", "last_modified_time": "2024-07-15 10:00:00"},
        {"opportunity_name": "云帆年度采购", "customer_name": "广州云帆贸易有限公司", "amount": "2600",
         "sales_stage": "赢单", "closed_date": "2024-08-10", "owner": "李娜",
         "created_time": "2024-07-01 10:00:00", "last_modified_time": "2024-08-10 10:00:00"},
    ], load_id="20240901T020000-fo")
    write_raw(home, "fxiaoke", "opportunity_stage_history", [
        {"opportunity_name": "星辰二期", "sales_stage": "验证客户", "changed_time": "2024-06-01 10:00:00"},
        {"opportunity_name": "星辰二期", "sales_stage": "需求确定", "changed_time": "2024-06-20 10:00:00"},
        {"opportunity_name": "星辰二期", "sales_stage": "方案/报价", "changed_time": "2024-07-15 10:00:00"},
    ], load_id="20240901T020000-fh")
    order = {"owner": "李娜", "life_status": "正常", "order_status": "已确认"}
    # The August full export still has SO-2024-000; the September one does not: it was deleted.
    write_raw(home, "fxiaoke", "orders", [
        order | {"order_no": "SO-2024-000", "customer_name": "广州云帆贸易有限公司", "order_date": "2024-07-01",
                 "last_modified_time": "2024-07-01 10:00:00"},
    ], load_id="20240801T020000-fso", loaded_at="2024-08-01 02:00:00")
    write_raw(home, "fxiaoke", "order_lines", [
        {"order_no": "SO-2024-000", "line_no": 1, "product_name": "产品甲", "product_code": "FX-A",
         "quantity": "1", "unit_price": "999"},
    ], load_id="20240801T020000-fsl", loaded_at="2024-08-01 02:00:00")
    write_raw(home, "fxiaoke", "orders", [
        order | {"order_no": "SO-2024-001", "customer_name": "上海星辰科技有限公司", "order_date": "2024-06-15",
                 "order_discount_paid": "0.95", "last_modified_time": "2024-06-15 10:00:00"},
        order | {"order_no": "SO-2024-002", "customer_name": "广州云帆贸易有限公司", "order_date": "2024-08-10",
                 "order_status": "已发货", "last_modified_time": "2024-08-10 10:00:00"},
        order | {"order_no": "SO-2024-003", "customer_name": "广州云帆贸易有限公司", "order_date": "2024-08-12",
                 "life_status": "作废", "last_modified_time": "2024-08-13 10:00:00"},
    ], load_id="20240901T020000-fso")
    write_raw(home, "fxiaoke", "order_lines", [
        {"order_no": "SO-2024-001", "line_no": 1, "product_name": "产品甲", "product_code": "FX-A",
         "quantity": "10", "unit_price": "200", "discount_paid": "0.9"},
        {"order_no": "SO-2024-001", "line_no": 2, "product_name": "产品乙", "product_code": "FX-B",
         "quantity": "5", "unit_price": "100"},
        {"order_no": "SO-2024-002", "line_no": 1, "product_name": "产品甲", "product_code": "FX-A",
         "quantity": "1", "unit_price": "1000", "discount_paid": "0.8"},
        {"order_no": "SO-2024-003", "line_no": 1, "product_name": "产品乙", "product_code": "FX-B",
         "quantity": "3", "unit_price": "100"},
    ], load_id="20240901T020000-fsl")
    # Deleting SO-2024-000 is all that August's full export held: accepted, as
    # `salesdw ingest --full --accept-deletions` records it in the ledger.
    accept_deletions(home, ["batch-20240901T020000-fso", "batch-20240901T020000-fsl"])


def accept_deletions(home: Path, batch_ids: list[str]) -> None:
    """Ledger rows saying the user accepted what these full batches delete."""
    path = home / "ledger" / "loads" / f"accepted-{len(list((home / 'ledger' / 'loads').glob('*')))}.parquet"
    _write(path, {"batch_id": "VARCHAR", "deletions_accepted": "BOOLEAN"},
           [{"batch_id": b, "deletions_accepted": True} for b in batch_ids])


# --------------------------------------------------------------------------------------------
# Running dbt
# --------------------------------------------------------------------------------------------
# Other engineers' models, not under test here (and possibly unfinished): the target
# decomposition and the funnel's intermediate models, the semantic layer and the KPI marts other
# than the first one, which these tests read (kpi_revenue_vs_target_monthly).
KPI_DIR = PROJECT_DIR / "models" / "marts" / "kpi"
OTHER_WORK = [
    "path:models/intermediate/targets",
    "path:models/intermediate/funnel",
    "path:models/semantic",
    *(f"path:models/marts/kpi/{path.name}" for path in sorted(KPI_DIR.glob("*.sql"))
      if path.stem != "kpi_revenue_vs_target_monthly"),
]


def run_dbt(home: Path, *args: str, build_db: Path | None = None, project_dir: Path = PROJECT_DIR,
            manifest=None):
    """`dbt <args>` in process against raw zone `home`; target and logs stay inside `home`
    (`project_dir`: a copy of the project, for a test that breaks a model on purpose). Another
    build database gets a target folder of its own: the profile names the database, and a
    changed profile makes dbt parse the whole project again instead of partially. `manifest`
    (the result of `dbt parse`) skips parsing altogether, for a test that calls dbt many times."""
    from dbt.cli.main import dbtRunner

    default_db = home / "build" / "sales_build.duckdb"
    build_db = build_db or default_db
    target = "dbt_target" if build_db == default_db else f"dbt_target_{build_db.parent.name}_{build_db.stem}"
    build_db.parent.mkdir(parents=True, exist_ok=True)
    env = {"SALESDW_HOME": str(home), "SALESDW_BUILD_DB": str(build_db), "SALESDW_DBT_TARGET": "duckdb"}
    with environment(env):
        return dbtRunner(manifest=manifest).invoke([
            *args,
            "--project-dir", str(project_dir), "--profiles-dir", str(project_dir),
            "--target-path", str(home / target), "--log-path", str(home / "dbt_logs"),
        ])


def failure_messages(result) -> str:
    """Every message of the nodes that errored or failed, one per line."""
    if result.result is None:
        return str(result.exception)
    return "\n".join(
        f"{node.node.name}: {node.message}"
        for node in result.result.results
        if str(node.status) in ("error", "fail")
    )


def query(build_db: Path, sql: str) -> list[tuple]:
    # Same configuration as the connection dbt-duckdb may still hold in this process.
    with duckdb.connect(str(build_db)) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture raw zone, built by `dbt build`; returns the build database."""
    home = tmp_path_factory.mktemp("dbt_home")
    write_fixture_raw_zone(home)
    result = run_dbt(home, "build", "--exclude", *OTHER_WORK)
    assert result.success, failure_messages(result)
    return home / "build" / "sales_build.duckdb"


def manifest(built: Path) -> dict:
    return json.loads((built.parent.parent / "dbt_target" / "manifest.json").read_text(encoding="utf-8"))


def _home_with_extra_file(tmp_path: Path, built: Path, source: str, entity: str, rows: list[dict]) -> Path:
    home = tmp_path / "home"
    shutil.copytree(built.parent.parent / "raw", home / "raw")
    shutil.copytree(built.parent.parent / "ledger", home / "ledger")  # the accepted deletions
    write_raw(home, source, entity, rows, load_id="20240902T020000-extra", full_export=False,
              loaded_at="2024-09-02 02:00:00")
    return home


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------
def test_marts_schema_holds_exactly_the_public_models(built: Path) -> None:
    public = {path.stem for path in (PROJECT_DIR / "models" / "marts").rglob("*.sql")}
    not_built = {path.split("/")[-1].removesuffix(".sql") for path in OTHER_WORK if path.endswith(".sql")}
    tables = {name for (name,) in query(built, "select table_name from information_schema.tables where table_schema = 'marts'")}
    assert tables == public - not_built
    # And for every model, built here or not: schema marts if and only if it is under models/marts.
    models = [node for node in manifest(built)["nodes"].values() if node["resource_type"] == "model"]
    assert {node["name"] for node in models if node["schema"] == "marts"} == public
    for node in models:
        layer = node["original_file_path"].split("/")[1]
        if layer in ("staging", "intermediate"):
            assert node["schema"] == layer, node["name"]


def test_every_public_mart_has_an_enforced_contract_and_every_column_described(built: Path) -> None:
    nodes = manifest(built)["nodes"].values()
    marts = [n for n in nodes if n["resource_type"] == "model" and n["original_file_path"].startswith("models/marts/")
             and "/kpi/" not in n["original_file_path"]]
    assert len(marts) >= 23
    for node in marts:
        assert node["contract"]["enforced"], node["name"]
        assert node["description"].strip(), node["name"]
        undescribed = [c for c, spec in node["columns"].items() if not spec.get("description", "").strip()]
        assert not undescribed, (node["name"], undescribed)
        columns = {c for (c,) in query(built, f"""
            select column_name from information_schema.columns
            where table_schema = 'marts' and table_name = '{node['name']}'""")}
        assert columns == set(node["columns"]), node["name"]


def test_a_customer_of_both_crms_counts_once(built: Path) -> None:
    masters = dict(query(built, "select customer_id, customer_master_key from marts.dim_customer where is_current"))
    rules = dict(query(built, "select customer_id, match_rule from marts.dim_customer where is_current"))
    # Same tax id (full-width digits and a space in Zoho): Acme is 上海星辰科技有限公司.
    assert masters["zcrm_a1"] == masters["上海星辰科技有限公司"] and rules["zcrm_a1"] == "tax_id"
    # Same name without 股份有限公司 / 有限公司 and the same phone; the namesake with another phone stays apart.
    assert masters["zcrm_a3"] == masters["广州云帆贸易有限公司"] and rules["zcrm_a3"] == "name_phone"
    assert masters["zcrm_a4"] not in {masters["zcrm_a3"], masters["zcrm_a1"]} and rules["zcrm_a4"] == "none"
    assert list(masters.values()).count(masters["zcrm_a2"]) == 1
    # Orders of Acme (Zoho) and 上海星辰 (Fxiaoke) are one customer's; its first order is Acme's.
    [(records, customers)] = query(built, """
        select count(distinct customer_key), count(distinct customer_master_key)
        from marts.fct_orders where not is_cancelled""")
    assert (records, customers) == (3, 2)
    first_orders = dict(query(built, "select customer_id, first_order_date from marts.dim_customer where is_current"))
    assert str(first_orders["上海星辰科技有限公司"]) == str(first_orders["zcrm_a1"]) == "2024-03-05"
    [(masters_marked,)] = query(built, "select count(*) from marts.dim_customer where is_current and is_master_record")
    [(master_count,)] = query(built, "select count(distinct customer_master_key) from marts.dim_customer where is_current")
    assert masters_marked == master_count == len(masters) - 2


def test_stage_history_comes_from_raw_versions_when_the_crm_exports_none(built: Path) -> None:
    rows = query(built, """
        select opportunity_id, source_stage, history_origin, entered_at, left_at, stage_sequence
        from marts.fct_opportunity_stage_history order by opportunity_id, stage_sequence""")
    zoho = [row for row in rows if row[0].startswith("zcrm_")]
    assert [(r[0], r[1], r[2], str(r[3]), str(r[4])) for r in zoho] == [
        ("zcrm_d1", "Qualification", "derived_from_versions", "2024-02-15 10:00:00", "2024-03-05 10:00:00"),
        ("zcrm_d1", "Closed Won", "derived_from_versions", "2024-03-05 10:00:00", "None"),
        ("zcrm_d2", "Negotiation/Review", "derived_from_versions", "2024-08-20 10:00:00", "None"),
    ]
    # Fxiaoke exports its 商机阶段变更记录: that is used, not the versions.
    fxiaoke = [(r[1], r[2]) for r in rows if r[0] == "星辰二期"]
    assert fxiaoke == [("验证客户", "exported"), ("需求确定", "exported"), ("方案/报价", "exported")]


def test_revenue_cny_matches_the_hand_computed_figures(built: Path) -> None:
    lines = {
        (order_id, line_no): (discount_rate, revenue_local, fx_rate, revenue_cny)
        for order_id, line_no, discount_rate, revenue_local, fx_rate, revenue_cny in query(built, """
            select order_id, line_no, discount_rate, revenue_local, fx_rate, revenue_cny
            from marts.fct_order_lines""")
    }
    # Zoho: Discount 20 on 2 × 100 is a 10% rate; USD at 7.1 in March 2024.
    assert lines[("zcrm_so1", 1)] == (Decimal("0.1"), 180, Decimal("7.1"), 1278)
    assert lines[("zcrm_so1", 2)] == (0, 50, Decimal("7.1"), 355)
    # Only the newest load's lines of SO-1 count (the March load had one line of 100 USD).
    assert sum(value[3] for key, value in lines.items() if key[0] == "zcrm_so1") == 1633
    # Fxiaoke: 折扣 0.9 and 整单折扣 0.95 → the line pays 85.5%.
    assert lines[("SO-2024-001", 1)] == (Decimal("0.145"), 1710, 1, 1710)
    assert lines[("SO-2024-001", 2)] == (Decimal("0.05"), 475, 1, 475)
    assert lines[("SO-2024-002", 1)][3] == 800
    [(type_name,)] = query(built, """
        select data_type from information_schema.columns
        where table_schema = 'marts' and table_name = 'fct_order_lines' and column_name = 'revenue_cny'""")
    assert type_name == "DECIMAL(18,4)"


def test_cancelled_and_deleted_orders_are_not_revenue(built: Path) -> None:
    flagged = dict(query(built, "select order_id, bool_and(is_cancelled) from marts.fct_order_lines group by 1"))
    assert flagged["zcrm_so2"] is True          # Zoho Status Cancelled
    assert flagged["SO-2024-003"] is True       # Fxiaoke 生命状态 作废
    assert "SO-2024-000" not in flagged         # missing from the newest full export: deleted
    [(revenue,)] = query(built, "select sum(revenue_cny) from marts.kpi_revenue_vs_target_monthly")
    assert revenue == 1633 + 2185 + 800


def test_rep_who_moved_region_keeps_revenue_in_the_old_region_before_the_move(built: Path) -> None:
    by_region = dict(query(built, """
        select region_code, sum(revenue_cny) from marts.fct_order_lines
        where rep_id = 'R002' and not is_cancelled group by 1"""))
    assert by_region == {"EAST": 2185, "SOUTH": 800}
    teams = dict(query(built, "select order_id, max(team) from marts.fct_order_lines where rep_id = 'R002' group by 1"))
    assert teams["SO-2024-001"] == "华东二组" and teams["SO-2024-002"] == "华南一组"


def test_revenue_against_target_gives_gap_and_attainment(built: Path) -> None:
    rows = {
        (rep_id, str(month)): (revenue, target, gap, attainment)
        for rep_id, month, revenue, target, gap, attainment in query(built, """
            select rep_id, month_start, revenue_cny, target_cny, gap_cny, attainment
            from marts.kpi_revenue_vs_target_monthly""")
    }
    # attainment is a rate: DOUBLE, as in every mart
    assert rows[("R001", "2024-03-01")] == (1633, 2000, 367, pytest.approx(0.8165, abs=1e-12))
    assert rows[("R002", "2024-06-01")] == (2185, 2000, -185, pytest.approx(1.0925, abs=1e-12))
    assert rows[("R002", "2024-08-01")] == (800, 1000, 200, pytest.approx(0.8, abs=1e-12))


def test_an_unmapped_stage_is_a_warning_and_counts_as_open_or_by_its_probability(tmp_path: Path, built: Path) -> None:
    """Issue 11, class 5: CRM admins add stages at will; a new one never stops the night."""
    home = _home_with_extra_file(tmp_path, built, "fxiaoke", "opportunities", [
        {"opportunity_name": "新商机", "customer_name": "上海星辰科技有限公司", "sales_stage": "意向客户",
         "last_modified_time": "2024-09-02 01:00:00"},
        {"opportunity_name": "签约商机", "customer_name": "上海星辰科技有限公司", "sales_stage": "已签约",
         "win_probability": "1", "last_modified_time": "2024-09-02 01:00:00"},
    ])
    # The part of the DAG that reaches the check (seeds, sources, the staging model, its tests).
    result = run_dbt(home, "build", "--select", "+stg_fxiaoke__opportunities")
    assert result.success, failure_messages(result)
    warned = [r.node.name for r in result.result.results if str(r.status) == "warn"]
    assert any(name.startswith("mapped_stg_fxiaoke__opportunities_mapped_stage_code") for name in warned), warned
    stages = query(home / "build" / "sales_build.duckdb",
                   "select opportunity_name, stage_code, stage_group from staging.stg_fxiaoke__opportunities"
                   " where opportunity_name in ('新商机', '签约商机') order by 1")
    assert stages == [("新商机", "unmapped", "open"), ("签约商机", "won", "won")]


def test_missing_fx_rate_fails_the_build_naming_currency_and_month(tmp_path: Path, built: Path) -> None:
    home = _home_with_extra_file(tmp_path, built, "zoho", "sales_orders", [
        {"record_id": "zcrm_so9", "subject": "Pounds", "currency": "GBP", "owner": "Zhang Wei",
         "created_time": "2024-05-03 10:00:00", "modified_time": "2024-05-03 10:00:00",
         "product_name": "Widget A", "product_code": "P-100", "quantity": "1", "list_price": "10"},
    ])
    result = run_dbt(home, "build", "--select", "+int_order_lines")
    assert not result.success
    messages = failure_messages(result)
    assert "GBP" in messages and "2024-05" in messages, messages


def test_incremental_run_replaces_reloaded_orders_and_drops_deleted_ones(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_fixture_raw_zone(home)
    assert run_dbt(home, "build", "--select", "+fct_order_lines", "--exclude", "test_type:data").success
    build_db = home / "build" / "sales_build.duckdb"
    # SO-2024-001 reloaded with line 2 removed; a new full export of orders without SO-2024-003.
    write_raw(home, "fxiaoke", "order_lines", [
        {"order_no": "SO-2024-001", "line_no": 1, "product_name": "产品甲", "product_code": "FX-A",
         "quantity": "10", "unit_price": "200", "discount_paid": "0.9", "last_modified_time": "2024-09-02 09:00:00"},
    ], load_id="20240903T020000-fsl", full_export=False, loaded_at="2024-09-03 02:00:00")
    write_raw(home, "fxiaoke", "orders", [
        {"order_no": no, "customer_name": customer, "order_date": day, "owner": "李娜", "life_status": "正常",
         "order_status": "已确认", "order_discount_paid": paid, "last_modified_time": "2024-09-02 09:00:00"}
        for no, customer, day, paid in [
            ("SO-2024-001", "上海星辰科技有限公司", "2024-06-15", "0.95"),
            ("SO-2024-002", "广州云帆贸易有限公司", "2024-08-10", None),
        ]
    ], load_id="20240903T020000-fso", loaded_at="2024-09-03 02:00:00")
    result = run_dbt(home, "build", "--select", "+fct_order_lines", "--exclude", "test_type:data")
    assert result.success, failure_messages(result)
    assert [str(r.node.config.materialized) for r in result.result.results if r.node.name == "fct_order_lines"] == ["incremental"]
    lines = query(build_db, "select order_id, line_no, revenue_cny from marts.fct_order_lines where source_system = 'fxiaoke' order by 1, 2")
    assert lines == [("SO-2024-001", 1, 1710), ("SO-2024-002", 1, 800)]


def test_a_mass_deletion_in_the_raw_zone_fails_the_build_unless_accepted(tmp_path: Path) -> None:
    """However a truncated full export reached the raw zone, the dbt test stops the publish."""
    home = tmp_path / "home"
    write_schema_files(home)
    deal = {"deal_name": "Deal", "stage": "Qualification", "modified_time": "2024-08-01 10:00:00"}
    write_raw(home, "zoho", "deals", [deal | {"record_id": f"zd_{n}"} for n in range(50)],
              load_id="20240801T020000-zd", loaded_at="2024-08-01 02:00:00")
    write_raw(home, "zoho", "deals", [deal | {"record_id": f"zd_{n}"} for n in range(30)],
              load_id="20240901T020000-zd", loaded_at="2024-09-01 02:00:00")
    select = ["test", "--select", "source:zoho.deals,test_name:full_export_deletions"]

    result = run_dbt(home, *select)
    assert not result.success
    assert "Got 1 result" in failure_messages(result)

    accept_deletions(home, ["batch-20240901T020000-zd"])
    result = run_dbt(home, *select)
    assert result.success, failure_messages(result)


def test_an_unmapped_place_is_a_warning_and_the_customer_takes_its_owners_region(tmp_path: Path, built: Path) -> None:
    """Issue 11, class 6: 华东 rep Zhang Wei owns an account in a city no seed row names."""
    home = _home_with_extra_file(tmp_path, built, "zoho", "accounts", [
        {"record_id": "zacc_far", "account_name": "Atlantis Trading", "account_owner": "Zhang Wei",
         "account_owner_id": "zu_001", "billing_city": "Atlantis", "modified_time": "2024-08-01 10:00:00"},
        {"record_id": "zacc_hz", "account_name": "Hangzhou Trading", "account_owner": "Li Na",
         "billing_city": "HANGZHOU City", "billing_state": "zhejiang province", "modified_time": "2024-08-01 10:00:00"},
    ])
    result = run_dbt(home, "build", "--select", "+int_customers", "--indirect-selection", "cautious")
    assert result.success, failure_messages(result)
    warned = [r.node.name for r in result.result.results if str(r.status) == "warn"]
    assert any(name.startswith("mapped_stg_zoho__accounts_region_code") for name in warned), warned
    regions = query(home / "build" / "sales_build.duckdb",
                    "select customer_id, region_code from intermediate.int_customers where customer_id like 'zacc_%' order by 1")
    assert regions == [("zacc_far", "EAST"), ("zacc_hz", "EAST")]


def test_every_unit_test_passes(published, tmp_path: Path):
    """dbt unit tests check the SQL, not a night's data, so the nightly build leaves them out
    (orchestration/dbt/assets.py): here they all run, against a copy of a built warehouse (dbt
    reads the column types of a model's inputs from it)."""
    result = run_dbt(home_on_published(published, tmp_path / "home"), "test", "--select", "test_type:unit")
    assert result.success, failure_messages(result)
    ran = [r for r in result.result.results if r.node.resource_type == "unit_test"]
    from orchestration.dbt.project import ensure_manifest

    defined = json.loads(ensure_manifest().read_text(encoding="utf-8"))["unit_tests"]
    assert len(ran) == len(defined) >= 25, (len(ran), len(defined))
