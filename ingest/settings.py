"""One environment variable per setting, shared by every tool (loader, dbt, Dagster, dashboards).

Settings are read when a function asks for them, never at import time, so tests and tools can
point the same code at another warehouse by changing the environment.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = PROJECT_ROOT / "seeds"
MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"

DEFAULTS = {
    "DUCKDB_DATABASE": "data/warehouse.duckdb",
    "LANDING_DIR": "data/landing",
    "CENTER_TIMEZONE": "Asia/Shanghai",
    "CENTER_COUNTRY": "CN",  # whose public holidays and weekend apply (seeds/holiday_calendars.csv)
    # What one refresh may take of the machine (the dashboards share it). DuckDB spills to the
    # temp directory beyond the limit instead of taking 80 % of RAM, its own default.
    "DUCKDB_MEMORY_LIMIT": "4GB",
    "DUCKDB_THREADS": "",  # empty: every core
    "DUCKDB_TEMP_DIR": "",  # empty: DuckDB's own, <warehouse>.tmp beside the file
    # Published on purpose so the demo is reproducible. NOT for production: set your own secret.
    "CALLER_KEY_SECRET": "demo-secret-not-for-production",
}


class SettingsError(ValueError):
    """A setting has a value the tools cannot use."""


def _get(name: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or DEFAULTS[name]


def warehouse_path() -> Path:
    return Path(_get("DUCKDB_DATABASE")).expanduser()


def landing_dir() -> Path:
    return Path(_get("LANDING_DIR")).expanduser()


def center_timezone() -> str:
    name = _get("CENTER_TIMEZONE")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(
            f"CENTER_TIMEZONE={name!r} is not a known time zone (use e.g. Asia/Shanghai)"
        ) from exc
    return name


def duckdb_config() -> dict[str, str]:
    """DuckDB settings of every connection that writes the warehouse (loader, dbt, publish)."""
    import re

    limit = _get("DUCKDB_MEMORY_LIMIT")
    if not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B|%)", limit, flags=re.IGNORECASE):
        raise SettingsError(f"DUCKDB_MEMORY_LIMIT={limit!r} is not a size (use e.g. 4GB or 500MB)")
    config = {"memory_limit": limit}
    if _get("DUCKDB_THREADS"):
        if not _get("DUCKDB_THREADS").isdigit() or int(_get("DUCKDB_THREADS")) < 1:
            raise SettingsError(
                f"DUCKDB_THREADS={_get('DUCKDB_THREADS')!r} is not a number of threads (e.g. 2)"
            )
        config["threads"] = _get("DUCKDB_THREADS")
    if _get("DUCKDB_TEMP_DIR"):
        config["temp_directory"] = _get("DUCKDB_TEMP_DIR")
    return config


def center_country() -> str:
    return _get("CENTER_COUNTRY").upper()


def holiday_calendar_covers(country: str) -> tuple[int, int] | None:
    """The years the holiday seed covers for a country, or None if it has no calendar for it."""
    import csv

    with (SEEDS_DIR / "holiday_calendars.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["country_code"] == country:
                return int(row["first_year"]), int(row["last_year"])
    return None


def caller_key_secret() -> bytes:
    return _get("CALLER_KEY_SECRET").encode("utf-8")


def using_demo_secret() -> bool:
    return _get("CALLER_KEY_SECRET") == DEFAULTS["CALLER_KEY_SECRET"]


def center_yesterday() -> dt.date:
    """Yesterday in the center's time zone: the day the refresh builds and a manager reviews."""
    return dt.datetime.now(ZoneInfo(center_timezone())).date() - dt.timedelta(days=1)
