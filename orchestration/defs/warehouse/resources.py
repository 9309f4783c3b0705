"""The warehouse as a Dagster resource: where it is published and where the refresh builds."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from ingest import settings
from orchestration.publishing import WarehouseFiles


class WarehouseResource(dg.ConfigurableResource):
    """The shared settings (DUCKDB_DATABASE, LANDING_DIR, CENTER_TIMEZONE, CALLER_KEY_SECRET), read
    when a run uses them, with the same defaults as the loader and dbt. Fields override them
    (tests, or a second center in the same Dagster instance)."""

    database: str | None = None
    landing_dir: str | None = None
    center_timezone: str | None = None
    caller_key_secret: str | None = None

    @property
    def files(self) -> WarehouseFiles:
        path = Path(self.database).expanduser() if self.database else settings.warehouse_path()
        return WarehouseFiles(path.resolve())

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir).expanduser() if self.landing_dir else settings.landing_dir()

    @property
    def timezone(self) -> str:
        return self.center_timezone or settings.center_timezone()

    @property
    def secret(self) -> bytes:
        return (
            self.caller_key_secret.strip().encode("utf-8")
            if self.caller_key_secret and self.caller_key_secret.strip()
            else settings.caller_key_secret()
        )


def warehouse_resource() -> WarehouseResource:
    """The secret comes in as an `EnvVar`: Dagster resolves it when a run starts and shows the
    variable's name, never its value, in the launchpad, the run's config and its logs. Unset, the
    settings' rules apply (the demo center's published secret, refused for any other center)."""
    if os.environ.get("CALLER_KEY_SECRET", "").strip():
        return WarehouseResource(caller_key_secret=dg.EnvVar("CALLER_KEY_SECRET"))
    return WarehouseResource()
