"""Publishing: after every blocking check has passed, the marts of the store are published by
bringing a spare copy of the published file up to date and swapping it in with one atomic rename
(orchestration/publishing.py). Freshness and volume are checked on the result (warnings)."""

import datetime as dt

import dagster as dg
from dagster import AssetExecutionContext

from ingest import settings
from ingest.settings import reports_enabled
from ingest.warehouse import open_for_writing
from orchestration import checks
from orchestration.defs.warehouse.resources import WarehouseResource
from orchestration.publishing import publish, record_status, release_writer_lock

PUBLISHED = dg.AssetKey(["published_warehouse"])


def send_reports(files, day: dt.date, log) -> None:
    """The managers' report for the published day (and the week or month it completes), written
    and sent. Published is published: a report that cannot be made is logged, not raised."""
    if not reports_enabled():
        return
    from orchestration.reports.content import periods_ending, report_day
    from orchestration.reports.run import report_and_send

    try:
        reported = report_day(files.published, day)
        if reported != day:
            log.info(f"No call on {day}: the report is for {reported}, the newest day with calls.")
        report_and_send(files, periods_ending(reported), say=log.info)
    except Exception as error:
        log.warning(f"The report for {day} could not be made: {type(error).__name__}: {error}")
        record_status(files, "report_failure", partition=str(day), reason=f"{type(error).__name__}: {error}")


def _partition_day(context) -> dt.date:
    key = context.partition_key_range.end if context.has_partition_key else None
    return dt.date.fromisoformat(key[:10]) if key else settings.center_yesterday()


def build_publish_assets(dbt_models, partitions_def: dg.PartitionsDefinition) -> list:
    @dg.asset(
        key=PUBLISHED,
        deps=[dbt_models],
        group_name="publish",
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run(),
        description="DUCKDB_DATABASE as readers see it: the marts of the store, published by atomic "
        "rename once loading, dbt build and every blocking check succeeded.",
        check_specs=[
            dg.AssetCheckSpec(
                "yesterdays_calls_present",
                asset=PUBLISHED,
                description="the partition day's calls are in the warehouse",
            ),
            dg.AssetCheckSpec(
                "offered_calls_in_usual_range",
                asset=PUBLISHED,
                description="the day's offered calls are within 50-200 % of the same weekday's median",
            ),
        ],
    )
    def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource):
        files = warehouse.files
        day = _partition_day(context)
        with open_for_writing(files.store) as con:
            stale = checks.freshness_problems(con, day, warehouse.timezone)
            unusual = checks.volume_problems(con, day)
            (newest,) = con.execute("select max(started_at) from raw.calls").fetchall()[0]
            con.execute("create schema if not exists meta")
            con.execute(
                "create or replace table meta.last_refresh as "
                "select ?::varchar as run_id, current_timestamp::timestamp as refreshed_at, "
                "?::timestamp as newest_call_started_at",
                [context.run.run_id, newest],
            )
        report = publish(files)
        release_writer_lock(files)
        record_status(files, "success", run_id=context.run.run_id, partition=str(day),
                      newest_call_started_at=str(newest) if newest else None,
                      published=report.describe())  # fmt: skip
        context.log.info(f"Published {files.published}: {report.describe()}")
        send_reports(files, day, context.log)
        yield dg.MaterializeResult(
            metadata={
                "path": str(files.published),
                "newest_call_started_at_utc": str(newest),
                "marts_copied_whole": len(report.copied_whole),
                "marts_days_replaced": dg.MetadataValue.json(report.days_replaced),
            }
        )
        for check_name, problems in (
            ("yesterdays_calls_present", stale),
            ("offered_calls_in_usual_range", unusual),
        ):
            yield dg.AssetCheckResult(
                check_name=check_name,
                passed=not problems,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"problems": dg.MetadataValue.json(problems)},
            )

    return [published_warehouse]
