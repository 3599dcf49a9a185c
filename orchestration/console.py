"""What a person sees while `salesdw run / build / demo` works: one progress line per phase
(ingest, checks, dbt models and tests, publish, report) on a terminal, and a summary at the end. The
full log — dbt's ~600 lines included — goes to ``$SALESDW_HOME/logs/runs/<time>.log``;
``--verbose`` prints it as well.

dagster-dbt re-emits every dbt event on standard output; while a run is watched, standard output
is the log file (and the progress line reads the dbt events from it). Dagster's step events reach
the progress line through the ``progress`` logger of the one `Definitions`, which does nothing when
no run is watched (the webserver, the daemon).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, TextIO

from dagster import InitLoggerContext, logger

DBT_RESULT = re.compile(r"^\s*\d+ of \d+ (OK|PASS|WARN|FAIL|ERROR|SKIP|NO-OP)\b(.*)$")
DBT_BUILT = re.compile(r"\b(model|seed|snapshot)\b")
# what each phase counts: dbt builds models and runs their tests interleaved, in DAG order
UNITS = {"ingest": "sources", "checks": "suites"}


@dataclass
class Progress:
    """Counts per phase, redrawn as one line on a terminal."""

    stream: TextIO
    live: bool
    phase: str = "start"
    done: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    warned: dict[str, int] = field(default_factory=dict)

    def step(self, phase: str) -> None:
        if phase != self.phase:
            self._end_line()
            self.phase = phase
            self.draw()

    def count(self, phase: str, status: str) -> None:
        """One more done in ``phase`` (``models`` and ``tests`` are counted within ``dbt``)."""
        self.done[phase] = self.done.get(phase, 0) + 1
        if status in ("FAIL", "ERROR", "failure"):
            self.failed[phase] = self.failed.get(phase, 0) + 1
        if status == "WARN":
            self.warned[phase] = self.warned.get(phase, 0) + 1
        shown = "dbt" if phase in ("models", "tests") else phase
        if shown != self.phase:
            self.step(shown)
        else:
            self.draw()

    def draw(self) -> None:
        if not self.live:
            return
        if self.phase == "dbt":
            parts = [f"{self.done.get('models', 0)} models", f"{self.done.get('tests', 0)} tests"]
        else:
            parts = [" ".join(filter(None, [str(self.done.get(self.phase, 0)), UNITS.get(self.phase), "done"]))]
        counted = ("models", "tests") if self.phase == "dbt" else (self.phase,)
        if warned := sum(self.warned.get(p, 0) for p in counted):
            parts.append(f"{warned} warned")
        if failed := sum(self.failed.get(p, 0) for p in counted):
            parts.append(f"{failed} failed")
        self.stream.write(f"\r{self.phase:8} {', '.join(parts):50}")
        self.stream.flush()

    def _end_line(self) -> None:
        if self.live and self.phase != "start":
            self.stream.write("\n")
            self.stream.flush()

    def close(self) -> None:
        self._end_line()
        self.phase = "start"


class _LogStream(io.TextIOBase):
    """Standard output while a run is watched: every line to the log file (and to the terminal
    with --verbose); dbt's node results also move the progress line."""

    def __init__(self, log: TextIO, progress: Progress, echo: TextIO | None) -> None:
        self._log, self._progress, self._echo = log, progress, echo

    def write(self, text: str) -> int:
        self._log.write(text)
        if self._echo is not None:
            self._echo.write(text)
        for line in text.splitlines():
            match = DBT_RESULT.match(line)
            if match:
                self._progress.count("models" if DBT_BUILT.search(match.group(2)) else "tests", match.group(1))
        return len(text)

    def flush(self) -> None:
        self._log.flush()
        if self._echo is not None:
            self._echo.flush()


_watched: Progress | None = None


def phase_of(step_key: str) -> str:
    """Which phase a step of the nightly job belongs to (dbt's own nodes count as models/tests)."""
    if "kpi_report" in step_key:
        return "report"
    if "sales_duckdb" in step_key:
        return "publish"
    if "dbt" in step_key:
        return "dbt"
    if "check" in step_key or "gx" in step_key:
        return "checks"
    return "ingest"


class _StepHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        if _watched is None or event is None or not event.step_key:
            return
        phase = phase_of(event.step_key)
        if event.event_type_value == "STEP_START":
            _watched.step(phase)
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and phase != "dbt":
            _watched.count(phase, "failure" if event.event_type_value == "STEP_FAILURE" else "success")


