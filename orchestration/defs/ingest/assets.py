"""The ingest asset: whatever is new in LANDING_DIR, loaded into the raw schema of the store."""

import dagster as dg
from dagster import AssetExecutionContext

from ingest import settings
from ingest.loader import LOAD_ORDER, load_landing
from ingest.warehouse import LOADED_TABLES, open_for_writing
from orchestration import checks
from orchestration import inputs as refresh_inputs
from orchestration.defs.warehouse.resources import WarehouseResource
from orchestration.publishing import open_store

RAW_KEYS = [dg.AssetKey(["raw", table]) for table in LOADED_TABLES]


def build_ingest_assets(partitions_def: dg.PartitionsDefinition) -> list:
    @dg.multi_asset(
        name="load_landing_files",
        backfill_policy=dg.BackfillPolicy.single_run(),
        specs=[dg.AssetSpec(key, group_name="ingest", partitions_def=partitions_def) for key in RAW_KEYS],
        check_specs=[
            dg.AssetCheckSpec(
                "every_landed_row_accounted_for",
                asset=dg.AssetKey(["raw", "loaded_files"]),
                blocking=True,
                description="rows read = rows in raw + rows rejected, per file",
            ),
        ],
        description="Load every new file of LANDING_DIR (calls, tickets, surveys, qa, agents) into the raw "
        "schema of the refresh's store; bad rows go to raw.rejected_rows.",
    )
    def load_landing_files(context: AssetExecutionContext, warehouse: WarehouseResource):
        # What this refresh is built from, taken before loading (a file landing during the load
        # is then new to the next refresh, never missed).
        before = refresh_inputs.recorded(warehouse.files.published) or {}
        seen = refresh_inputs.current(warehouse.landing, before.get("files"))
        store = open_store(warehouse.files, say=context.log.info)
        problem = settings.secret_problem(warehouse.landing) if warehouse.caller_key_secret is None else None
        if problem:  # runs started by the schedule or the sensor: stop before anything is keyed
            raise dg.Failure(description=problem)
        if warehouse.secret == settings.DEFAULTS["CALLER_KEY_SECRET"].encode():
            context.log.warning(
                "Caller keys use the published demo secret: set CALLER_KEY_SECRET in production."
            )
        country = settings.center_country()
        if settings.holiday_calendar_covers(country) is None:
            context.log.warning(
                f"No holiday calendar for CENTER_COUNTRY={country}: holidays and workdays will show as "
                f"unknown. Add it with `make holidays COUNTRIES=CN,{country}` (docs/metrics.md)."
            )
        report = load_landing(
            warehouse.landing,
            store,
            tz=warehouse.timezone,
            secret=warehouse.secret,
            progress=context.log.info,
        )
        totals = report.totals()
        per_source = {
            source: sum(f.rows_accepted for f in report.files if f.source == source and f.status == "loaded")
            for source in LOAD_ORDER
        }
        failed = {f.path: f.message for f in report.of("failed")}
        for key in RAW_KEYS:
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={
                    "files_loaded": totals["files_loaded"],
                    "files_already_loaded": totals["files_skipped"],
                    "files_failed": totals["files_failed"],
                    "rows_read": totals["rows_read"],
                    "rows_accepted": totals["rows_accepted"],
                    "rows_rejected": totals["rows_rejected"],
                    "rows_accepted_by_source": dg.MetadataValue.json(per_source),
                    "failed_files": dg.MetadataValue.json(failed),
                    "seconds": round(report.seconds, 1),
                },
            )

        with open_for_writing(store) as con:
            # The files loaded since the last check that passed (`make check` and the reliability
            # suite reconcile every file).
            problems = checks.reconciliation_problems(con, checks.reconciled_through(con))
            if not problems:
                checks.mark_reconciled(con)
            refresh_inputs.record(con, seen)
        yield dg.AssetCheckResult(
            check_name="every_landed_row_accounted_for",
            asset_key=dg.AssetKey(["raw", "loaded_files"]),
            passed=not problems,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"problems": dg.MetadataValue.json(problems[:50]), "rows_read": totals["rows_read"]},
        )

    return [load_landing_files]
