"""Where the pipeline writes, read from the environment so that every tool (CLI, Dagster, dbt,
tests) agrees on one `SALESDW_HOME` without passing paths around."""

from __future__ import annotations

import os
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