@logger(description="Moves the progress line of `salesdw run/build` (no-op when no run is watched).")
def progress_logger(init_context: InitLoggerContext) -> logging.Logger:
    log = logging.getLogger("salesdw.progress")
    log.setLevel(logging.DEBUG)
    log.propagate = False
    if not log.handlers:
        log.addHandler(_StepHandler())
    return log


@contextmanager
def watched_run(logs: Path, verbose: bool) -> Iterator[tuple[Progress, Path]]:
    """Standard output to ``logs/runs/<time>.log`` for the block; a progress line on stderr."""
    global _watched
    folder = logs / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.log"
    progress = Progress(sys.stderr, live=sys.stderr.isatty() and not verbose)
    real_stdout = sys.stdout
    with path.open("a", encoding="utf-8") as log:
        sys.stdout = _LogStream(log, progress, real_stdout if verbose else None)
        _watched = progress
        try:
            yield progress, path
        finally:
            sys.stdout.flush()
            sys.stdout = real_stdout
            _watched = None
            progress.close()


def _dbt_counts(logs: Path, run_id: str) -> dict[str, int]:
    import json

    path = logs / "dbt" / run_id / "run_results.json"
    counts: dict[str, int] = {}
    if path.exists():
        for node in json.loads(path.read_text(encoding="utf-8"))["results"]:
            counts[node["status"]] = counts.get(node["status"], 0) + 1
    return counts


def summary(result, home, started_at: dt.datetime, log_path: Path) -> str:
    """The end of a watched run: rows per public mart, checks, files, and where things are."""
    from dagster import AssetCheckSeverity

    from ingestion.ledger import loads_since
    from orchestration.dbt.inputs import FULL_REFRESH_FILE

    lines = [f"run {result.run_id}: {'success' if result.success else 'FAILED'}"]
    loads = loads_since(home, started_at.isoformat())
    loaded = sum(1 for load in loads if load[4] == "loaded")
    lines.append(f"  files      {loaded} loaded, {len(loads) - loaded} rejected,"
                 f" {sum(load[6] or 0 for load in loads)} rows quarantined")
    dbt = _dbt_counts(home.logs, result.run_id)
    if dbt:
        lines.append(f"  dbt        {dbt.get('success', 0)} built, {dbt.get('pass', 0)} tests passed,"
                     f" {dbt.get('warn', 0)} warned, {dbt.get('fail', 0) + dbt.get('error', 0)} failed,"
                     f" {dbt.get('skipped', 0)} skipped")
    refreshed = home.logs / "dbt" / result.run_id / FULL_REFRESH_FILE
    if refreshed.exists():
        lines.append(f"  dbt        full refresh of the incremental models: {refreshed.read_text(encoding='utf-8')}")
    gx = [c for c in result.get_asset_check_evaluations() if c.asset_check_key.asset_key.path[0] == "raw"]
    if gx:
        warned = sum(1 for c in gx if not c.passed and c.severity == AssetCheckSeverity.WARN)
        failed = sum(1 for c in gx if not c.passed and c.severity != AssetCheckSeverity.WARN)
        lines.append(f"  raw checks {len(gx) - warned - failed} passed, {warned} warned, {failed} failed")
    tables: dict[str, int] = {}
    report = None
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        if materialization.asset_key.path == ["published", "sales_duckdb"]:
            tables = materialization.metadata["tables"].value
        if materialization.asset_key.path == ["published", "kpi_report"]:
            report = materialization.metadata["html"].value
    if result.success and not dbt and not tables:
        from orchestration.publish.warehouse import current_version

        lines.append(f"  dbt        nothing new since the published version {current_version(home)}: build and publish skipped")
    if tables:
        lines.append("  marts      " + _columns([f"{name} {rows:,}" for name, rows in sorted(tables.items())]))
        lines.append(f"  warehouse  {home.published_db}")
    if report:
        lines.append(f"  report     {report}")
    lines.append(f"  log        {log_path}  (dbt artifacts: {home.logs / 'dbt' / result.run_id})")
    return "\n".join(lines)


def _columns(cells: list[str], per_line: int = 3, width: int = 38) -> str:
    rows = [cells[i:i + per_line] for i in range(0, len(cells), per_line)]
    return ("\n" + " " * 13).join("".join(f"{cell:{width}}" for cell in row).rstrip() for row in rows)
