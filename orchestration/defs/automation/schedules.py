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


def build_schedule(job, partitions_def: dg.DailyPartitionsDefinition):
    """02:00 in the center's time zone, for yesterday; skipped, with the reason, when nothing is
    new since the published refresh (no new landing file, model, seed, mapping or setting)."""

    @dg.schedule(
        name="daily_refresh_at_2am",
        cron_schedule="0 2 * * *",
        execution_timezone=partitions_def.timezone,
        job=job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="The daily refresh for yesterday; a skip says why when nothing is new.",
    )
    def daily_refresh_at_2am(context: dg.ScheduleEvaluationContext):
        from orchestration.inputs import nothing_new
        from orchestration.settings import landing_path, warehouse_files

        unchanged = nothing_new(warehouse_files().published, landing_path())
        if unchanged:
            return dg.SkipReason(unchanged)
        # The partition that ended at the day's start: yesterday, in the center's time zone.
        tick = context.scheduled_execution_time.timestamp()
        yesterday = partitions_def.get_partition_key_for_timestamp(tick - 24 * 3600)
        return dg.RunRequest(partition_key=yesterday)

    return daily_refresh_at_2am
