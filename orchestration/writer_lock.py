"""One writer per ``SALESDW_HOME``: `ingest`, `build`, `run` and `rollback` hold an exclusive
lock on ``$SALESDW_HOME/writer.lock`` for as long as they write.

Two nightly runs at once would load the same files twice into the ledger and the raw zone and
then collide on DuckDB's lock of the build database. The lock is ``flock``: the kernel releases
it when its process dies however it dies (SIGKILL included), so a stale lock is taken over with
no clean-up; the file only names the holder for the message of the one refused.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager

from ingestion.settings import Home

LOCK_NAME = "writer.lock"


class WriterBusy(Exception):
    """Another process writes this home; nothing was done."""


@contextmanager
def writer_lock(home: Home, command: str) -> Iterator[None]:
    """Hold the home's writer lock, or raise :class:`WriterBusy` at once naming its holder."""
    home.root.mkdir(parents=True, exist_ok=True)
    path = home.root / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by child processes
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        raise WriterBusy(
            f"{home.root} is being written by salesdw {holder.get('command', '?')} (pid {holder.get('pid', '?')},"
            f" started {holder.get('started_at', '?')}); nothing was done — try again when it has finished"
        ) from None
    try:
        entry = {"pid": os.getpid(), "command": command,
                 "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(entry).encode(), 0)
        yield
    finally:
        os.ftruncate(fd, 0)
        os.close(fd)  # releases the lock


def _holder(fd: int) -> dict:
    try:
        return json.loads(os.pread(fd, 4096, 0) or b"{}")
    except ValueError:
        return {}


def writer_holder(home: Home) -> dict | None:
    """Who holds the lock now (pid, command, start), or None: a shared lock is refused only
    while a writer holds the exclusive one."""
    path = home.root / LOCK_NAME
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        return None
    except BlockingIOError:
        return _holder(fd)
    finally:
        os.close(fd)
