"""`salesdw-dbt`: the dbt that Dagster starts, made to die with the process that started it.

dagster-dbt runs ``dbt build`` as a child process and stops it on an interrupt, but a SIGKILL
of `salesdw run` (the OOM killer, ``kill -9``, a container stop) gives it no chance: dbt went
on for tens of seconds, writing to and locking the build database the next run needs. On Linux
the kernel can send the child a signal when its parent dies (``PR_SET_PDEATHSIG``); this
wrapper asks for SIGKILL, then becomes dbt (``exec``: same pid, the setting survives). Elsewhere
it only execs dbt.

dagster-dbt also asks the executable for its version before every invocation
(``salesdw-dbt --version``). dbt's own answer imports dbt and asks PyPI for the latest release:
5 s of every night's start-up, and a network call the night has no use for. The wrapper
answers from the installed dbt-core's metadata instead, in dbt's format.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from importlib import metadata
from pathlib import Path

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel for SIGKILL when the parent dies; if it died already, die now."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # orphaned before the request took effect
        os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(f"Core:\n  - installed: {metadata.version('dbt-core')}")
        return
    die_with_parent()
    dbt = str(Path(sys.executable).with_name("dbt"))
    os.execv(dbt, [dbt, *sys.argv[1:]])


if __name__ == "__main__":
    main()
