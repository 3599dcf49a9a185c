"""Progress of a long load, for a caller that shows it (the CLI's progress bar, Dagster logs).

The engine reports steps and, inside the long ones, a fraction: rows of a sheet read so far,
or DuckDB's own progress through the CSV scan, polled while the query runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Progress:
    path: Path
    step: str  # reading | typing (and writing, in the same scan) | done
    fraction: float | None = None  # 0…1 within the step, when known


ProgressCallback = Callable[[Progress], None]


def report(callback: ProgressCallback | None, path: Path, step: str, fraction: float | None = None) -> None:
    if callback is not None:
        callback(Progress(path, step, fraction))


@contextmanager
def watch_query(con: duckdb.DuckDBPyConnection, callback: ProgressCallback | None, path: Path, step: str) -> Iterator[None]:
    """Report DuckDB's progress through the statements run inside the block."""
    if callback is None:
        yield
        return
    stop = threading.Event()

    def poll() -> None:
        last = 0.0
        while not stop.wait(POLL_SECONDS):
            fraction = min(con.query_progress(), 100.0) / 100  # negative: no query running
            if fraction > last:
                last = fraction
                callback(Progress(path, step, fraction))

    watcher = threading.Thread(target=poll, name=f"progress {path.name}", daemon=True)
    callback(Progress(path, step, 0.0))
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
