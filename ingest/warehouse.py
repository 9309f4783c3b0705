"""The raw schema of the DuckDB warehouse and how accepted and rejected rows are written to it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from ingest.contracts import CONTRACTS, Contract

# The one list of raw tables. RAW_TABLES: where each source's accepted rows land (every row,
# history included). LOADED_TABLES: every table a load writes and dbt's sources read, in the
# order the orchestration declares them as assets.
RAW_TABLES = {
    "calls": "raw.calls",
    "tickets": "raw.ticket_history",  # raw.tickets is derived: the newest state per ticket
    "surveys": "raw.surveys",
    "qa": "raw.qa_evaluations",
    "agents": "raw.agent_history",  # raw.agents is derived: the newest file's row per agent
}
LOADED_TABLES = ["calls", "tickets", "ticket_history", "surveys", "qa_evaluations", "agents", "agent_history",
                 "loaded_files", "rejected_rows"]  # fmt: skip
_SQL_TYPES = {
    "text": "varchar",
    "int": "bigint",
    "decimal": "decimal(18, 4)",
    "timestamp": "timestamp",  # UTC, naive: see docs/data-contracts.md
    "date": "date",
    "bool": "boolean",
    "district": "varchar",
    "reason": "varchar",
}
LINEAGE = "_file_id bigint not null, _row_number bigint not null, _loaded_at timestamp not null"


def _columns_ddl(contract: Contract) -> str:
    return ", ".join(_column_defs(contract))


def _column_defs(contract: Contract) -> list[str]:
    parts = []
    for col in contract.columns:
        if col.kind == "phone":
            parts += ["caller_key varchar", "caller_number_masked varchar"]
        else:
            parts.append(f"{col.name} {_SQL_TYPES[col.kind]}")
    return parts


def content_columns(source: str) -> list[str]:
    names: list[str] = []
    for col in CONTRACTS[source].columns:
        names += ["caller_key", "caller_number_masked"] if col.kind == "phone" else [col.name]
    return names


def open_for_writing(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection with the memory limit, threads and temp directory of the settings."""
    from ingest.settings import duckdb_config

    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    # SET rather than connect(config=...): a process that already holds the file (dbt in-process)
    # refuses a second connection with another configuration; these settings are the database's.
    for name, value in duckdb_config().items():
        con.execute(f"set {name} = '{value}'" if name != "threads" else f"set threads = {int(value)}")
    return con


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    con = open_for_writing(path)
    ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    con.execute("create sequence if not exists raw.file_id_seq start 1")
    con.execute(
        """
        create table if not exists raw.loaded_files (
            file_id bigint primary key,
            source varchar not null,
            file_path varchar not null,       -- relative to LANDING_DIR
            content_sha256 varchar not null,
            size_bytes bigint,
            file_format varchar,
            encoding varchar,
            layout varchar,                   -- 'canonical' or the vendor mapping's name
            status varchar not null,          -- loaded | failed
            rows_read bigint not null,
            rows_accepted bigint not null,    -- rows_read = rows_accepted + rows_rejected
            rows_rejected bigint not null,
            rows_duplicate bigint not null,   -- accepted rows already loaded from an earlier file
            message varchar,
            loaded_at timestamp not null
        )
        """
    )
    con.execute(
        """
        create table if not exists raw.rejected_rows (
            file_id bigint not null,
            source varchar not null,
            file_path varchar not null,
            row_number bigint not null,       -- as a spreadsheet shows it (header = row 1)
            rule varchar not null,            -- the first rule the row broke
            rules varchar not null,           -- every rule it broke, comma-separated
            column_name varchar,
            message varchar,
            raw_values json,                  -- the row as landed, caller numbers masked
            rejected_at timestamp not null
        )
        """
    )
    tables = {**RAW_TABLES, "tickets_latest": "raw.tickets", "agents_latest": "raw.agents"}
    for source, table in tables.items():
        contract = CONTRACTS[source.removesuffix("_latest")]
        con.execute(f"create table if not exists {table} ({_columns_ddl(contract)}, {LINEAGE})")
        # A warehouse made before a column joined the contract gains it (empty for old rows).
        for part in _column_defs(contract):
            con.execute(f"alter table {table} add column if not exists {part}")
    # Event-style exports (Asterisk queue_log): where every line went, per file.
    for column in LINE_ACCOUNT:
        con.execute(f"alter table raw.loaded_files add column if not exists {column} bigint")
    # The landing file's modification time (ns) when it was loaded: with its path and size, it lets
    # the next refresh pass over a file it has loaded without reading it again (loader.py).
    con.execute("alter table raw.loaded_files add column if not exists modified_ns bigint")
    con.execute(
        """
        create table if not exists raw.agent_events (
            event_at timestamp not null,      -- UTC
            agent_id varchar,                 -- job number taken from the agent field
            agent_field varchar,              -- the agent field as the switch wrote it
            queue varchar,
            event varchar not null,           -- AGENTLOGIN, PAUSE, RINGNOANSWER, ...
            call_id varchar,
            data varchar,
            _file_id bigint not null,
            _row_number bigint not null,
            _loaded_at timestamp not null
        )
        """
    )
    con.execute(
        """
        create table if not exists raw.queue_log_held (
            stream varchar not null,          -- landing folder whose next file finishes these calls
            origin_file varchar not null,
            line_no bigint not null,
            line varchar not null,            -- in file form: epoch|callid|queue|agent|event|data…
            _file_id bigint not null
        )
        """
    )
    con.execute(
        """
        create table if not exists raw.adapter_flags (
            call_id varchar not null,
            segment bigint not null,
            flag varchar not null,            -- no_exit_event, transfer_not_logged, ...
            _file_id bigint not null
        )
        """
    )


