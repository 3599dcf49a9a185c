"""The progress line of `salesdw run`, fed dbt's own result lines as dagster-dbt re-emits them."""

from __future__ import annotations

import io

from orchestration.console import Progress, _LogStream

DBT_LINES = """\
1 of 6 START sql table model intermediate.int_months ......................... [RUN]
1 of 6 OK created sql table model intermediate.int_months .................... [\x1b[32mOK\x1b[0m in 0.15s]
2 of 6 START seed file seeds.regions ......................................... [RUN]
2 of 6 OK loaded seed file seeds.regions ..................................... [\x1b[32mINSERT 9\x1b[0m in 0.05s]
3 of 6 PASS not_null_kpi_benchmark_kpi ....................................... [\x1b[32mPASS\x1b[0m in 0.03s]
4 of 6 WARN 2 accepted_values_stg_fxiaoke__orders_order_status ............... [\x1b[33mWARN 2\x1b[0m in 0.04s]
5 of 6 FAIL 1 unique_fct_orders_order_key .................................... [\x1b[31mFAIL 1\x1b[0m in 0.04s]
6 of 6 ERROR creating sql table model marts.kpi_funnel ....................... [\x1b[31mERROR\x1b[0m in 0.20s]
"""


def test_dbt_results_move_one_line_and_reach_the_log():
    terminal, log = io.StringIO(), io.StringIO()
    progress = Progress(terminal, live=True)
    progress.step("ingest")
    progress.count("ingest", "success")
    stream = _LogStream(log, progress, echo=None)
    stream.write(DBT_LINES)
    progress.close()

    assert log.getvalue() == DBT_LINES
    lines = [line.split("\r")[-1].rstrip() for line in terminal.getvalue().split("\n") if line]
    assert lines == ["ingest   1 sources done", "dbt      3 models, 3 tests, 1 warned, 2 failed"]
