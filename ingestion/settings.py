"""Where the pipeline writes, read from the environment so that every tool (CLI, Dagster, dbt,
tests) agrees on one `SALESDW_HOME` without passing paths around."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEZONE = "Asia/Shanghai"
# Zoho and Salesforce exports of a fully customised module stay under a few hundred columns; a
# file far wider is not an export, and typing it would exhaust DuckDB's memory.
DEFAULT_MAX_COLUMNS = 1000
DEFAULT_MAX_CELL_CHARS = 100_000
DEFAULT_MAX_ROWS = 50_000_000


@dataclass(frozen=True)
class Home:
    """The folder layout of one warehouse (see docs/raw_zone.md)."""

    root: Path

    @classmethod
    def from_env(cls) -> "Home":
        return cls(Path(os.environ.get("SALESDW_HOME", "warehouse")).resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def ledger(self) -> Path:
        return self.root / "ledger"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def build_db(self) -> Path:
        return self.root / "build" / "sales_build.duckdb"

    @property
    def published_db(self) -> Path:
        return self.root / "sales.duckdb"

    @property
    def export(self) -> Path:
        return self.root / "export" / "marts"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"


def source_timezone() -> str:
    """Time zone that naive CRM date-times are in, and that offset-aware ones are converted to."""
    return os.environ.get("SALESDW_TIMEZONE", DEFAULT_TIMEZONE)


def max_columns() -> int:
    """Columns a file may have (``SALESDW_MAX_COLUMNS``); a wider file is rejected before it is typed."""
    return int(os.environ.get("SALESDW_MAX_COLUMNS", DEFAULT_MAX_COLUMNS))


def max_cell_chars() -> int:
    """Characters a text cell may hold (``SALESDW_MAX_CELL_CHARS``); a longer one quarantines its row."""
    return int(os.environ.get("SALESDW_MAX_CELL_CHARS", DEFAULT_MAX_CELL_CHARS))


def max_rows() -> int:
    """Rows a file may have (``SALESDW_MAX_ROWS``); a longer file is rejected whole."""
    return int(os.environ.get("SALESDW_MAX_ROWS", DEFAULT_MAX_ROWS))


# The build database's budget: the nightly build must stay within 4 GiB on the reference
# machine; DuckDB's memory_limit bounds its buffer pool (joins, sorts and aggregates spill to
# disk past it), and the process's own footprint comes on top.
MAX_BUILD_MEMORY_BYTES = 3 * 2**30


def machine_cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def machine_memory_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def build_engine_env() -> dict[str, str]:
    """Settings of the DuckDB that dbt builds in, from the machine unless given
    (``SALESDW_DUCKDB_THREADS``, ``SALESDW_DUCKDB_MEMORY_LIMIT``, ``SALESDW_DBT_THREADS``): threads =
    cores; memory = the smaller of 3 GiB and half the machine's; one model at a time, each with
    all the threads and all the memory. Past the memory, DuckDB spills beside the build database.

    One model at a time because the models share the one memory_limit: at 10M order lines two
    window-heavy models side by side spilled each other's work to disk (the build's models took
    1,308 s of work against 537 s one at a time) and ran out of it; on the demo company it costs
    nothing (49 s against 51 s)."""
    memory_mib = min(MAX_BUILD_MEMORY_BYTES, machine_memory_bytes() // 2) // 2**20
    return {
        "SALESDW_DUCKDB_THREADS": os.environ.get("SALESDW_DUCKDB_THREADS", str(machine_cores())),
        "SALESDW_DUCKDB_MEMORY_LIMIT": os.environ.get("SALESDW_DUCKDB_MEMORY_LIMIT", f"{memory_mib}MiB"),
        "SALESDW_DBT_THREADS": os.environ.get("SALESDW_DBT_THREADS", "1"),
    }


def engine_config() -> dict[str, str]:
    """The same budget as DuckDB configuration, for a connection the pipeline opens itself (the
    publish copies every mart: DuckDB's own default is 80 % of the machine's memory)."""
    env = build_engine_env()
    return {"memory_limit": env["SALESDW_DUCKDB_MEMORY_LIMIT"], "threads": env["SALESDW_DUCKDB_THREADS"]}


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Environment variables set for the block, as they were after it: dbt run in process and
    the Dagster resources read their settings from the environment, and a setting for one run
    (a forced build, a landing folder) must not carry over to the next run of the process."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