LINE_ACCOUNT = (
    "source_lines", "lines_carried_in", "lines_in_records", "lines_agent_events",
    "lines_ignored", "lines_held", "lines_rejected",
)  # fmt: skip


def held_lines(con: duckdb.DuckDBPyConnection, stream: str) -> pl.DataFrame:
    return con.sql(
        "select line_no, line, origin_file from raw.queue_log_held where stream = ? "
        "order by _file_id, line_no",
        params=[stream],
    ).pl()


def record_adapted(con: duckdb.DuckDBPyConnection, file_id: int, stream: str, adapted) -> None:
    """What an adapter produced besides call segments: agent events, held lines, flags, line counts."""
    lines = adapted.lines
    if lines is not None:
        values = [
            lines.source_lines, lines.carried_in, lines.in_records, lines.agent_events,
            lines.ignored, lines.held, lines.rejected,
        ]  # fmt: skip
        sets = ", ".join(f"{c} = ?" for c in LINE_ACCOUNT)
        con.execute(f"update raw.loaded_files set {sets} where file_id = ?", [*values, file_id])
    if adapted.held is not None:
        con.execute("delete from raw.queue_log_held where stream = ?", [stream])
        if adapted.held.height:
            _insert(con, "raw.queue_log_held", adapted.held.with_columns(stream=pl.lit(stream)), file_id)
    if adapted.agent_events is not None and adapted.agent_events.height:
        events = adapted.agent_events.with_columns(
            pl.col("event_at").str.replace(r"\+00:00$", "").str.to_datetime("%Y-%m-%d %H:%M:%S")
        )
        _insert(con, "raw.agent_events", events, file_id, loaded_at=True)
    if adapted.flags is not None and adapted.flags.height:
        _insert(con, "raw.adapter_flags", adapted.flags, file_id)


def _insert(con, table: str, frame: pl.DataFrame, file_id: int, *, loaded_at: bool = False) -> None:
    frame = frame.with_columns(pl.lit(file_id, pl.Int64).alias("_file_id"))
    extra = ", current_timestamp::timestamp as _loaded_at" if loaded_at else ""
    con.register("_adapted", frame)
    try:
        con.execute(f"insert into {table} by name select *{extra} from _adapted")
    finally:
        con.unregister("_adapted")


def find_loaded(con: duckdb.DuckDBPyConnection, sha256: str, source: str) -> tuple | None:
    """The newest load of this content as this source (the same export may feed two sources,
    e.g. a report with calls and their ratings, landed in calls/ and in surveys/)."""
    rows = con.execute(
        "select file_id, file_path, status from raw.loaded_files where content_sha256 = ? and source = ? "
        "order by file_id desc limit 1",
        [sha256, source],
    ).fetchall()
    return rows[0] if rows else None


def loaded_fingerprints(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, int, int]]:
    """(source, path, size, modification time) of every file loaded, in one query."""
    return set(
        con.execute(
            "select source, file_path, size_bytes, modified_ns from raw.loaded_files "
            "where status = 'loaded' and modified_ns is not null"
        ).fetchall()
    )


def next_file_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select nextval('raw.file_id_seq')").fetchall()[0][0]


