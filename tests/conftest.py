"""Shared fixtures: a landing folder and a real DuckDB warehouse in a temporary directory."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from filelock import FileLock

from ingest.loader import LoadReport, load_landing

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_CENTER = FIXTURES / "metrics"  # the hand-computed center (tests/dbt/test_metrics_hand_computed.py)
FIXTURE_PARTITION = "2024-03-09"  # its last day
SECRET = b"test-secret"
# CALLER_KEY_SECRET of the refreshes the tests run (at least 32 bytes, not the demo secret).
TEST_SECRET = "test-secret-of-a-real-center-0123456789"
TZ = "Asia/Shanghai"


def copy_warehouse(published: Path, target: Path) -> None:
    """A refreshed warehouse to another place: the published file, the refresh's store and the
    status file (what a center's warehouse folder holds between refreshes)."""
    shutil.copyfile(published, target)
    for suffix in (".store", ".status.json"):
        source = published.with_name(published.name + suffix)
        if source.exists():
            shutil.copyfile(source, target.with_name(target.name + suffix))


def store_of(published: Path) -> Path:
    return published.with_name(published.name + ".store")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    return folder


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def place(landing: Path, source: str, fixture: Path | str, name: str | None = None) -> Path:
    """Copy a fixture into landing/<source>/ (under `name` if given)."""
    src = FIXTURES / fixture if isinstance(fixture, str) else fixture
    target = landing / source / (name or src.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, target)
    return target


@pytest.fixture
def load(landing: Path, warehouse: Path) -> Callable[..., LoadReport]:
    def _load(tz: str = TZ, secret: bytes = SECRET) -> LoadReport:
        return load_landing(landing, warehouse, tz=tz, secret=secret, progress=None)

    return _load


@pytest.fixture
def query(warehouse: Path) -> Callable[..., list[tuple]]:
    def _query(sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    return _query


@pytest.fixture(scope="session")
def published_fixture(tmp_path_factory, worker_id) -> Path:
    """The hand-computed fixture center refreshed once (the real Dagster job); tests copy it, never
    change it. Built once for the whole run: the first pytest-xdist worker to need it builds it in
    the run's shared temporary folder while the others wait on a file lock."""
    if worker_id == "master":
        return _publish_fixture(tmp_path_factory.mktemp("published"))
    shared = tmp_path_factory.getbasetemp().parent / "published"
    with FileLock(str(shared) + ".lock"):
        if not (shared / "built").exists():
            shutil.rmtree(shared, ignore_errors=True)
            shared.mkdir()
            _publish_fixture(shared)
            (shared / "built").touch()
    return shared / "warehouse.duckdb"


def _publish_fixture(root: Path) -> Path:
    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("DUCKDB_DATABASE", str(root / "warehouse.duckdb"))
        mp.setenv("LANDING_DIR", str(root / "landing"))
        mp.setenv("CENTER_TIMEZONE", "Asia/Shanghai")
        mp.setenv("CALLER_KEY_SECRET", TEST_SECRET)  # a center of its own: never the demo secret
        mp.delenv("DAGSTER_HOME", raising=False)
        shutil.copytree(FIXTURE_CENTER, root / "landing")
        from orchestration.refresh import run_refresh

        assert run_refresh(FIXTURE_PARTITION, instance=dg.DagsterInstance.ephemeral())
    finally:
        mp.undo()
    return root / "warehouse.duckdb"


# The slowest modules first (measured with --durations): pytest-xdist hands whole files to the
# workers in collection order, so a slow file collected last leaves one worker alone at the end.
SLOW_FIRST = (
    "orchestration/test_real_data_sets.py", "orchestration/test_reliability.py", "dbt/test_incremental.py",
    "dbt/test_workforce_marts.py", "dbt/test_semantic_layer.py", "dashboards/test_browser.py",
    "orchestration/test_publishing.py", "orchestration/test_refresh.py", "dashboards/test_access.py",
    "orchestration/test_personal_data.py", "dashboards/test_pages.py", "ingest/test_fuzz.py",
    "orchestration/test_reports.py", "dbt/test_switch_round_trip.py", "dbt/test_metrics_hand_computed.py",
)  # fmt: skip


def pytest_collection_modifyitems(items) -> None:
    def rank(item) -> int:
        path = item.nodeid.split("::")[0].removeprefix("tests/")
        return SLOW_FIRST.index(path) if path in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)  # stable: within a file, the order as written
