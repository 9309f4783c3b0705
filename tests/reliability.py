"""Reliability scenarios (`make reliability`): faults are injected into real refreshes and loads,
and a table says what survived. Nothing may be lost and no reader query may fail.

    python -m tests.reliability [--random-kills N] [--readers N] [--bad-files N]

Scenarios, each on a fresh copy of the hand-computed fixture center (tests/fixtures/metrics):

- crash:<point>  the refresh (a real `python -m orchestration.refresh` process with its Dagster
  job, dbt and publishing) is SIGKILLed at a named point: in the middle of a file's load
  transaction, between two files, in the middle of dbt, just before the published file is
  replaced. Then the published file must be byte for byte what it was, and the next refresh must
  complete with the new rows loaded once.
- crash:random   the same, killed after a random delay.
- bad files      random bytes, truncated, mutated, mis-encoded, header-only, empty, formula-laden
  and huge-field files of every format and adapter, loaded together: every row ends accepted or
  rejected with a rule, every failed file has a reason, raw matches the counts.
- re-delivery    the same files again under other names, then a re-export with overlapping rows.
- schema drift   an extra column, a missing optional one, a missing required one.
- busy readers   reader processes query the published warehouse in a loop while refreshes run;
  every answer must be one of the published states (old or new), never a mix, and none may fail.

`tests/orchestration/test_reliability.py` runs the same scenarios, smaller, in `make test`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_CENTER = ROOT / "tests" / "fixtures" / "metrics"
PARTITION = "2024-03-09"
CRASH_POINTS = ("load.before_commit", "load.between_files", "dbt.mid_build", "publish.before_replace")
# A reader's view of the warehouse: one query, one snapshot (every part must come from one state).
STATE_SQL = (
    "select (select count(*) from marts.fct_call_segments), (select count(*) from marts.fct_calls), "
    "(select sum(offered) from marts.rpt_kpi_daily), (select max(refreshed_at) from meta.last_refresh)"
)


@dataclass
class Outcome:
    scenario: str
    faults: int = 0
    survived: int = 0
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_lost: int = 0
    reader_queries: int = 0
    reader_failures: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.survived == self.faults and self.rows_lost == 0 and self.reader_failures == 0


# -- a center on disk ------------------------------------------------------------------------------


@dataclass
class Center:
    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "DBT_DUCKDB_PATH")}
        env.update(
            DUCKDB_DATABASE=str(self.warehouse),
            LANDING_DIR=str(self.landing),
            CENTER_TIMEZONE="Asia/Shanghai",
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            **extra,
        )
        env["CALLER_KEY_SECRET"] = "reliability-secret-of-a-test-center-0123"  # not the demo's
        return env

    def start_refresh(self, **extra: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "orchestration.refresh", "--partition", PARTITION],
            cwd=ROOT, env=self.env(**extra), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip

    def refresh(self, **extra: str) -> int:
        process = self.start_refresh(**extra)
        return process.wait(timeout=600)

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()

    @property
    def store(self) -> Path:
        """The refresh's store (raw, file log, rejected rows), which readers never open."""
        return self.warehouse.with_name(self.warehouse.name + ".store")

    def query_store(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.store), read_only=True) as con:
            return con.execute(sql).fetchall()

    def digest(self) -> str:
        return hashlib.sha256(self.warehouse.read_bytes()).hexdigest()

    def land_call(self, call_id: str, name: str | None = None) -> None:
        """One new answered call on the fixture's last day, in its own file."""
        (self.landing / "calls" / (name or f"late_{call_id}.csv")).write_text(
            "call_id,caller_number,district,queue,started_at,queued_at,answered_at,ended_at,agent_id\n"
            f"{call_id},13800000099,shiqu,general,2024-03-09 12:00:00,2024-03-09 12:00:05,"
            "2024-03-09 12:00:10,2024-03-09 12:03:10,1002\n",
            encoding="utf-8",
        )


def new_center(base: Path, name: str, published: Path | None = None) -> Center:
    center = Center(base / name)
    shutil.copytree(FIXTURE_CENTER, center.landing)
    if published is not None:
        from tests.conftest import copy_warehouse

        copy_warehouse(published, center.warehouse)
    return center


