"""`salesdw-dbt`: the dbt that Dagster starts, made to die with the process that started it.

dagster-dbt runs ``dbt build`` as a child process and stops it on an interrupt, but a SIGKILL
of `salesdw run` (the OOM killer, ``kill -9``, a container stop) gives it no chance: dbt went
on for tens of seconds, writing to and locking the build database the next run needs. On Linux
the kernel can send the child a signal when its parent dies (``PR_SET_PDEATHSIG``); this
wrapper asks for SIGKILL, then becomes dbt (``exec``: same pid, the setting survives). Elsewhere
it only execs dbt.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
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
    die_with_parent()
    dbt = str(Path(sys.executable).with_name("dbt"))
    os.execv(dbt, [dbt, *sys.argv[1:]])


if __name__ == "__main__":
    main()
