"""The warehouse as a Dagster resource: where it is published and where the refresh builds."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from orchestration.publishing import WarehouseFiles


class WarehouseResource(dg.ConfigurableResource):
    """DUCKDB_DATABASE (published, read by everyone) and its working copy (the refresh's)."""

    database: str
    landing_dir: str
    center_timezone: str
    caller_key_secret: str

    @property
    def files(self) -> WarehouseFiles:
        return WarehouseFiles(Path(self.database).expanduser().resolve())


def warehouse_resource() -> WarehouseResource:
    return WarehouseResource(
        database=dg.EnvVar("DUCKDB_DATABASE"),
        landing_dir=dg.EnvVar("LANDING_DIR"),
        center_timezone=dg.EnvVar("CENTER_TIMEZONE"),
        caller_key_secret=dg.EnvVar("CALLER_KEY_SECRET"),
    )