def reconciliation(center: Center) -> list[str]:
    from orchestration.checks import reconciliation_problems

    with duckdb.connect(str(center.store), read_only=True) as con:
        return reconciliation_problems(con)


def file_totals(center: Center) -> tuple[int, int, int]:
    (row,) = center.query_store(
        "select coalesce(sum(rows_read), 0), coalesce(sum(rows_accepted), 0), "
        "coalesce(sum(rows_rejected), 0) from raw.loaded_files where status = 'loaded'"
    )
    return row


# -- crashes ---------------------------------------------------------------------------------------


def crash_scenario(base: Path, published: Path, kills: list[str | int], label: str | None = None) -> Outcome:
    """Refreshes killed one after another: at a named point (str) or after a random delay (int:
    its seed); then one refresh that completes. Through the kills the published file must not
    change and must reconcile; the last refresh must load the two new files' rows once."""
    names = [k if isinstance(k, str) else f"random kill (seed {k})" for k in kills]
    outcome = Outcome(label or "crash: " + ", ".join(names), faults=len(kills))
    center = new_center(base, re.sub(r"\W+", "_", outcome.scenario), published)
    before = center.digest()
    calls_before = center.query_store("select count(*) from raw.calls")[0][0]
    center.land_call("NEW1")
    center.land_call("NEW2")  # two new files: a kill between them leaves one half-done
    for kill, name in zip(kills, names, strict=True):
        if isinstance(kill, str):
            code = center.refresh(CALLCENTER_CRASH_AT=kill)
        else:
            process = center.start_refresh()
            time.sleep(random.Random(kill).uniform(2, 30))
            os.killpg(process.pid, signal.SIGKILL)
            code = process.wait(timeout=60)
        problems = reconciliation(center)
        if code == -signal.SIGKILL and center.digest() == before and not problems:
            outcome.survived += 1
        else:
            outcome.notes.append(f"{name}: exit {code}, unchanged {center.digest() == before}, {problems}")
    code = center.refresh()
    ids = dict(
        center.query_store("select call_id, count(*) from raw.calls where call_id like 'NEW%' group by 1")
    )
    calls_after = center.query_store("select count(*) from raw.calls")[0][0]
    published = dict(
        center.query("select call_id, count(*) from marts.fct_calls where call_id like 'NEW%' group by 1")
    )
    if code != 0 or ids != {"NEW1": 1, "NEW2": 1} or published != ids or reconciliation(center):
        outcome.notes.append(
            f"the refresh after the kills: exit {code}, new calls {ids}, published {published}"
        )
        outcome.survived = 0
    outcome.rows_read, outcome.rows_accepted, outcome.rows_rejected = file_totals(center)
    outcome.rows_lost = outcome.rows_read - outcome.rows_accepted - outcome.rows_rejected
    outcome.rows_lost += abs(calls_after - calls_before - 2)
    return outcome


# -- bad files -------------------------------------------------------------------------------------


