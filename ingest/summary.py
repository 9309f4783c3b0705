"""A plain-words summary of what the warehouse holds (used by `make demo`)."""

from __future__ import annotations

from pathlib import Path

import duckdb

TABLES = [
    ("raw.calls", "call segments", "started_at"),
    ("raw.tickets", "tickets (latest state)", "created_at"),
    ("raw.ticket_history", "ticket states (history)", "created_at"),
    ("raw.surveys", "surveys sent", "sent_at"),
    ("raw.qa_evaluations", "QA evaluations", "evaluated_at"),
    ("raw.agents", "people on the roster", None),
]


def print_summary(database: Path) -> int:
    if not database.exists():
        print(f"No warehouse at {database} yet: run `make load` (or `make demo`).")
        return 1
    with duckdb.connect(str(database), read_only=True) as con:
        print(f"Warehouse {database}")
        for table, label, ts in TABLES:
            span = f", min({ts})::date, max({ts})::date" if ts else ""
            row = con.execute(f"select count(*){span} from {table}").fetchall()[0]
            dates = f"  ({row[1]} to {row[2]}, UTC dates)" if ts and row[0] else ""
            print(f"  {row[0]:>10,}  {label}{dates}")
        calls = con.execute(
            "select count(distinct call_id), count(distinct caller_key) from raw.calls"
        ).fetchall()[0]
        print(f"  {calls[0]:>10,}  distinct calls from {calls[1]:,} identified callers")
        files = con.execute(
            "select status, count(*), sum(rows_read), sum(rows_rejected) "
            "from raw.loaded_files group by status order by status"
        ).fetchall()
        for status, n, read, rejected in files:
            print(f"  {n:>10,}  files {status} ({read or 0:,} rows read, {rejected or 0:,} rejected)")
        rules = con.execute(
            "select source, rule, count(*) from raw.rejected_rows group by all order by 3 desc limit 10"
        ).fetchall()
        if rules:
            print("  Rejected rows by rule:")
            for source, rule, n in rules:
                print(f"  {n:>10,}  {source}: {rule}")
    return 0
