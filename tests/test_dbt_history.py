"""Customer history (SCD2) through the dbt snapshot: the fixture raw zone of test_dbt_project is
built, a second load edits two customers in the CRMs, the build runs again, and dim_customer
shows the old and the new version of each.

The edit of Globex is stamped (Modified Time, CRM local time) between the two builds, so its
version starts at that CRM time; 广州云帆's edit arrives with an old Modified Time, which the first
build would have seen had it been true, so its version starts at the build that saw it."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.test_dbt_project import failure_messages, query, run_dbt, write_fixture_raw_zone, write_raw

pytestmark = pytest.mark.slow

SELECT = ["--select", "+dim_customer", "--indirect-selection", "cautious"]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build, second load (Globex: industry and owner edited in Zoho; 广州云帆: owner edited in
    Fxiaoke), build again, and a third build with nothing new. Returns the build database."""
    home = tmp_path_factory.mktemp("dbt_history")
    write_fixture_raw_zone(home)
    first = run_dbt(home, "build", *SELECT)
    assert first.success, failure_messages(first)

    time.sleep(1)
    edited_at = dt.datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None, microsecond=0)
    (home / "edited_at.txt").write_text(str(edited_at))
    write_raw(home, "zoho", "accounts", [
        {"record_id": "zcrm_a2", "account_name": "Globex", "account_type": "Reseller", "industry": "Manufacturing",
         "billing_state": "Guangdong", "account_owner": "Zhang Wei", "modified_time": str(edited_at)},
    ], load_id="20240906T020000-za", full_export=False, loaded_at="2024-09-06 02:00:00")
    write_raw(home, "fxiaoke", "customers", [
        {"customer_name": "广州云帆贸易有限公司", "province": "广东", "customer_source": "代理商", "owner": "张伟",
         "last_modified_time": "2024-09-05 10:00:00", "life_status": "正常", "phone": "020-88881234"},
    ], load_id="20240906T020000-fc", full_export=False, loaded_at="2024-09-06 02:00:00")
    for _ in range(2):
        result = run_dbt(home, "build", *SELECT)
        assert result.success, failure_messages(result)
    return home / "build" / "sales_build.duckdb"


def versions(build_db: Path, customer_id: str) -> list[tuple]:
    return query(build_db, f"""
        select version_number, industry, owner_name, owner_rep_id, cast(valid_from as varchar),
               cast(valid_to as varchar), is_current
        from marts.dim_customer where customer_id = '{customer_id}' order by version_number""")


def test_an_edited_customer_has_its_old_and_new_version(history: Path) -> None:
    edited_at = (history.parent.parent / "edited_at.txt").read_text()
    old, new = versions(history, "zcrm_a2")
    # The first version is valid from the beginning (no Created Time exported) until the edit.
    assert old == (1, None, "Li Na", "R002", "1900-01-01 00:00:00", edited_at, False)
    # The new one from the CRM's Modified Time of the edit, and current.
    assert new == (2, "Manufacturing", "Zhang Wei", "R001", edited_at, None, True)


def test_an_owner_change_in_the_other_crm_is_a_version_too(history: Path) -> None:
    old, new = versions(history, "广州云帆贸易有限公司")
    assert (old[0], old[2], old[3], old[6]) == (1, "李娜", "R002", False)
    assert (new[0], new[2], new[3], new[6]) == (2, "张伟", "R001", True)
    # Its Modified Time (2024-09-05) predates the first build, which did not see the edit: the
    # version starts when the second build saw it, after the Globex edit, and the versions abut.
    edited_at = (history.parent.parent / "edited_at.txt").read_text()
    assert new[4] > edited_at and old[5] == new[4]


def test_unchanged_customers_and_unchanged_builds_add_no_version(history: Path) -> None:
    # Three builds, two edits: every other record still has one version, and the third build
    # (nothing new) added none.
    counts = dict(query(history, "select customer_id, count(*) from marts.dim_customer group by 1"))
    assert counts.pop("zcrm_a2") == 2 and counts.pop("广州云帆贸易有限公司") == 2
    assert set(counts.values()) == {1}
    [(snapshot_rows,)] = query(history, "select count(*) from snapshots.customers_snapshot")
    assert snapshot_rows == len(counts) + 4


def test_one_current_version_per_customer_and_the_master_key_is_stable(history: Path) -> None:
    [(current, records)] = query(history, """
        select count(*) filter (where is_current), count(distinct customer_key) from marts.dim_customer""")
    assert current == records
    # The match of 广州云帆 (name + phone) survives its owner change, on both versions.
    masters = query(history, """
        select distinct customer_master_key from marts.dim_customer
        where customer_id in ('广州云帆贸易有限公司', 'zcrm_a3')""")
    assert len(masters) == 1
