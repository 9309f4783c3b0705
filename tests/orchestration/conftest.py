"""A center in a temporary folder, its settings in the environment, a real Dagster instance."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CENTER, FIXTURE_PARTITION, TEST_SECRET

FIXTURE = FIXTURE_CENTER
PARTITION = FIXTURE_PARTITION  # the fixture's last day


@pytest.fixture
def center(tmp_path, monkeypatch) -> dict[str, Path]:
    paths = {
        "root": tmp_path,
        "landing": tmp_path / "landing",
        "warehouse": tmp_path / "warehouse.duckdb",
    }
    monkeypatch.setenv("DUCKDB_DATABASE", str(paths["warehouse"]))
    monkeypatch.setenv("LANDING_DIR", str(paths["landing"]))
    monkeypatch.setenv("CENTER_TIMEZONE", "Asia/Shanghai")
    # A center of its own (not the demo): the refresh needs a secret of its own.
    monkeypatch.setenv("CALLER_KEY_SECRET", TEST_SECRET)
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("DBT_DUCKDB_PATH", raising=False)
    shutil.copytree(FIXTURE, paths["landing"])
    return paths


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