def bad_files(folder: Path, count: int, seed: int) -> int:
    """Write `count` broken files of every kind into folder/calls (and its switch sub-folders)."""
    rng = random.Random(seed)
    valid = (ROOT / "tests" / "fixtures" / "valid" / "calls.csv").read_text(encoding="utf-8")
    from tests.ingest.test_fuzz import ADAPTER_SAMPLES

    calls = folder / "calls"
    for fmt in ADAPTER_SAMPLES:
        (calls / fmt).mkdir(parents=True, exist_ok=True)
        (calls / fmt / "_format.yaml").write_text(f"format: {fmt}\ndistrict: shiqu\n")
    for i in range(count):
        kind = rng.choice(["random", "truncate", "cell", "formula", "huge", "ragged", "dup_header",
                           "empty", "header_only", "latin1", "switch"])  # fmt: skip
        lines = valid.splitlines()
        target, text = calls / f"bad_{i:03d}.csv", None
        if kind == "random":
            target = calls / f"bad_{i:03d}{rng.choice(['.csv', '.xlsx', '.parquet', '.txt'])}"
            target.write_bytes(rng.randbytes(rng.randint(0, 3000)))
            continue
        if kind == "truncate":
            text = valid[: rng.randint(0, len(valid))]
        elif kind == "empty":
            text = ""
        elif kind == "header_only":
            text = lines[0] + "\n"
        elif kind == "switch":
            fmt = rng.choice(sorted(ADAPTER_SAMPLES))
            sample = ADAPTER_SAMPLES[fmt]
            cut = rng.randint(0, len(sample))
            noise = "".join(rng.choice("|,\t0123456789:-ABCDEFGHIJ\n") for _ in range(rng.randint(0, 60)))
            (calls / fmt / f"bad_{i:03d}").write_text(sample[:cut] + noise + sample[cut:], encoding="utf-8")
            continue
        else:
            row = rng.randint(1, len(lines) - 1)
            cells = lines[row].split(",")
            col = rng.randint(0, len(cells) - 1)
            if kind == "cell":
                cells[col] = "".join(rng.choice("abc123-:. 呼叫") for _ in range(rng.randint(0, 12)))
            elif kind == "formula":
                cells[col] = "=cmd|' /C calc'!A0"
            elif kind == "huge":
                cells[col] = "x" * rng.randint(10_000, 200_000)
            elif kind == "ragged":
                cells.append("extra")
            elif kind == "dup_header":
                header = lines[0].split(",")
                header[col] = header[(col + 1) % len(header)]
                lines[0] = ",".join(header)
            lines[row] = ",".join(cells)
            text = "\n".join(lines) + "\n"
        if kind == "latin1":
            target.write_bytes(valid.replace("V001", "VÖ01").encode("latin-1", "replace") + b"\xff\xfe")
        else:
            target.write_text(text, encoding="utf-8")
    return count


def bad_files_scenario(base: Path, count: int, seed: int = 7) -> Outcome:
    from ingest.loader import load_landing

    outcome = Outcome(f"bad files ({count})", faults=count)
    center = Center(base / "bad_files")
    center.landing.mkdir(parents=True)
    bad_files(center.landing, count, seed)
    report = load_landing(center.landing, center.store, tz="Asia/Shanghai", secret=b"r", progress=None)
    failed_without_reason = [f.path for f in report.of("failed") if not f.message]
    totals = report.totals()
    outcome.rows_read, outcome.rows_accepted = totals["rows_read"], totals["rows_accepted"]
    outcome.rows_rejected = totals["rows_rejected"]
    problems = reconciliation(center)
    outcome.rows_lost = outcome.rows_read - outcome.rows_accepted - outcome.rows_rejected + len(problems)
    outcome.notes += problems + [f"{p}: failed without a reason" for p in failed_without_reason]
    handled = len(report.files) - len(failed_without_reason)
    outcome.survived = handled if not problems else 0
    outcome.faults = len(report.files)
    outcome.notes.append(f"{len(report.of('failed'))} files rejected whole, each with a reason")
    return outcome


# -- re-delivery and schema drift -----------------------------------------------------------------


def redelivery_scenario(base: Path) -> Outcome:
    from ingest.loader import load_landing

    outcome = Outcome("re-delivery", faults=3)
    center = Center(base / "redelivery")
    shutil.copytree(FIXTURE_CENTER, center.landing)

    def load():
        return load_landing(center.landing, center.store, tz="Asia/Shanghai", secret=b"r", progress=None)

    def state():
        return center.query_store(
            "select (select count(*) from raw.calls), (select count(*) from raw.tickets), "
            "(select count(*) from raw.ticket_history), (select count(*) from raw.surveys)"
        )[0]

    load()
    first = state()
    # 1. the same files again under other names: skipped by content hash
    for path in list(center.landing.rglob("*.csv")):
        shutil.copyfile(path, path.with_name("again_" + path.name))
    again = load()
    outcome.survived += int(state() == first and all(f.status == "skipped" for f in again.files))
    # 2. a re-export: the same rows plus one new row, in a new file: identical rows counted once
    calls = sorted((center.landing / "calls").glob("[!a]*.csv"))[0]
    text = calls.read_text(encoding="utf-8").rstrip("\n").splitlines()
    new_row = text[1].split(",")
    new_row[0] = "REEXPORT1"
    (center.landing / "calls" / "reexport.csv").write_text("\n".join([*text, ",".join(new_row)]) + "\n")
    result = next(f for f in load().files if f.path.endswith("reexport.csv"))
    outcome.survived += int(state()[0] == first[0] + 1 and result.rows_duplicate == len(text) - 1)
    # 3. a conflicting re-export (same key, other values): rejected and reported, not overwritten
    changed = text[1].split(",")
    changed[-1] = changed[-1] + "X" if changed[-1] else "X"
    (center.landing / "calls" / "conflict.csv").write_text("\n".join([text[0], ",".join(changed)]) + "\n")
    result = next(f for f in load().files if f.path.endswith("conflict.csv"))
    outcome.survived += int(result.rules.get("conflicts_with_loaded_row") == 1 and state()[0] == first[0] + 1)
    outcome.rows_read, outcome.rows_accepted, outcome.rows_rejected = file_totals(center)
    problems = reconciliation(center)
    outcome.rows_lost = outcome.rows_read - outcome.rows_accepted - outcome.rows_rejected + len(problems)
    outcome.notes += problems
    return outcome


