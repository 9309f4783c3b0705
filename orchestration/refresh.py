"""Run the daily refresh once, headless: `python -m orchestration.refresh [--partition YYYY-MM-DD]`.

The same Dagster job as the schedule and the sensor, executed in this process against the
instance in DAGSTER_HOME (so the run shows in the UI). Records the outcome beside the warehouse
for the dashboards, and says in plain words what happened.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ingest import settings
from orchestration.inputs import nothing_new
from orchestration.publishing import RefreshBusy, record_status, release_writer_lock
from orchestration.settings import warehouse_files

if TYPE_CHECKING:  # Dagster takes seconds to import: only a refresh that has work to do pays for it
    import dagster as dg


def _failure_reason(result: dg.ExecuteInProcessResult) -> str:
    import dagster as dg

    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            message = " ".join(line.strip() for line in event.step_failure_data.error.message.splitlines())
            message = re.sub(r"^[\w.]+(Error|Exception): ", "", message)
            return f"{event.step_key}: {message[:600]}"
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data.asset_check_evaluation
            if not data.passed and data.severity == dg.AssetCheckSeverity.ERROR:
                return f"blocking check {data.check_name} failed"
    return "the refresh did not complete"


def run_refresh(
    partition: str | None = None, instance: dg.DagsterInstance | None = None, force: bool = False
) -> bool:
    files = warehouse_files()
    settings.duckdb_config()  # a wrong limit stops here, in words, not inside the run
    settings.require_secret(settings.landing_dir())
    if not force and partition is None:
        started = time.perf_counter()
        unchanged = nothing_new(files.published, settings.landing_dir())
        if unchanged:
            print(f"Refresh not needed ({time.perf_counter() - started:.2f} s): {unchanged}")
            return True
    import dagster as dg

    from orchestration.definitions import build_definitions

    defs = build_definitions()
    job = defs.resolve_job_def("daily_refresh")
    if partition is None:
        partition = settings.center_yesterday().isoformat()
    started = time.perf_counter()
    own_instance = instance is None
    if instance is None:
        # DAGSTER_HOME (set by the Makefile) keeps the run history for the UI.
        home = os.environ.get("DAGSTER_HOME")
        if home:  # as `make dagster-home` does: the folder and the project's instance settings
            Path(home).mkdir(parents=True, exist_ok=True)
            if not (Path(home) / "dagster.yaml").exists():
                shutil.copyfile(Path(__file__).with_name("dagster.yaml"), Path(home) / "dagster.yaml")
        instance = dg.DagsterInstance.get() if home else dg.DagsterInstance.ephemeral()
    try:
        result = job.execute_in_process(
            instance=instance,
            partition_key=partition,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    finally:
        release_writer_lock(files)
        if own_instance:
            instance.dispose()
    seconds = time.perf_counter() - started
    if result.success:
        print(f"Refresh for {partition} done in {seconds:.0f} s: {files.published} published.")
        return True
    reason = _failure_reason(result)
    record_status(files, "failure", run_id=result.run_id, reason=reason, partition=partition)
    from orchestration.reports.run import announce_failure

    announce_failure(files, result.run_id, reason, partition)
    print(
        f"Refresh for {partition} FAILED after {seconds:.0f} s: {reason}\n"
        f"The published warehouse {files.published} is unchanged (yesterday's numbers stay).",
        file=sys.stderr,
    )
    return False


def partition_problem(partition: str | None) -> str | None:
    """Why a --partition cannot be refreshed, in words a user can act on (None when it can)."""
    if partition is None:
        return None
    from orchestration.defs.partitions import FIRST_DAY

    try:
        day = dt.date.fromisoformat(partition)
    except ValueError:
        return f"--partition {partition!r} is not a date (write it as YYYY-MM-DD, e.g. 1999-02-28)"
    if day < dt.date.fromisoformat(FIRST_DAY):
        return f"--partition {partition}: days before {FIRST_DAY} cannot be refreshed (the first partition)"
    if day > settings.center_yesterday():
        return (
            f"--partition {partition} is not over yet in the center's time zone "
            f"({settings.center_timezone()}); the newest day to refresh is {settings.center_yesterday()}"
        )
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.refresh", description=__doc__)
    parser.add_argument("--partition", help="local date to refresh (default: yesterday)")
    parser.add_argument("--force", action="store_true", help="run even when nothing is new")
    args = parser.parse_args(argv)
    problem = partition_problem(args.partition)
    if problem:
        print(f"Refresh not started: {problem}", file=sys.stderr)
        return 2
    try:
        ok = run_refresh(args.partition, force=args.force)
    except RefreshBusy as exc:
        print(f"Refresh not started: {exc}", file=sys.stderr)
        return 2
    except settings.SettingsError as exc:
        print(f"Refresh not started: {exc}", file=sys.stderr)
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
