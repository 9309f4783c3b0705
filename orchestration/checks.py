"""What the refresh checks before it publishes: plain functions over a DuckDB connection, so they
can be tested without Dagster. Each returns the problems found (empty = passed)."""

from __future__ import annotations

import datetime as dt
import statistics

import duckdb

from ingest.warehouse import RAW_TABLES


def reconciliation_problems(con: duckdb.DuckDBPyConnection, after_file_id: int = 0) -> list[str]:
    """Every landed row is either in raw or rejected: per file, rows read = accepted + rejected,
    the raw table holds the accepted rows (less identical re-deliveries) and rejected_rows holds
    the rejected ones. Files with ids up to `after_file_id` are left out (the daily refresh
    checks the files loaded since the last check that passed: `reconciled_through`)."""
    after = int(after_file_id)  # raw tables are stored in load order: the filter skips the history
    stored = " union all ".join(
        f"select _file_id as file_id, count(*) as n from {table} where _file_id > {after} group by 1"
        for table in RAW_TABLES.values()
    )
    rows = con.execute(
        f"""
        with stored as ({stored}),
        rejected as (select file_id, count(*) as n from raw.rejected_rows where file_id > {after} group by 1)
        select files.file_path, files.rows_read, files.rows_accepted, files.rows_rejected,
               files.rows_duplicate, coalesce(stored.n, 0), coalesce(rejected.n, 0)
        from raw.loaded_files as files
        left join stored on files.file_id = stored.file_id
        left join rejected on files.file_id = rejected.file_id
        where files.status = 'loaded' and files.file_id > {after}
        """
    ).fetchall()
    problems = []
    for path, read, accepted, rejected, duplicate, in_raw, in_rejected in rows:
        if read != accepted + rejected:
            problems.append(f"{path}: {read} rows read but {accepted} accepted + {rejected} rejected")
        if in_raw != accepted - duplicate:
            problems.append(f"{path}: {accepted - duplicate} rows to store but {in_raw} in raw")
        if in_rejected != rejected:
            problems.append(f"{path}: {rejected} rows rejected but {in_rejected} in raw.rejected_rows")
    # Switch exports (queue_log, CDR, Technion log): every line made a record, an agent event, was
    # ignored (counted), is held for the next file, or was rejected.
    lines = con.execute(
        """
        select file_path, source_lines + lines_carried_in,
               lines_in_records + lines_agent_events + lines_ignored + lines_held + lines_rejected
        from raw.loaded_files
        where status = 'loaded' and source_lines is not null and file_id > ?
        """,
        [after],
    ).fetchall()
    problems += [
        f"{path}: {read} lines read but {placed} accounted for "
        "(records, agent events, ignored, held, rejected)"
        for path, read, placed in lines
        if read != placed
    ]
    return problems


def reconciled_through(con: duckdb.DuckDBPyConnection) -> int:
    """The newest file id of the last reconciliation that passed (0: none yet)."""
    con.execute("create schema if not exists meta")
    con.execute("create table if not exists meta.reconciled (file_id bigint)")
    return con.execute("select coalesce(max(file_id), 0) from meta.reconciled").fetchall()[0][0]


def mark_reconciled(con: duckdb.DuckDBPyConnection) -> None:
    """Every file loaded so far passed: the next check starts after them."""
    reconciled_through(con)
    con.execute("delete from meta.reconciled")
    con.execute("insert into meta.reconciled select coalesce(max(file_id), 0) from raw.loaded_files")


def freshness_problems(con: duckdb.DuckDBPyConnection, day: dt.date, tz: str) -> list[str]:
    """The day's calls are in the warehouse (local date of the center)."""
    # Within a day either side in UTC first (no time zone is 26 h or more off UTC): that bound
    # lets DuckDB skip the history instead of converting every call's time.
    (count,) = con.execute(
        "select count(*) from raw.calls where started_at >= ?::date - 1 and started_at < ?::date + 2 "
        "and cast(timezone(?, started_at at time zone 'UTC') as date) = ?",
        [day, day, tz, day],
    ).fetchall()[0]
    return [] if count else [f"no calls started on {day} ({tz}) have been loaded"]


def volume_problems(con: duckdb.DuckDBPyConnection, day: dt.date, weeks: int = 8) -> list[str]:
    """A day's offered calls far outside the usual range for days like it (a warning, not an
    error: surges happen, but so do half-delivered files).

    Days like it: a public holiday is compared with the holidays of the past year, an ordinary
    day or a make-up workday with the same weekday of ordinary weeks (dim_dates.day_type). A
    holiday compared with its weekday would always look like a half-delivered file."""
    today = con.execute(
        "select offered, day_type from marts.rpt_kpi_daily where call_date = ?", [day]
    ).fetchall()
    if not today:
        return []
    offered, day_type = today[0]
    if day_type == "holiday":
        like, since, alike = "holiday", day - dt.timedelta(days=365), "day_type = 'holiday'"
    else:
        like, since = f"{day:%A}", day - dt.timedelta(weeks=weeks)
        alike = f"iso_weekday = {day.isoweekday()} and day_type in ('ordinary', 'unknown')"
    history = [
        n
        for (n,) in con.execute(
            f"select offered from marts.rpt_kpi_daily where call_date between ? and ? and offered > 0 "
            f"and {alike}",
            [since, day - dt.timedelta(days=1)],
        ).fetchall()
    ]
    if len(history) < 3:
        return []
    median = statistics.median(history)
    low, high = 0.5 * median, 2.0 * median
    if low <= offered <= high:
        return []
    return [
        f"{offered:,} calls offered on {day}, usual for a {like} is {median:,.0f} "
        f"(range {low:,.0f}–{high:,.0f} over the last {len(history)} {like}s)"
    ]