def schema_drift_scenario(base: Path) -> Outcome:
    from ingest.loader import load_landing

    outcome = Outcome("schema drift", faults=3)
    center = Center(base / "drift")
    (center.landing / "calls").mkdir(parents=True)
    header = "call_id,caller_number,district,started_at,ended_at"
    row = "D1,13800000001,shiqu,2024-03-01 08:00:00,2024-03-01 08:01:00"
    (center.landing / "calls" / "extra.csv").write_text(f"{header},crm_flag\n{row},Y\n")
    (center.landing / "calls" / "no_optional.csv").write_text(f"{header}\n{row.replace('D1', 'D2')}\n")
    (center.landing / "calls" / "no_district.csv").write_text(
        "call_id,caller_number,started_at,ended_at\nD3,1,2024-03-01 08:00:00,2024-03-01 08:01:00\n"
    )
    report = load_landing(center.landing, center.store, tz="Asia/Shanghai", secret=b"r", progress=None)
    by_name = {Path(f.path).name: f for f in report.files}
    outcome.survived += int("ignored extra column(s): crm_flag" in by_name["extra.csv"].message)
    outcome.survived += int(by_name["no_optional.csv"].rows_accepted == 1)
    missing = by_name["no_district.csv"]
    outcome.survived += int(missing.status == "failed" and "district" in missing.message)
    outcome.rows_read, outcome.rows_accepted, outcome.rows_rejected = file_totals(center)
    outcome.rows_lost = outcome.rows_read - outcome.rows_accepted - outcome.rows_rejected
    return outcome


# -- busy readers ----------------------------------------------------------------------------------


def reader_loop(path: str, stop_file: Path) -> dict:
    """Query the published warehouse until `stop_file` appears, a fresh read-only connection a
    query, as a dashboard or an analyst's notebook does. Returns counts and the states seen."""
    queries = failures = 0
    states: set[tuple] = set()
    errors: list[str] = []
    while not stop_file.exists():
        queries += 1
        try:
            with duckdb.connect(path, read_only=True) as con:
                states.add(tuple(str(v) for v in con.execute(STATE_SQL).fetchall()[0]))
        except Exception as exc:  # every failure counts: none is expected
            failures += 1
            errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
    return {"queries": queries, "failures": failures, "states": sorted(states), "errors": errors[:3]}


def readers_scenario(base: Path, published: Path, readers: int, refreshes: int) -> Outcome:
    """Reader processes (plain `python -m tests.reliability --reader`) loop while refreshes run."""
    outcome = Outcome(f"busy readers ({readers} readers, {refreshes} refreshes)", faults=refreshes)
    center = new_center(base, "readers", published)
    published_states = {tuple(str(v) for v in center.query(STATE_SQL)[0])}
    stop = center.root / "stop-readers"
    command = [
        sys.executable,
        "-m",
        "tests.reliability",
        "--reader",
        str(center.warehouse),
        "--stop-file",
        str(stop),
    ]
    workers = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for _ in range(readers)
    ]
    for i in range(refreshes):
        center.land_call(f"READ{i}")
        code = center.refresh()
        outcome.survived += int(code == 0)
        published_states.add(tuple(str(v) for v in center.query(STATE_SQL)[0]))
    time.sleep(1)
    stop.touch()
    seen: set[tuple] = set()
    for worker in workers:
        try:
            out, _ = worker.communicate(timeout=120)
            result = json.loads(out.strip().splitlines()[-1])
        except (subprocess.TimeoutExpired, json.JSONDecodeError, IndexError):
            worker.kill()
            outcome.reader_failures += 1
            outcome.notes.append(f"a reader process did not report (exit {worker.returncode})")
            continue
        outcome.reader_queries += result["queries"]
        outcome.reader_failures += result["failures"]
        seen.update(tuple(s) for s in result["states"])
        outcome.notes += result["errors"]
    mixed = seen - published_states
    if mixed:
        outcome.reader_failures += len(mixed)
        outcome.notes.append(f"states seen that were never published: {sorted(mixed)[:3]}")
    outcome.notes.append(f"{len(seen)} of {len(published_states)} published states seen by readers")
    outcome.rows_read, outcome.rows_accepted, outcome.rows_rejected = file_totals(center)
    outcome.rows_lost = (
        outcome.rows_read - outcome.rows_accepted - outcome.rows_rejected + len(reconciliation(center))
    )
    return outcome