def split_against_loaded(
    con: duckdb.DuckDBPyConnection, source: str, incoming: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """For append-only sources, compare rows with those already loaded from earlier files.

    Returns (new rows, conflicting rows, count of identical duplicates). An identical row landed
    again (a re-export) is counted once; a row whose key is loaded with other values is a conflict
    and is rejected so that a person decides which version is right.
    """
    if source in ("tickets", "agents") or incoming.is_empty():
        return incoming, incoming.clear(), 0
    key = CONTRACTS[source].key
    table = RAW_TABLES[source]
    same = " and ".join(f"i.{c} is not distinct from e.{c}" for c in content_columns(source))
    on = " and ".join(f"i.{c} = e.{c}" for c in key)
    con.register("_incoming", incoming)
    try:
        status = con.sql(
            f"""
            select i._row_number,
                   case when e.{key[0]} is null then 'new'
                        when {same} then 'duplicate' else 'conflict' end as status
            from _incoming as i
            left join {table} as e on {on}
            """
        ).pl()
    finally:
        con.unregister("_incoming")
    # A key loaded several times before would give several rows: any conflict wins.
    status = status.group_by("_row_number").agg(
        pl.when((pl.col("status") == "conflict").any())
        .then(pl.lit("conflict"))
        .otherwise(pl.col("status").first())
        .alias("status")
    )
    joined = incoming.join(status, on="_row_number", how="left")
    new = joined.filter(pl.col("status") == "new").drop("status")
    conflicts = joined.filter(pl.col("status") == "conflict").drop("status")
    duplicates = joined.filter(pl.col("status") == "duplicate").height
    return new, conflicts, duplicates


def insert_rows(con: duckdb.DuckDBPyConnection, source: str, rows: pl.DataFrame, file_id: int) -> None:
    if rows.is_empty():
        return
    table = RAW_TABLES[source]
    frame = rows.with_columns(pl.lit(file_id, pl.Int64).alias("_file_id"))
    con.register("_rows", frame)
    try:
        con.execute(
            f"insert into {table} by name select *, current_timestamp::timestamp as _loaded_at from _rows"
        )
    finally:
        con.unregister("_rows")
    if source == "tickets":
        _refresh_latest(
            con,
            "raw.tickets",
            "raw.ticket_history",
            "ticket_id",
            file_id,
            "greatest(created_at, coalesce(resolved_at, created_at), "
            "coalesce(closed_at, created_at), coalesce(callback_at, created_at)) desc, ",
        )
    elif source == "agents":
        _refresh_latest(con, "raw.agents", "raw.agent_history", "agent_id", file_id, "")


def _refresh_latest(con, table: str, history: str, key: str, file_id: int, order: str) -> None:
    """Newest state per key: by the latest of its timestamps (tickets), then file order.

    The newest of (the key's newest state so far, this file's rows) is its newest over the whole
    history, since the order is total: a file costs its own keys, not a read of the history.
    """
    con.execute(
        f"create or replace temp table _candidates as select * from {history} where _file_id = ?", [file_id]
    )
    con.execute(
        f"insert into _candidates by name "
        f"select * from {table} where {key} in (select {key} from _candidates)"
    )
    con.execute(f"delete from {table} where {key} in (select {key} from _candidates)")
    con.execute(
        f"""
        insert into {table} by name
        select * exclude (_rank) from (
            select *, row_number() over (
                partition by {key} order by {order}_file_id desc, _row_number desc
            ) as _rank
            from _candidates
        ) where _rank = 1
        """
    )
    con.execute("drop table _candidates")


def rows_stored(con: duckdb.DuckDBPyConnection, source: str, file_id: int) -> int:
    """Rows of the file in its raw table (history tables for tickets and agents)."""
    return con.execute(f"select count(*) from {RAW_TABLES[source]} where _file_id = ?", [file_id]).fetchall()[
        0
    ][0]


def insert_rejected(
    con: duckdb.DuckDBPyConnection, source: str, file_id: int, file_path: str, rejected: pl.DataFrame
) -> None:
    if rejected.is_empty():
        return
    frame = rejected.select(
        pl.lit(file_id, pl.Int64).alias("file_id"),
        pl.lit(source).alias("source"),
        pl.lit(file_path).alias("file_path"),
        pl.col("_row_number").cast(pl.Int64).alias("row_number"),
        "rule",
        "rules",
        "column_name",
        "message",
        "raw_values",
    )
    con.register("_rejected", frame)
    try:
        con.execute(
            "insert into raw.rejected_rows by name "
            "select *, current_timestamp::timestamp as rejected_at from _rejected"
        )
    finally:
        con.unregister("_rejected")


def record_file(con: duckdb.DuckDBPyConnection, **values) -> None:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    con.execute(
        f"insert into raw.loaded_files ({columns}, loaded_at) values ({marks}, current_timestamp::timestamp)",
        list(values.values()),
    )
