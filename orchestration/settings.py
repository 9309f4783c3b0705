"""Settings of the orchestration, read from the shared environment variables when asked."""

from __future__ import annotations

from pathlib import Path

from ingest import settings
from orchestration.publishing import WarehouseFiles


def warehouse_files() -> WarehouseFiles:
    return WarehouseFiles(settings.warehouse_path().resolve())


def landing_path() -> Path:
    return settings.landing_dir().resolve()
