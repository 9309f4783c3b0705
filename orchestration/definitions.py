"""Dagster entry point: `dagster dev -m orchestration.definitions`.

Builds the definitions of each concern and applies the cross-cutting policy in one place: one
daily partitioning in the center's time zone, the in-process executor (one process, dbt started
once per run), and the resources shared with the loader and dbt through the same environment
variables.
"""

from __future__ import annotations

import dagster as dg

from ingest import settings
from orchestration.defs.automation.schedules import build_job, build_schedule
from orchestration.defs.automation.sensors import build_failure_sensor, build_landing_sensor
from orchestration.defs.dbt.assets import build_dbt_assets
from orchestration.defs.dbt.resources import dbt_project, dbt_resource
from orchestration.defs.ingest.assets import build_ingest_assets
from orchestration.defs.partitions import daily_partitions
from orchestration.defs.publish.assets import build_publish_assets
from orchestration.defs.warehouse.resources import warehouse_resource


def build_definitions() -> dg.Definitions:
    partitions = daily_partitions(settings.center_timezone())
    project = dbt_project()
    dbt_models = build_dbt_assets(project, partitions)
    job = build_job(partitions)
    return dg.Definitions(
        assets=[*build_ingest_assets(partitions), dbt_models, *build_publish_assets(dbt_models, partitions)],
        jobs=[job],
        schedules=[build_schedule(job, partitions)],
        sensors=[build_landing_sensor(job, partitions), build_failure_sensor(job)],
        resources={"warehouse": warehouse_resource(), "dbt": dbt_resource(project)},
        executor=dg.in_process_executor,
    )


defs = build_definitions()
