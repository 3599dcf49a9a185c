"""Shared fixtures. The end-to-end fixtures run the real pipeline once per test run (demo
exports → ingestion → Dagster job with dbt build, checks, publish) into a temporary
SALESDW_HOME, and the tests read the published warehouse.

`make test` spreads the test files over pytest-xdist workers (one per core, `--dist loadfile`):
a module's fixtures stay in one process, and the fixtures every worker needs are built by the
first worker that asks (`built_once`) while the others wait for it."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from ingestion.settings import Home, machine_cores

DEMO_SCALE = 1.0
DEMO_SEED = 42


def documented_kpi_queries() -> list[str]:
    """The select statements of docs/kpi_queries.md, the questions every BI path must answer."""
    import re

    text = (Path(__file__).resolve().parents[1] / "docs" / "kpi_queries.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, re.S)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no test is a broken suite, not a pass (pytest's exit code 5)."""
    if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: the cores the build itself counts (a container's CPU set), not psutil's count
    of the host's cores, which xdist would take if psutil were installed."""
    return machine_cores()


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        _import_great_expectations_in_a_worker()


def _import_great_expectations_in_a_worker() -> None:
    """An xdist worker's `__main__` (execnet's) has no file and no spec, which pyspark's Spark
    Connect module, imported by Great Expectations when pyspark is installed, takes for its own
    doctest run: it calls sys.exit(0) in the middle of a GX suite. GX imported once as from an
    interactive interpreter (`sys.ps1`) meets pyspark's usual missing-dependency ImportError
    instead, which GX expects, and keeps the module it got."""
    sys.ps1 = ">>> "
    try:
        import great_expectations  # noqa: F401
    finally:
        del sys.ps1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files marked `slow` first, the rest after, each in file order: the workers start on the
    long builds, and the many short tests fill in at the end instead of a long build running
    alone after them (xdist hands out whole files in this order with `--no-loadscope-reorder`)."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


def built_once(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str,
               build: Callable[[Path], Any]) -> tuple[Path, Any]:
    """`build(folder)` run once per test run, whichever worker asks first; every other worker
    waits for it and gets the same folder and the JSON of what `build` returned. A build that
    raised leaves no result: the next worker to ask builds again and reports its own error.
    Without xdist (`worker_id` "master") the base is the session's own temporary folder."""
    base = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        base = base.parent  # shared by the workers of this run
    folder, result = base / name, base / f"{name}.json"
    with FileLock(base / f"{name}.lock"):
        if not result.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a worker that failed left
            folder.mkdir(parents=True)
            result.write_text(json.dumps(build(folder)), encoding="utf-8")
    return folder, json.loads(result.read_text(encoding="utf-8"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    """A fresh, empty SALESDW_HOME for one test."""
    root = tmp_path / "home"
    monkeypatch.setenv("SALESDW_HOME", str(root))
    monkeypatch.delenv("SALESDW_LANDING", raising=False)
    return Home(root)


@pytest.fixture(scope="session")
def demo_truth():
    """The demo generator's own records: the independent side of every figure check."""
    from demo import truth

    return truth(scale=DEMO_SCALE, seed=DEMO_SEED)


def _run_nightly_on_the_demo(folder: Path) -> None:
    from demo import generate
    from orchestration.cli import run_job

    home = Home(folder / "home")
    os.environ["SALESDW_HOME"] = str(home.root)
    generate(home.landing, scale=DEMO_SCALE, seed=DEMO_SEED)
    assert run_job("nightly"), "the nightly job failed on the demo data"


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Home:
    """The whole nightly job, run once in process on the demo exports; read only (tests that
    change it take `copied_home`). SALESDW_HOME names it for the session."""
    previous = os.environ.get("SALESDW_HOME")
    try:
        folder, _ = built_once(tmp_path_factory, worker_id, "published", _run_nightly_on_the_demo)
        home = Home(folder / "home")
        os.environ["SALESDW_HOME"] = str(home.root)
        yield home
    finally:
        if previous is None:
            os.environ.pop("SALESDW_HOME", None)
        else:
            os.environ["SALESDW_HOME"] = previous


def home_on_published(published: Home, root: Path) -> Path:
    """A home of its own for dbt commands on the published demo, which other workers read at
    the same time: its raw zone and ledger linked, its build database copied (dbt writes to the
    database it reads); dbt's target and logs go into this home."""
    (root / "build").mkdir(parents=True)
    shutil.copyfile(published.build_db, root / "build" / "sales_build.duckdb")
    for part in ("raw", "ledger"):
        (root / part).symlink_to(published.root / part)
    return root


@pytest.fixture
def copied_home(published: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    """A private copy of the published demo warehouse, to break without harming other tests
    (links copied as links: the published layout is relative links into versions/)."""
    root = tmp_path / "copy"
    shutil.copytree(published.root, root, symlinks=True, ignore=shutil.ignore_patterns("dagster"))
    monkeypatch.setenv("SALESDW_HOME", str(root))
    return Home(root)


def _load_and_build_the_company(folder: Path) -> dict[str, Any]:
    from tests.fixtures.company.landing import company, load_and_build

    result = load_and_build(folder / "home", company())
    return {"output": result.output, "built": result.built}


@pytest.fixture(scope="session")
def company_loaded(tmp_path_factory: pytest.TempPathFactory, worker_id: str):
    """The hand-written second company (tests/fixtures/company) ingested and built once."""
    from tests.fixtures.company.landing import Loaded

    folder, result = built_once(tmp_path_factory, worker_id, "company", _load_and_build_the_company)
    assert result["built"], result["output"]
    return Loaded(Home(folder / "home"), result["output"], result["built"])
