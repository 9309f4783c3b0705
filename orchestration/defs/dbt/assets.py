"""dbt models, seeds and tests as Dagster assets and asset checks (dagster-dbt).

All dbt assets share the refresh's daily partitions: the incremental models rebuild the trailing
window on a daily run, and a partition range (a backfill from the UI or the CLI) rebuilds from
the range's start minus the FCR window. The other models are full tables, rebuilt every run.
"""

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster import AssetExecutionContext
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from ingest.faults import crash_point
from ingest.warehouse import open_for_writing
from orchestration.defs.warehouse.resources import WarehouseResource

FCR_WINDOW_DAYS = 7  # keep in step with var fcr_window_days (dbt_project.yml)


class CallCenterTranslator(DagsterDbtTranslator):
    """Asset keys are <schema>/<name> (raw/calls, marts/rpt_kpi_daily), groups are the schemas."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema") or "dbt"


@contextmanager
def dbt_writes_to(path):
    """dbt's profile reads DBT_DUCKDB_PATH first: point it at the store while dbt starts."""
    before = os.environ.get("DBT_DUCKDB_PATH")
    os.environ["DBT_DUCKDB_PATH"] = str(path)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("DBT_DUCKDB_PATH", None)
        else:
            os.environ["DBT_DUCKDB_PATH"] = before


def prune_invocation_folders(target: Path, keep: int = 3) -> None:
    """dagster-dbt leaves a target folder per invocation (several MB each): keep the newest few,
    and any touched in the last hour (another project's or test's dbt may still be writing it)."""

    def touched(folder: Path) -> float:
        try:
            return folder.stat().st_mtime
        except FileNotFoundError:  # pruned by another process meanwhile
            return 0.0

    folders = sorted(target.glob("dbt_models-*"), key=touched, reverse=True)
    for folder in folders[keep:]:
        if touched(folder) < time.time() - 3600:
            shutil.rmtree(folder, ignore_errors=True)


def keep_parse_state(invocation_target: Path) -> None:
    """dagster-dbt gives each build its own target folder, seeded with the project's
    partial_parse.msgpack, and never copies the new one back: that file was left by `dbt parse`
    with another profile (the store's path) and vars, so every refresh parsed the whole project.
    The build's own file, put back, lets the next daily build parse only what changed."""
    built = invocation_target / "partial_parse.msgpack"
    if built.exists():
        kept = invocation_target.parent / "partial_parse.msgpack"
        shutil.copyfile(built, kept.with_suffix(".tmp"))
        os.replace(kept.with_suffix(".tmp"), kept)


def reprocess_vars(range_start: str | None, newest_built: dt.date | None = None) -> dict:
    """dbt vars for a partition range: rebuild from the range start minus the FCR window.

    None for a daily run: a range that starts on the newest call day in the store
    (`newest_built`) or the day before it (calls queued after midnight are dated today). The
    models' trailing window then starts no later than the range start less the FCR window, and
    calls from new files widen it by themselves (macros/incremental.sql, late data). The vars then
    stay the same from day to day, and dbt parses only what changed instead of the whole project.
    """
    if range_start is None:
        return {}
    start = dt.date.fromisoformat(range_start[:10])
    if newest_built is not None and start >= newest_built - dt.timedelta(days=1):
        return {}
    return {"reprocess_from": (start - dt.timedelta(days=FCR_WINDOW_DAYS + 1)).isoformat()}


def newest_built_day(store: Path) -> dt.date | None:
    """The newest call day in the store (None: not built yet, or not readable now). Surveys trail
    their calls, so every per-day mart's trailing window starts no later than from this day."""
    try:  # as the loader opened it in this process: DuckDB refuses another configuration
        with open_for_writing(store) as con:
            (newest,) = con.execute("select max(call_date) from marts.fct_calls").fetchall()[0]
    except duckdb.Error:
        return None
    return newest


def build_dbt_assets(project: DbtProject, partitions_def: dg.PartitionsDefinition):
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        partitions_def=partitions_def,
        # Tests of the whole history (raw and staging layers) run in `make check` and `make test`,
        # not in every daily refresh; dbt_project.yml tags them.
        exclude="tag:full_history",
        backfill_policy=dg.BackfillPolicy.single_run(),
        dagster_dbt_translator=CallCenterTranslator(
            settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
        ),
    )
    def dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
        start = context.partition_key_range.start if context.has_partition_key else None
        # The run's tests read the days it rebuilt (macros/incremental.sql); `make check` reads all.
        newest = newest_built_day(warehouse.files.store) if start is not None else None
        args = ["build", "--vars", json.dumps({"test_scope": "rebuilt", **reprocess_vars(start, newest)}),
                # dbt's unit tests check the models' logic on fixed inputs: they run in `make test`
                # and `make check`, as dbt recommends, not against production every day.
                "--exclude-resource-type", "unit_test"]  # fmt: skip
        with dbt_writes_to(warehouse.files.store):
            invocation = dbt.cli(args, context=context)
        for i, event in enumerate(invocation.stream()):
            yield event
            if i == 20:
                crash_point("dbt.mid_build")
        keep_parse_state(invocation.target_path)
        prune_invocation_folders(invocation.target_path.parent)

    return dbt_models
