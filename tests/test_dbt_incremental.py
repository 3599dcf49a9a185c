"""Incremental facts equal a full refresh on the demo company. The demo raw zone is built; a second
load goes through the real ingestion — partial Zoho exports (three deals won, with their Stage
History rows; two orders edited, one cancelled; calls edited and added) and a corrected sales
roster (李娜 R003 moved on 2025-08-01, not 2025-07-01: old orders change region without being
reloaded) — the incremental facts are built incrementally, kept aside, rebuilt with
--full-refresh, and the two versions must hold the same rows (EXCEPT ALL both ways is empty)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.test_dbt_demo import build_db, demo_home
from tests.test_dbt_project import OTHER_WORK, failure_messages, query, run_dbt

pytestmark = pytest.mark.slow

INCREMENTAL = ["fct_order_lines", "fct_activities", "fct_opportunity_stage_history"]
SECOND_LOAD_TIME = "2026-11-02 10:00:00"


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_second_load(home: Path) -> Path:
    """Partial Zoho exports and a corrected roster, as a user would drop them; returns the folder."""
    landing, second = home / "landing", home / "landing_second"

    header, deals = _read(landing / "zoho" / "Deals.csv")
    stage, modified = header.index("Stage"), header.index("Modified Time")
    won = [row for row in deals if not row[stage].startswith("Closed")][:3]
    for row in won:
        row[stage], row[modified] = "Closed Won", SECOND_LOAD_TIME
    _write(second / "zoho" / "Deals.csv", header, won)
    history_header, _ = _read(landing / "zoho" / "Deals_Stage_History.csv")
    history = []
    for row in won:
        entry = dict.fromkeys(history_header, "")
        entry.update({"Deal Id": row[header.index("Record Id")], "Stage": "Closed Won",
                      "Modified Time": SECOND_LOAD_TIME, "Probability (%)": "100"})
        history.append([entry[name] for name in history_header])
    _write(second / "zoho" / "Deals_Stage_History.csv", history_header, history)

    header, order_rows = _read(landing / "zoho" / "Sales_Orders.csv")
    record, modified, quantity, status = (header.index(n) for n in ("Record Id", "Modified Time", "Quantity", "Status"))
    first_ids = list(dict.fromkeys(row[record] for row in order_rows))[:2]
    edited = [row for row in order_rows if row[record] in first_ids]
    for row in edited:
        row[modified] = SECOND_LOAD_TIME
        if row[record] == first_ids[0]:
            row[quantity] = str(int(row[quantity]) + 1)   # one more unit on every line
        else:
            row[status] = "Cancelled"
    _write(second / "zoho" / "Sales_Orders.csv", header, edited)

    header, calls = _read(landing / "zoho" / "Calls.csv")
    record, subject, modified = header.index("Record Id"), header.index("Subject"), header.index("Modified Time")
    changed = [list(row) for row in calls[:2]]
    for row in changed:
        row[subject], row[modified] = row[subject] + "（已更新）", SECOND_LOAD_TIME
    added = list(calls[2])
    added[record], added[modified] = "zcrm_4876876999999999999", SECOND_LOAD_TIME
    _write(second / "zoho" / "Calls.csv", header, [*changed, added])

    import openpyxl

    workbook = openpyxl.load_workbook(landing / "sheets" / "sales_roster.xlsx")
    sheet = workbook.active
    names = [cell.value for cell in sheet[1]]
    rep, valid_from, valid_to = names.index("Rep Id"), names.index("Valid From"), names.index("Valid To")
    for row in sheet.iter_rows(min_row=2):
        if row[rep].value == "R003" and row[valid_to].value is not None:
            row[valid_to].value = row[valid_to].value.replace(month=7, day=31)
        elif row[rep].value == "R003":
            row[valid_from].value = row[valid_from].value.replace(month=8, day=1)
    (second / "sheets").mkdir(parents=True, exist_ok=True)
    workbook.save(second / "sheets" / "sales_roster.xlsx")
    return second


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> dict:
    from ingestion import ingest_paths
    from ingestion.settings import Home

    home = demo_home(tmp_path_factory, worker_id, "dbt_incremental")
    select = ["--select", *(f"+{name}" for name in INCREMENTAL), "--exclude", *OTHER_WORK,
              "--resource-type", "model", "--resource-type", "seed", "--resource-type", "snapshot"]
    first = run_dbt(home, "build", *select)
    assert first.success, failure_messages(first)
    [(lines_before,)] = query(build_db(home), "select count(*) from marts.fct_order_lines")

    second = write_second_load(home)
    loads = [
        *ingest_paths("zoho", [second / "zoho"], Home(home), full_export=False),
        *ingest_paths("sheets", [second / "sheets"], Home(home)),
    ]
    assert sorted(r.status for r in loads) == ["loaded"] * 5, [(r.path, r.status, r.message) for r in loads]

    incremental = run_dbt(home, "build", *select)
    assert incremental.success, failure_messages(incremental)
    runs = {r.node.name: r for r in incremental.result.results if r.node.name in INCREMENTAL}
    tables = {}
    for name in INCREMENTAL:
        query(build_db(home), f"create schema if not exists incremental_run; create table incremental_run.{name} as select * from marts.{name}")
        [(rows,)] = query(build_db(home), f"select count(*) from marts.{name}")
        tables[name] = rows

    full = run_dbt(home, "build", "--full-refresh", "--select", *INCREMENTAL, "--resource-type", "model")
    assert full.success, failure_messages(full)
    return {"home": home, "runs": runs, "rows": tables, "lines_before": lines_before}


@pytest.mark.parametrize("model", INCREMENTAL)
def test_incremental_run_equals_a_full_refresh(compared: dict, model: str) -> None:
    db = build_db(compared["home"])
    [(only_incremental,)] = query(db, f"""
        select count(*) from (select * from incremental_run.{model} except all select * from marts.{model})""")
    [(only_full,)] = query(db, f"""
        select count(*) from (select * from marts.{model} except all select * from incremental_run.{model})""")
    [(rows,)] = query(db, f"select count(*) from marts.{model}")
    assert (only_incremental, only_full) == (0, 0)
    assert rows == compared["rows"][model] > 0


@pytest.mark.parametrize("model", INCREMENTAL)
def test_the_second_run_was_incremental(compared: dict, model: str) -> None:
    run = compared["runs"][model]
    assert run.node.config.materialized == "incremental"
    # is_incremental() was true: the run selected changed partitions, not the whole table.
    assert "changed_" in run.node.compiled_code


@pytest.mark.parametrize("model", INCREMENTAL)
def test_a_run_after_a_full_refresh_selects_nothing(compared: dict, model: str) -> None:
    """The incremental run's select, run again once the fact equals its upstream (after the full
    refresh), finds no partition to rewrite: nothing loaded since, nothing resolved differently.
    A comparison that sees differences that are not there (on DuckDB, hashes of a value in two
    types) would rewrite every row every night, and still equal a full refresh."""
    selected = compared["runs"][model].node.compiled_code
    [(rows,)] = query(build_db(compared["home"]), f"select count(*) from ({selected}) as rewritten")
    assert rows == 0


def test_the_second_load_reached_the_facts(compared: dict) -> None:
    db = build_db(compared["home"])
    # The corrected roster moved 李娜's July 2025 revenue from 华南 back to 华东, though no order was reloaded.
    july = dict(query(db, """
        select region_name, count(*) from marts.fct_order_lines
        where rep_id = 'R003' and order_date between '2025-07-01' and '2025-07-31' group by 1"""))
    assert set(july) == {"华东"}
    [(won,)] = query(db, f"""
        select count(*) from marts.fct_opportunity_stage_history
        where source_stage = 'Closed Won' and entered_at = timestamp '{SECOND_LOAD_TIME}' and left_at is null""")
    assert won == 3
    [(closed_before,)] = query(db, f"""
        select count(*) from marts.fct_opportunity_stage_history as h
        where h.left_at = timestamp '{SECOND_LOAD_TIME}'""")
    assert closed_before == 3
    [(new_call,)] = query(db, "select count(*) from marts.fct_activities where activity_id = 'zcrm_4876876999999999999'")
    assert new_call == 1
    [(cancelled,)] = query(db, "select count(distinct order_id) from marts.fct_order_lines where is_cancelled and loaded_at > timestamp '2026-11-02'")
    assert cancelled >= 1
    assert compared["rows"]["fct_order_lines"] == compared["lines_before"]
