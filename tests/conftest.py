"""Shared fixtures. The end-to-end fixtures run the real pipeline once per session (demo
exports → ingestion → Dagster job with dbt build, checks, publish) into a temporary
SALESDW_HOME, and the tests read the published warehouse."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ingestion.settings import Home

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


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """The whole nightly job, run once in process on the demo exports."""
    from demo import generate
    from orchestration.cli import run_job

    root = tmp_path_factory.mktemp("published") / "home"
    previous = os.environ.get("SALESDW_HOME")
    os.environ["SALESDW_HOME"] = str(root)
    try:
        home = Home(root)
        generate(home.landing, scale=DEMO_SCALE, seed=DEMO_SEED)
        assert run_job("nightly"), "the nightly job failed on the demo data"
        yield home
    finally:
        if previous is None:
            os.environ.pop("SALESDW_HOME", None)
        else:
            os.environ["SALESDW_HOME"] = previous


@pytest.fixture
def copied_home(published: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    """A private copy of the published demo warehouse, to break without harming other tests
    (links copied as links: the published layout is relative links into versions/)."""
    root = tmp_path / "copy"
    shutil.copytree(published.root, root, symlinks=True, ignore=shutil.ignore_patterns("dagster"))
    monkeypatch.setenv("SALESDW_HOME", str(root))
    return Home(root)
