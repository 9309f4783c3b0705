"""Speed and memory figures (`make bench`): printed as a ratio table, never asserted.

One process tree at a size given by BENCH_CALLS (default 2,000,000 calls; 10M and 100M are
documented in docs/performance.md): every step runs as a child process, so its wall time and
peak memory are its own.

1. the demo generator writes the landing files (BENCH_DAYS days, default 90; 366 above 5M);
2. a full refresh of every day but the last (load, dbt build with tests, checks, publish);
3. a one-day refresh: the last day's files land;
4. a refresh with nothing new;
5. the dashboards' queries on the published warehouse, cold (first in a fresh process) and warm;
6. the loader alone on the same files, into a scratch warehouse;
7. the bounds, by hand in DuckDB over the same CSV files: `read_csv` of every file into a table
   (for the loader), and offered, answered, abandoned, connect rate and 7-day FCR per day and
   district (for the refresh).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The hand-written bound: the refresh's KPI core over the raw call files, nothing else (no
# tickets, surveys, QA, keying, quarantine or tests).
BOUND_SQL = """
create table calls as select * from read_csv(?, header = true, all_varchar = true, union_by_name = true);
create table per_call as
select call_id, any_value(district) as district, any_value(caller_number) as caller,
       min(cast(queued_at as timestamp)) as queued_at, min(cast(started_at as timestamp)) as started_at,
       max(cast(ended_at as timestamp)) as ended_at, bool_or(answered_at is not null) as answered,
       bool_or(answered_at is null and queued_at is not null and coalesce(end_reason, 'caller_hangup') = 'caller_hangup'
               and date_diff('second', cast(queued_at as timestamp), cast(ended_at as timestamp)) >= 5) as abandoned
from calls group by call_id;
create table fcr as
select *, lead(started_at) over (partition by caller order by started_at, call_id) as next_started_at
from per_call where caller is not null and caller <> '';
select cast(coalesce(p.queued_at, p.started_at) as date) as day, p.district,
       count(*) filter (where p.queued_at is not null) as offered,
       count(*) filter (where p.answered) as answered,
       count(*) filter (where p.abandoned) as abandoned,
       count(*) filter (where p.answered) / nullif(count(*) filter (where p.queued_at is not null), 0) as connect_rate,
       count(*) filter (where f.answered and (f.next_started_at is null
                        or f.next_started_at >= f.ended_at + interval 7 day)) as fcr_resolved
from per_call as p left join fcr as f using (call_id)
group by all order by all
"""


def _child(code: str, env: dict) -> dict:
    """Run Python code in a child process; its wall seconds and peak RSS (MB), and what it printed
    as JSON on its last line (if anything). Output goes to files: a refresh logs more than a pipe
    holds, and a child blocked on a full pipe would never end."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", code], env=env, cwd=ROOT, stdout=out, stderr=err, text=True
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    ok = os.waitstatus_to_exitcode(status) == 0
    result = {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "ok": ok}
    lines = stdout.strip().splitlines()
    if lines and lines[-1].startswith("{"):
        result.update(json.loads(lines[-1]))
    if not ok:
        result["error"] = (stderr.strip().splitlines() or lines or ["?"])[-1][:300]
    return result


def _refresh_code(*args: str) -> str:
    return f"import sys; from orchestration.refresh import main; sys.exit(main({list(args)!r}))"


def _dashboard_code(rounds: int) -> str:
    """The pages' own queries, without Streamlit's cache: connect, query, close, as a page does."""
    return f"""
import datetime as dt, json, time
from dashboards.data import queries
queries.query = lambda sql, *p: queries._read(sql, tuple(p), str(queries.warehouse()))
first, last = queries.date_bounds()
start = max(first, last - dt.timedelta(days=29))
month = dt.date(last.year, last.month, 1)
calls = [
    lambda: queries.kpi_daily(start, last), lambda: queries.district_daily(start, last, []),
    lambda: queries.agent_daily(last), lambda: queries.queue_intervals(start, last, []),
    lambda: queries.repeat_top5("month", month, None), lambda: queries.ticket_sla(start, last, []),
    lambda: queries.satisfaction_daily(start, last), lambda: queries.interval_staffing(last),
]
cold, warm = [], []
for i in range({rounds}):
    for call in calls:
        t = time.perf_counter(); call(); ms = (time.perf_counter() - t) * 1000
        (cold if i == 0 else warm).append(ms)
print(json.dumps({{"cold_ms": cold, "warm_ms": warm}}))
"""


def _load_code(landing: Path, database: Path) -> str:
    return f"""
import json, time
from pathlib import Path
from ingest.loader import load_landing
t = time.perf_counter()
report = load_landing(Path({str(landing)!r}), Path({str(database)!r}), tz="Asia/Shanghai", secret=b"b" * 32, progress=None)
print(json.dumps({{"rows": report.totals()["rows_read"], "load_seconds": time.perf_counter() - t}}))
"""


def _read_csv_code(landing: Path, database: Path) -> str:
    return f"""
import duckdb, glob, json, time
t = time.perf_counter()
con = duckdb.connect({str(database)!r})
n = 0
for source in ("calls", "tickets", "surveys", "qa", "agents"):
    files = sorted(glob.glob({str(landing)!r} + "/" + source + "/**/*.csv", recursive=True))
    if files:
        con.execute("create table " + source + " as select * from read_csv(?, header = true, union_by_name = true)", [files])
        n += con.execute("select count(*) from " + source).fetchone()[0]
con.execute("checkpoint"); con.close()
print(json.dumps({{"rows": n}}))
"""


