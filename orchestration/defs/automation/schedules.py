"""The daily refresh job and its 02:00 schedule (center time)."""

from __future__ import annotations

import dagster as dg


def build_job(partitions_def: dg.PartitionsDefinition):
    # Every asset: seeds are not downstream of the raw tables, and a first run needs them.
    return dg.define_asset_job(
        "daily_refresh",
        selection=dg.AssetSelection.all(),
        partitions_def=partitions_def,
        executor_def=dg.in_process_executor,
        description="Load new landing files, build and test the metrics, publish the warehouse.",
    )


def build_schedule(job):
    # Partitions are in the center's time zone, so 02:00 is 02:00 there; the run is for yesterday.
    return dg.build_schedule_from_partitioned_job(
        job, hour_of_day=2, minute_of_hour=0, name="daily_refresh_at_2am",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )  # fmt: skip
