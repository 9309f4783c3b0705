"""Speed figures (`make bench`): printed, never asserted.

Targets (2 cores): the generator writes 1 million calls in under 30 s; the full demo refresh
(about 450,000 calls, 90 days) in under 2 minutes; a one-day refresh well under the full one.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest import demo
from ingest.loader import load_landing


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_generator(calls_per_day: int, days: int, folder: Path) -> None:
    config = demo.DemoConfig(days=days, calls_per_day=calls_per_day, end=dt.date(2026, 11, 22))
    started = time.perf_counter()
    tables = demo.generate(config, "Asia/Shanghai", progress=lambda _m: None)
    generated = time.perf_counter() - started
    written = demo.write_landing(tables, folder, "csv", "canonical", progress=lambda _m: None)
    total = time.perf_counter() - started
    calls = tables["calls"]["call_id"].n_unique()
    print(
        f"generator: {calls:,} calls ({written['calls']:,} segments) over {days} days: "
        f"{generated:.1f} s to generate, {total:.1f} s with CSV files "
        f"({calls / total:,.0f} calls/s; target 1,000,000 in < 30 s); peak RSS {_peak_mb():,.0f} MB"
    )


def bench_load(folder: Path, database: Path) -> None:
    started = time.perf_counter()
    report = load_landing(folder, database, tz="Asia/Shanghai", secret=b"bench", progress=None)
    seconds = time.perf_counter() - started
    totals = report.totals()
    print(
        f"loader: {totals['files_loaded']} files, {totals['rows_read']:,} rows in {seconds:.1f} s "
        f"({totals['rows_read'] / seconds:,.0f} rows/s); peak RSS {_peak_mb():,.0f} MB"
    )
    started = time.perf_counter()
    load_landing(folder, database, tz="Asia/Shanghai", secret=b"bench", progress=None)
    print(f"loader, same folder again (nothing new): {time.perf_counter() - started:.2f} s")


def _refresh(env: dict, label: str) -> None:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.refresh"], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    state = "ok" if done.returncode == 0 else f"FAILED ({done.stderr.strip().splitlines()[-1:]})"
    print(f"refresh, {label}: {seconds:.1f} s ({state})")


def bench_refresh(root: Path) -> None:
    """The Dagster job end to end: load, dbt build with tests, checks, publish."""
    end = dt.date.today() - dt.timedelta(days=1)
    config = demo.DemoConfig(days=91, calls_per_day=5_000, end=end)
    tables = demo.generate(config, "Asia/Shanghai", progress=lambda _m: None)
    everything = root / "refresh_all"
    demo.write_landing(tables, everything, "csv", "canonical", progress=lambda _m: None)
    landing = root / "refresh_landing"
    last_day = end.isoformat()
    for path in everything.rglob("*"):
        if path.is_file() and last_day not in path.name:
            target = landing / path.relative_to(everything)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    env = {**os.environ, "DUCKDB_DATABASE": str(root / "refresh.duckdb"), "LANDING_DIR": str(landing),
           "CENTER_TIMEZONE": "Asia/Shanghai", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}  # fmt: skip
    env.pop("DAGSTER_HOME", None)
    _refresh(env, "full demo (90 days, first run)")
    shutil.copytree(everything, landing, dirs_exist_ok=True)
    _refresh(env, "one new day (incremental)")
    _refresh(env, "nothing new")


def bench_pages(database: Path) -> None:
    """Server-side render time of each dashboard page on the demo warehouse (cold and cached)."""
    from streamlit.testing.v1 import AppTest

    os.environ["DUCKDB_DATABASE"] = str(database)
    app = str(Path(__file__).resolve().parents[1] / "dashboards" / "streamlit_app.py")
    pages = ["overview", "districts_queues", "agents", "repeat_calls", "tickets", "satisfaction", "quality",
             "data_health"]  # fmt: skip
    for page in pages:
        timings = []
        for _ in range(2):
            at = AppTest.from_file(app, default_timeout=120)
            started = time.perf_counter()
            at.run()  # the overview is the default page: this run renders it
            if page != "overview":
                started = time.perf_counter()
                at.switch_page(f"app_pages/{page}.py").run()
            timings.append(time.perf_counter() - started)
        print(f"page {page}: {timings[0]:.2f} s first render, {timings[1]:.2f} s cached (target < 1 s)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench_generator(calls_per_day=11_500, days=90, folder=root / "million")
        bench_generator(calls_per_day=5_000, days=90, folder=root / "demo")
        bench_load(root / "demo", root / "w.duckdb")
        bench_refresh(root)
        bench_pages(root / "refresh.duckdb")


if __name__ == "__main__":
    main()
