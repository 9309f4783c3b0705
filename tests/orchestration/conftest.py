"""A center in a temporary folder, its settings in the environment, a real Dagster instance."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import dagster as dg
import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "metrics"
PARTITION = "2024-03-09"  # the fixture's last day


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
    # Unset on purpose: the refresh must work with the documented defaults, as on a new machine.
    monkeypatch.delenv("CALLER_KEY_SECRET", raising=False)
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("DBT_DUCKDB_PATH", raising=False)
    shutil.copytree(FIXTURE, paths["landing"])
    return paths


@pytest.fixture(scope="session")
def published_fixture(tmp_path_factory) -> Path:
    """The fixture center refreshed once; tests copy it instead of refreshing again."""
    mp = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("published")
    try:
        mp.setenv("DUCKDB_DATABASE", str(root / "warehouse.duckdb"))
        mp.setenv("LANDING_DIR", str(root / "landing"))
        mp.setenv("CENTER_TIMEZONE", "Asia/Shanghai")
        mp.delenv("CALLER_KEY_SECRET", raising=False)
        mp.delenv("DAGSTER_HOME", raising=False)
        shutil.copytree(FIXTURE, root / "landing")
        from orchestration.refresh import run_refresh

        assert run_refresh(PARTITION, instance=dg.DagsterInstance.ephemeral())
    finally:
        mp.undo()
    return root / "warehouse.duckdb"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
