"""Fault injection for the reliability scenarios (tests/reliability.py, `make reliability`).

`crash_point("name")` is a no-op unless the environment variable CALLCENTER_CRASH_AT names that
point; then it SIGKILLs this process's group (the refresh and the dbt process it started), as a
power cut or the kernel's OOM killer would: no cleanup, no `finally`. Points:

    load.before_commit       a file's rows are written, its transaction not yet committed
    load.between_files       one file committed, the next not started
    dbt.mid_build            dbt has built some models of the store, not all
    publish.before_replace   the next published file is complete, not yet renamed over the published one

Never set it outside tests: it kills the whole process group.
"""

from __future__ import annotations

import os
import signal

ENV = "CALLCENTER_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(ENV) != name:
        return
    try:
        os.killpg(os.getpgrp(), signal.SIGKILL)
    finally:
        os.kill(os.getpid(), signal.SIGKILL)
