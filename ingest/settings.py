"""One environment variable per setting, shared by every tool (loader, dbt, Dagster, dashboards).

Settings are read when a function asks for them, never at import time, so tests and tools can
point the same code at another warehouse by changing the environment.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
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
    # The largest landed file the loader reads (and an XLSX workbook's unpacked size), in MB: a
    # bigger one is rejected with why, not read into memory until the machine kills the load.
    "LANDING_MAX_FILE_MB": "2048",
    # Published on purpose so the demo is reproducible. NOT for production: set your own secret.
    "CALLER_KEY_SECRET": "demo-secret-not-for-production",
    # The managers' report after each publish (orchestration/reports): on, or off to skip it.
    "REPORTS": "on",
}


class SettingsError(ValueError):
    """A setting has a value the tools cannot use."""


def _get(name: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or DEFAULTS[name]


def warehouse_path() -> Path:
    return Path(_get("DUCKDB_DATABASE")).expanduser()


def store_path(published: Path | None = None) -> Path:
    """The refresh's store beside the published warehouse: raw, staging, intermediate and marts,
    written by the loader and dbt; readers open the published file (orchestration/publishing.py)."""
    published = published or warehouse_path()
    return published.with_name(published.name + ".store")


def reports_enabled() -> bool:
    value = _get("REPORTS").lower()
    if value not in {"on", "off", "true", "false", "1", "0"}:
        raise SettingsError(f"REPORTS={value!r}: write on or off")
    return value in {"on", "true", "1"}


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


def landing_max_bytes() -> int:
    value = _get("LANDING_MAX_FILE_MB")
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(f"LANDING_MAX_FILE_MB={value!r} is not a number of megabytes (e.g. 2048)")
    return int(value) * 2**20


def center_country() -> str:
    return _get("CENTER_COUNTRY").upper()


def holiday_calendar_covers(country: str) -> tuple[int, int] | None:
    """The years the holiday seed covers for a country, or None if it has no calendar for it."""
    with (SEEDS_DIR / "holiday_calendars.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["country_code"] == country:
                return int(row["first_year"]), int(row["last_year"])
    return None


def caller_key_secret() -> bytes:
    return _get("CALLER_KEY_SECRET").encode("utf-8")


DEMO_MARKER = "_demo_center"  # written by `python -m ingest.demo` at the top of its landing folder
MIN_SECRET_BYTES = 32


def is_demo_landing(landing: Path) -> bool:
    return (landing / DEMO_MARKER).is_file()


def secret_problem(landing: Path) -> str | None:
    """Why CALLER_KEY_SECRET cannot key this center's callers (None when it can).

    The published demo secret, a blank one or one under 32 bytes would let anyone who knows one
    caller's number and key test guesses for the rest: refused, unless the landing folder is the
    demo's (generated by `make demo`, which keeps working with the published secret)."""
    if is_demo_landing(landing):
        return None
    value = os.environ.get("CALLER_KEY_SECRET", "").strip()
    fix = "set CALLER_KEY_SECRET to a long random value of your own (e.g. `openssl rand -hex 32`) and keep it"
    if not value:
        return f"CALLER_KEY_SECRET is not set: {fix}"
    if value == DEFAULTS["CALLER_KEY_SECRET"]:
        return f"CALLER_KEY_SECRET is the published demo secret, allowed only for the demo center: {fix}"
    if len(value.encode("utf-8")) < MIN_SECRET_BYTES:
        return f"CALLER_KEY_SECRET is shorter than {MIN_SECRET_BYTES} bytes: {fix}"
    return None


def require_secret(landing: Path) -> None:
    problem = secret_problem(landing)
    if problem:
        raise SettingsError(problem)


def using_demo_secret() -> bool:
    return _get("CALLER_KEY_SECRET") == DEFAULTS["CALLER_KEY_SECRET"]


def center_yesterday() -> dt.date:
    """Yesterday in the center's time zone: the day the refresh builds and a manager reviews."""
    return dt.datetime.now(ZoneInfo(center_timezone())).date() - dt.timedelta(days=1)
