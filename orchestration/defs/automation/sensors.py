"""Start a refresh when new files land (and never twice for the same files)."""

import hashlib
import json

import dagster as dg
import duckdb
from dagster import RunFailureSensorContext, SensorEvaluationContext

from orchestration.inputs import landing_files
from orchestration.publishing import WarehouseFiles, record_status
from orchestration.settings import warehouse_files

SETTLE_SECONDS = 10  # a file still being written is left for the next tick


def loaded_hashes(files: WarehouseFiles) -> set[str] | None:
    """ "source:sha256" of the contents already loaded into the published warehouse (None if it
    cannot be read now). The same content may be loaded as two sources (calls and surveys)."""
    if not files.published.exists():
        return set()
    try:
        with duckdb.connect(str(files.published), read_only=True) as con:
            return {
                row[0]
                for row in con.execute(
                    "select source || ':' || content_sha256 from marts.fct_loaded_files "
                    "where status = 'loaded'"
                ).fetchall()
            }
    except duckdb.Error:
        return None


def pending(fingerprints: dict[str, list], loaded: set[str]) -> dict[str, str]:
    """Files whose content is not loaded yet as their source: {relative path: sha256}."""
    return {
        rel: fp[2] for rel, fp in sorted(fingerprints.items()) if f"{rel.split('/')[0]}:{fp[2]}" not in loaded
    }


def build_landing_sensor(job, partitions_def: dg.DailyPartitionsDefinition):
    @dg.sensor(
        name="new_landing_files",
        job=job,
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts daily_refresh when files whose content is not loaded yet land in LANDING_DIR.",
    )
    def new_landing_files(context: SensorEvaluationContext):
        from orchestration.settings import landing_path

        known = json.loads(context.cursor) if context.cursor else {}
        fingerprints = landing_files(landing_path(), known, settle_seconds=SETTLE_SECONDS)
        context.update_cursor(json.dumps(fingerprints))
        loaded = loaded_hashes(warehouse_files())
        if loaded is None:
            return dg.SkipReason("the published warehouse is being replaced; trying again next tick")
        new = pending(fingerprints, loaded)
        if not new:
            return dg.SkipReason("no new landing files")
        run_key = hashlib.sha256("".join(sorted(new.values())).encode()).hexdigest()[:24]
        return dg.RunRequest(
            run_key=run_key,
            partition_key=partitions_def.get_last_partition_key(),
            tags={"landing_files": ", ".join(list(new)[:20]) + (" …" if len(new) > 20 else "")},
        )

    return new_landing_files


def build_failure_sensor(job):
    @dg.run_failure_sensor(name="record_refresh_failure", monitored_jobs=[job],
                           default_status=dg.DefaultSensorStatus.RUNNING)  # fmt: skip
    def record_refresh_failure(context: RunFailureSensorContext):
        reason = context.failure_event.message or "the refresh failed"
        record_status(warehouse_files(), "failure", run_id=context.dagster_run.run_id, reason=reason)
        from orchestration.reports.run import announce_failure

        announce_failure(warehouse_files(), context.dagster_run.run_id, reason,
                         context.dagster_run.tags.get("dagster/partition"), say=context.log.info)  # fmt: skip

    return record_refresh_failure
