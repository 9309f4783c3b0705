"""What a published warehouse was built from, so that a refresh with nothing new costs nothing.

The refresh records in the store (`meta.refresh_inputs`, published with the marts) the landing
files it saw, by content, and a digest of everything else that shapes the marts: the dbt models,
macros and tests, the seeds, the mapping and `_format.yaml` files, and the settings
(CENTER_TIMEZONE, CENTER_COUNTRY, the caller-key secret's hash). The next refresh compares: when
every landing file was already seen and the digest is the same, the marts cannot change, so it
stops in well under a second and says so. Any new or changed file, model or setting runs the
whole refresh as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import duckdb

from ingest import settings
from ingest.loader import discover

PROJECT = settings.PROJECT_ROOT
_CONFIG_GLOBS = (
    "dbt_project/dbt_project.yml", "dbt_project/profiles.yml", "dbt_project/models/**/*",
    "dbt_project/macros/**/*", "dbt_project/tests/**/*", "seeds/*", "ingest/mappings/*",
)  # fmt: skip


def landing_files(landing: Path, known: dict[str, list], settle_seconds: float = 0) -> dict[str, list]:
    """{path relative to landing: [size, mtime_ns, sha256]} of the landing files; hashes only the
    files that are new or changed since `known` (the previous answer). Files modified within
    `settle_seconds` are left out (still being written)."""
    now = time.time()
    found, _ = discover(landing)
    out: dict[str, list] = {}
    for paths in found.values():
        for path in paths:
            stat = path.stat()
            if settle_seconds and now - stat.st_mtime < settle_seconds:
                continue
            rel = path.relative_to(landing).as_posix()
            previous = known.get(rel)
            if previous and previous[:2] == [stat.st_size, stat.st_mtime_ns]:
                out[rel] = previous
            else:
                out[rel] = [stat.st_size, stat.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()]
    return out


def config_digest(landing: Path) -> str:
    """One hash of the models, seeds, mappings, folder formats and settings."""
    digest = hashlib.sha256()
    paths = [p for pattern in _CONFIG_GLOBS for p in PROJECT.glob(pattern)]
    if landing.is_dir():
        paths += [p for p in landing.rglob("*") if p.name.startswith("_") and p.suffix in (".yaml", ".yml")]
    for path in sorted(p for p in paths if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    secret = hashlib.sha256(settings.caller_key_secret()).hexdigest()
    for value in (settings.center_timezone(), settings.center_country(), secret,
                  os.environ.get("DBT_VARS", "")):  # fmt: skip
        digest.update(value.encode())
    return digest.hexdigest()


def current(landing: Path, known: dict[str, list] | None = None) -> dict:
    return {"files": landing_files(landing, known or {}), "config": config_digest(landing)}


def recorded(warehouse: Path) -> dict | None:
    """The inputs the published warehouse was built from (None: unknown, e.g. an older warehouse)."""
    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            rows = con.execute("select inputs, refreshed_at from meta.refresh_inputs").fetchall()
    except duckdb.Error:
        return None
    if not rows:
        return None
    inputs = json.loads(rows[0][0])
    inputs["refreshed_at"] = rows[0][1]
    return inputs


def record(con: duckdb.DuckDBPyConnection, inputs: dict) -> None:
    """Write the inputs into the store (published with the marts)."""
    con.execute("create schema if not exists meta")
    con.execute("create or replace table meta.refresh_inputs (inputs varchar, refreshed_at timestamp)")
    con.execute(
        "insert into meta.refresh_inputs values (?, current_timestamp::timestamp)",
        [json.dumps({"files": inputs["files"], "config": inputs["config"]})],
    )


def nothing_new(warehouse: Path, landing: Path) -> str | None:
    """A sentence for the user when nothing can change the published warehouse, else None."""
    before = recorded(warehouse)
    if before is None:
        return None
    now = current(landing, before.get("files"))
    seen = {(rel, fp[2]) for rel, fp in before["files"].items()}
    new = [rel for rel, fp in now["files"].items() if (rel, fp[2]) not in seen]
    if new or now["config"] != before["config"]:
        return None
    return (
        f"nothing new since the refresh of {before['refreshed_at']:%Y-%m-%d %H:%M} UTC: "
        f"{len(now['files']):,} landing file(s), all loaded; models, seeds, mappings and settings unchanged. "
        "The published warehouse stays as it is."
    )