def _bound_code(landing: Path) -> str:
    return f"""
import duckdb, glob, json
files = sorted(glob.glob({str(landing)!r} + "/calls/**/*.csv", recursive=True))
con = duckdb.connect()
statements = [s for s in {BOUND_SQL!r}.split(";") if s.strip()]
for s in statements[:-1]:
    con.execute(s, [files] if "read_csv" in s else [])
rows = con.execute(statements[-1]).fetchall()
print(json.dumps({{"rows": len(rows), "offered": sum(r[2] for r in rows), "answered": sum(r[3] for r in rows)}}))
"""


def _split(everything: Path, landing: Path, last_day: str) -> list[Path]:
    """Copy every file but the last day's into landing; return the last day's files."""
    held = []
    for path in everything.rglob("*"):
        if not path.is_file():
            continue
        if last_day in path.name:
            held.append(path)
            continue
        target = landing / path.relative_to(everything)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return held


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


def main() -> int:
    calls = int(os.environ.get("BENCH_CALLS", "2000000"))
    days = int(os.environ.get("BENCH_DAYS", "90" if calls <= 5_000_000 else "366"))
    per_day = max(1, round(calls / days))
    keep = os.environ.get("BENCH_DIR")
    root = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="bench-"))
    root.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DUCKDB_DATABASE": str(root / "warehouse.duckdb"), "LANDING_DIR": str(root / "landing"),
           "CENTER_TIMEZONE": "Asia/Shanghai", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "CALLER_KEY_SECRET": "bench-secret-" + "x" * 32}  # fmt: skip
    env.pop("DAGSTER_HOME", None)
    print(
        f"make bench: {calls:,} calls ({days} days x {per_day:,}) in {root}; {os.cpu_count()} cores",
        flush=True,
    )
    steps: dict[str, dict] = {}

    files: dict[str, str] = {}

    def step(name: str, code: str, step_env: dict = env) -> dict:
        print(f"  {name} ...", flush=True)
        steps[name] = result = _child(code, step_env)
        state = "ok" if result["ok"] else f"FAILED: {result.get('error')}"
        print(f"  {name}: {result['seconds']:.1f} s, peak {result['peak_mb']:,.0f} MB ({state})", flush=True)
        if "refresh" in name:  # does the warehouse grow from refresh to refresh?
            sizes = {
                suffix or "published": (root / ("warehouse.duckdb" + suffix))
                for suffix in ("", ".store", ".spare")
            }
            files[name] = ", ".join(
                f"{label} {path.stat().st_size / 2**20:,.0f} MB"
                for label, path in sizes.items()
                if path.exists()
            )
        return result

    everything = root / "all"
    step("generator", f"from ingest.demo import main; main(['--days', '{days}', '--calls-per-day', '{per_day}', "
         f"'--out', {str(everything)!r}, '--clean'])")  # fmt: skip
    newest = max(p.name for p in (everything / "calls").glob("*.csv"))
    last_day = newest.removesuffix(".csv")[-10:]
    held = _split(everything, root / "landing", last_day)
    step("full refresh", _refresh_code())
    for path in held:
        target = root / "landing" / path.relative_to(everything)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    step("one-day refresh", _refresh_code())
    step("nothing-new refresh", _refresh_code())
    step("forced refresh (same files)", _refresh_code("--force"))
    step("dashboard queries", _dashboard_code(rounds=11))
    step("loader alone", _load_code(root / "landing", root / "scratch.duckdb"))
    step("bound: DuckDB read_csv", _read_csv_code(root / "landing", root / "read_csv.duckdb"))
    step("bound: KPI script", _bound_code(root / "landing"))

    full, one = steps["full refresh"], steps["one-day refresh"]
    bound, read_csv = steps["bound: KPI script"], steps["bound: DuckDB read_csv"]
    dash = steps["dashboard queries"]
    rows = [
        ("full refresh ÷ hand-written bound", full["seconds"] / bound["seconds"], "≤ 3× at 10M"),
        ("one-day refresh ÷ full refresh", one["seconds"] / full["seconds"], "≤ 5 % at 10M"),
        ("nothing-new refresh, s", steps["nothing-new refresh"]["seconds"], "≤ 5 s"),
        (
            "loader ÷ DuckDB read_csv",
            steps["loader alone"].get("load_seconds", float("nan")) / read_csv["seconds"],
            "≤ 2×",
        ),
        (
            "dashboard query p50 / p95 warm, ms",
            f"{_p(dash.get('warm_ms', []), 0.5):.1f} / {_p(dash.get('warm_ms', []), 0.95):.1f}",
            "p95 ≤ 50 ms at 100M",
        ),
        (
            "dashboard query p50 / p95 cold, ms",
            f"{_p(dash.get('cold_ms', []), 0.5):.1f} / {_p(dash.get('cold_ms', []), 0.95):.1f}",
            "",
        ),
        ("peak memory of any step, MB", max(s["peak_mb"] for s in steps.values()), "≤ 4,096 at 10M"),
    ]
    print()
    print(f"{'step':<26} {'seconds':>9} {'peak MB':>9}")
    for name, s in steps.items():
        print(f"{name:<26} {s['seconds']:>9.1f} {s['peak_mb']:>9,.0f}{'' if s['ok'] else '  FAILED'}")
    print()
    print(f"{'ratio':<40} {'value':>14}  goal")
    for name, value, goal in rows:
        shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
        print(f"{name:<40} {shown:>14}  {goal}")
    print()
    for name, text in files.items():
        print(f"files after {name}: {text}")
    if "offered" in bound:
        print(f"\nbound over {bound['rows']:,} day x district rows: {bound['offered']:,} offered, "
              f"{bound['answered']:,} answered")  # fmt: skip
    if not keep:
        shutil.rmtree(root, ignore_errors=True)
    return 0 if all(s["ok"] for s in steps.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
