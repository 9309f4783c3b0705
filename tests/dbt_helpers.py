"""Run dbt against a temporary warehouse, in-process (dbt's start-up cost is paid once per process)."""

from __future__ import annotations

import os
from pathlib import Path

from dbt.cli.main import dbtRunner, dbtRunnerResult

ROOT = Path(__file__).resolve().parents[1]
DBT_DIR = ROOT / "dbt_project"


def target_dir() -> Path:
    """A target folder per test worker (pytest -n): two in-process dbt runs never write the same
    manifest, and the orchestration's dbt_project/target/manifest.json stays as `dbt parse` wrote it."""
    return DBT_DIR / "target" / f"pytest-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def run_dbt(database: Path, *args: str, vars_: str | None = None) -> dbtRunnerResult:
    """`dbt <args>` on `database`; raises with dbt's messages when it fails."""
    os.environ["DUCKDB_DATABASE"] = str(database)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    target = target_dir()
    cli = [*args, "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR), "--target-path", str(target),
           "--quiet"]  # fmt: skip
    if vars_:
        cli += ["--vars", vars_]
    result = dbtRunner().invoke(cli)
    if not result.success:
        failures = []
        for node in getattr(result.result, "results", None) or []:
            if getattr(node, "status", None) not in ("success", "pass"):
                failures.append(f"{node.node.unique_id}: {node.status} {node.message}")
        raise AssertionError(f"dbt {' '.join(args)} failed: {result.exception or ''}\n" + "\n".join(failures))
    return result


def connect(database: Path):
    """A connection for assertions after an in-process dbt run.

    dbt-duckdb keeps its connection to the file open inside this process, and DuckDB refuses a
    second connection with another configuration (read_only) in the same process.
    """
    import duckdb

    return duckdb.connect(str(database))


def rows(database: Path, sql: str) -> list[dict]:
    """The result of `sql` on `database` as dicts (column name: value)."""
    with connect(database) as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