# -- the table -------------------------------------------------------------------------------------


def baseline(base: Path) -> Path:
    """The fixture center refreshed once: the published warehouse every scenario starts from."""
    center = new_center(base, "baseline")
    code = center.refresh()
    if code != 0:
        raise SystemExit(f"the baseline refresh failed (exit {code}); run `make refresh` to see why")
    return center.warehouse


def print_table(outcomes: list[Outcome]) -> None:
    headers = ["scenario", "faults", "survived", "rows read", "accepted", "rejected", "lost",
               "reader queries", "failed"]  # fmt: skip
    rows = [
        [o.scenario, o.faults, o.survived, o.rows_read, o.rows_accepted, o.rows_rejected, o.rows_lost,
         o.reader_queries, o.reader_failures]
        for o in outcomes
    ]  # fmt: skip
    total = ["total", *[sum(r[i] for r in rows) for i in range(1, len(headers))]]
    widths = [max(len(f"{r[i]:,}" if isinstance(r[i], int) else str(r[i])) for r in [headers, *rows, total])
              for i in range(len(headers))]  # fmt: skip

    def fmt(row):
        return "  ".join(
            (f"{v:,}".rjust(w) if isinstance(v, int) else str(v).ljust(w))
            for v, w in zip(row, widths, strict=True)
        )

    print(fmt(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row))
    print("  ".join("-" * w for w in widths))
    print(fmt(total))
    for outcome in outcomes:
        for note in outcome.notes:
            print(f"  {outcome.scenario}: {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability", description=__doc__.split("\n\n")[0])
    parser.add_argument("--random-kills", type=int, default=2)
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--refreshes", type=int, default=2)
    parser.add_argument("--bad-files", type=int, default=120)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 10_000)
    parser.add_argument("--reader", help=argparse.SUPPRESS)  # one reader process of the scenario
    parser.add_argument("--stop-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reader:
        print(json.dumps(reader_loop(args.reader, args.stop_file)))
        return 0
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        base = Path(tmp)
        print(f"Reliability scenarios (seed {args.seed}); each refresh is a real process (~20 s)")
        steps = [
            ("bad files", lambda: bad_files_scenario(base, args.bad_files, args.seed)),
            ("re-delivery", lambda: redelivery_scenario(base)),
            ("schema drift", lambda: schema_drift_scenario(base)),
        ]
        published = None
        for name, step in steps:
            print(f"  … {name}", flush=True)
            outcomes.append(step())
        print("  … baseline refresh", flush=True)
        published = baseline(base)
        for point in CRASH_POINTS:
            print(f"  … kill at {point}", flush=True)
            outcomes.append(crash_scenario(base, published, [point]))
        for i in range(args.random_kills):
            print(f"  … random kill {i + 1} of {args.random_kills}", flush=True)
            outcomes.append(crash_scenario(base, published, [args.seed + i]))
        print(f"  … {args.readers} readers through {args.refreshes} refreshes", flush=True)
        outcomes.append(readers_scenario(base, published, args.readers, args.refreshes))
    print()
    print_table(outcomes)
    failed = [o.scenario for o in outcomes if not o.ok]
    print()
    print("All faults survived: nothing lost, no reader query failed." if not failed else f"FAILED: {failed}")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
