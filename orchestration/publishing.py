"""Publishing: one writer, a store that only the refresh opens, and a small published file.

Readers (dashboards, analysts) open DUCKDB_DATABASE read-only. DuckDB lets no process open a
file while another holds it read-write, so the refresh never writes to the published file:

- `<file>.store` holds everything the refresh builds: raw (landed rows, rejected rows, file
  log), staging, intermediate and marts. Only the refresh opens it, in place: nothing is copied.
  Each file is loaded in one transaction and each dbt model is replaced in one, so a killed
  refresh leaves it consistent, and the next refresh carries on from there.
- The published file holds the marts and what readers need from `meta`, nothing else. After
  every blocking check has passed, the publisher brings a spare copy of the published file up to
  date and swaps it in with one `os.replace`. The spare is the previous published file (kept as
  `<file>.spare` by a hard link at the swap), so it lacks only the changes of the last two
  refreshes: incremental marts get the days rebuilt since (recorded by dbt in
  `meta.mart_changes`), other marts are replaced whole (they are daily aggregates). The cost of a
  publish is the size of what changed, not of the history.
- A reader that still has the old file open keeps reading it. If one still holds the spare when
  the next publish starts (an analyst's long session), the spare is left to them and the publish
  writes a new file instead (a whole copy of the marts, once).

If a refresh fails or is killed, the published file is untouched. docs/runbook.md lists the
failure modes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest import settings
from ingest.faults import crash_point
from ingest.warehouse import open_for_writing

_LOCKS: dict[Path, int] = {}
# What readers need from meta besides the marts (what the refresh was built from, and when).
PUBLISHED_META = ("refresh_inputs", "last_refresh")


class RefreshBusy(RuntimeError):
    """Another refresh holds the writer lock."""


@dataclass(frozen=True)
class WarehouseFiles:
    published: Path

    def _beside(self, suffix: str) -> Path:
        return self.published.with_name(self.published.name + suffix)

    @property
    def store(self) -> Path:
        """Everything the refresh builds; only the refresh opens it."""
        return settings.store_path(self.published)

    @property
    def next(self) -> Path:
        """The published file being brought up to date (exists only during a publish)."""
        return self._beside(".next")

    @property
    def spare(self) -> Path:
        """The previous published file, the starting point of the next publish."""
        return self._beside(".spare")

    @property
    def lock(self) -> Path:
        return self._beside(".lock")

    @property
    def status(self) -> Path:
        return self._beside(".status.json")


def acquire_writer_lock(files: WarehouseFiles) -> None:
    """Take the single-writer lock (released by release_writer_lock or when the process dies)."""
    if files.published in _LOCKS:
        return
    files.lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(files.lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise RefreshBusy(f"another refresh is writing {files.published} (lock {files.lock})") from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    _LOCKS[files.published] = fd


def release_writer_lock(files: WarehouseFiles) -> None:
    fd = _LOCKS.pop(files.published, None)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def open_store(files: WarehouseFiles, say=print) -> Path:
    """Take the writer lock and return the store, created on first use.

    A warehouse of the earlier single-file layout (raw in the published file) becomes the store
    by one copy; a store that went missing starts empty, and the loader reloads the landing files.
    """
    acquire_writer_lock(files)
    if not files.store.exists() and files.published.exists():
        if _has_schema(files.published, "raw"):
            say(f"Moving to the store layout: {files.published} is copied once to {files.store}")
            _copy_whole(files.published, files.store)
        else:
            say(f"The store {files.store} is missing: it starts empty and every landing file is loaded again")
    with open_for_writing(files.store) as con:
        con.execute("create schema if not exists meta")
        con.execute("create table if not exists meta.store_identity as select uuid()::varchar as store_id")
    return files.store


def _has_schema(path: Path, schema: str) -> bool:
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return bool(
                con.execute(
                    "select count(*) from duckdb_schemas() where schema_name = ?", [schema]
                ).fetchall()[0][0]
            )
    except duckdb.Error:
        return False


def _copy_whole(source: Path, target: Path) -> None:
    tmp = target.with_name(target.name + ".tmp")
    with open(source, "rb") as src, open(tmp, "wb") as dst:
        while chunk := src.read(1 << 24):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(tmp, target)


@dataclass
class PublishReport:
    copied_whole: list[str]
    days_replaced: dict[str, str]  # table: first day rebuilt
    unchanged: list[str]
    fresh_file: bool
    keys_replaced: list[str] = field(default_factory=list)  # tables whose rebuilt keys were replaced
    spare_change: int | None = None  # the last store change the spare held before this publish
    seconds: dict[str, float] = field(default_factory=dict)  # where the publish's time went

    def describe(self) -> str:
        parts = []
        if self.days_replaced:
            parts.append(", ".join(f"{t} from {d}" for t, d in sorted(self.days_replaced.items())))
        if self.keys_replaced:
            parts.append(", ".join(f"{t}: rows rebuilt" for t in sorted(self.keys_replaced)))
        if self.copied_whole:
            parts.append(f"{len(self.copied_whole)} mart(s) copied whole")
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} unchanged")
        timing = ", ".join(f"{phase} {sec:.1f} s" for phase, sec in self.seconds.items())
        return (
            ("a new published file: " if self.fresh_file else "")
            + "; ".join(parts)
            + (f" ({timing})" if timing else "")
        )


def publish(files: WarehouseFiles) -> PublishReport:
    """Bring the spare up to date from the store (one transaction) and swap it in atomically."""
    started = time.perf_counter()
    fresh = _prepare_next(files)
    with open_for_writing(files.store) as con:
        con.execute(f"attach '{_quoted(files.next)}' as published")
        try:
            con.execute("begin transaction")
            report = _bring_up_to_date(con)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        updated = time.perf_counter()
        con.execute("checkpoint published")
        con.execute("detach published")
        report.seconds["update"] = updated - started
        report.seconds["checkpoint"] = time.perf_counter() - updated
        # Rebuilt keys that no file which can become `.next` still lacks (those are the published
        # file and this one, both past the spare's change): the log stays the size of a few runs.
        if report.spare_change is not None and "mart_changed_keys" in _tables(con, store_name(con), "meta"):
            con.execute("delete from meta.mart_changed_keys where change_id <= ?", [report.spare_change])
    report.fresh_file = fresh
    os.chmod(files.next, 0o640)  # owner and group (the dashboards' and analysts'), not the world
    synced = time.perf_counter()
    with open(files.next, "rb") as handle:
        os.fsync(handle.fileno())
    report.seconds["sync"] = time.perf_counter() - synced
    if files.published.exists():
        files.spare.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # no hard links here: the next publish writes a new file
            os.link(files.published, files.spare)  # the old file becomes the next publish's start
    else:  # the first publish: a copy is the next one's start (else it would write a new file too)
        _copy_whole(files.next, files.spare)
    crash_point("publish.before_replace")
    os.replace(files.next, files.published)
    directory = os.open(files.published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return report


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


# DuckDB reuses the blocks that replaced days free, but never gives them back to the disk: once
# more than this share of the spare is free, the publish writes a new file (all marts, once).
MAX_FREE_SHARE = 0.4


def _prepare_next(files: WarehouseFiles) -> bool:
    """Make `.next` the file to bring up to date; True when it starts empty."""
    if not files.next.exists() and files.spare.exists():
        os.replace(files.spare, files.next)  # a killed publish's `.next` is newer: keep it instead
    if files.next.exists():
        try:
            with duckdb.connect(str(files.next)) as con:
                free, total = con.execute(
                    "select free_blocks, total_blocks from pragma_database_size()"
                ).fetchall()[0]
            if not total or free / total <= MAX_FREE_SHARE:
                return False
            files.next.unlink()  # mostly freed blocks: a new file is smaller than reusing them
        except duckdb.Error:  # a reader still holds it, or it is damaged: leave it, start anew
            files.next.unlink(missing_ok=True)
    files.next.with_name(files.next.name + ".wal").unlink(missing_ok=True)
    return True


def _columns(con, database: str, schema: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        [database, schema, table],
    ).fetchall()


def _tables(con, database: str, schema: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = ? order by 1",
            [database, schema],
        ).fetchall()
    ]


def store_name(con) -> str:
    return con.execute("select current_database()").fetchall()[0][0]


def _bring_up_to_date(con) -> PublishReport:
    store = store_name(con)
    report = PublishReport([], {}, [], False)
    con.execute("create schema if not exists published.marts")
    con.execute("create schema if not exists published.meta")
    (store_id,) = con.execute("select store_id from meta.store_identity").fetchall()[0]
    applied = None  # the last store change the file holds; None: unknown, copy every mart whole
    if "publish_state" in _tables(con, "published", "meta"):
        for published_store, change_id in con.execute(
            "select store_id, change_id from published.meta.publish_state"
        ).fetchall():
            applied = change_id if published_store == store_id else None
    report.spare_change = applied
    incremental: set[str] = set()
    since: dict[str, tuple] = {}
    newest = -1
    if "mart_changes" in _tables(con, store, "meta"):
        newest = con.execute("select coalesce(max(change_id), -1) from meta.mart_changes").fetchall()[0][0]
        incremental = {
            row[0] for row in con.execute("select distinct model_name from meta.mart_changes").fetchall()
        }
        since = {
            row[0]: row[1:]
            for row in con.execute(
                "select model_name, any_value(day_column), "
                "bool_or(rebuilt_from is null and not coalesce(by_key, false)), min(rebuilt_from), "
                "bool_or(coalesce(by_key, false)) "
                "from meta.mart_changes where change_id > ? group by 1",
                [applied if applied is not None else -1],
            ).fetchall()
        }
    wanted = _tables(con, store, "marts")
    present = set(_tables(con, "published", "marts"))
    for table in wanted:
        source, target = f"marts.{table}", f"published.marts.{table}"
        same_shape = table in present and _columns(con, store, "marts", table) == _columns(
            con, "published", "marts", table
        )
        if applied is not None and same_shape and table in incremental:
            if table not in since:
                report.unchanged.append(table)
                continue
            day_column, whole, first_day, by_key = since[table]
            if not whole and by_key:  # rebuilt by key (fct_tickets): the rows of the keys rebuilt
                keys = (
                    "select keys.key_value from meta.mart_changed_keys as keys "
                    "join meta.mart_changes as changes on keys.change_id = changes.change_id "
                    "where changes.model_name = ? and changes.change_id > ?"
                )
                for statement in (
                    f'delete from {target} where cast("{day_column}" as varchar) in ({keys})',
                    f"insert into {target} by name select * from {source} "
                    f'where cast("{day_column}" as varchar) in ({keys})',
                ):
                    con.execute(statement, [table, applied])
                report.keys_replaced.append(table)
                continue
            if not whole:
                con.execute(f'delete from {target} where "{day_column}" >= ?', [first_day])
                con.execute(
                    f'insert into {target} by name select * from {source} where "{day_column}" >= ?',
                    [first_day],
                )
                report.days_replaced[table] = str(first_day)
                continue
        con.execute(f"create or replace table {target} as select * from {source}")
        report.copied_whole.append(table)
    for table in sorted(present - set(wanted)):
        con.execute(f"drop table published.marts.{table}")
    store_meta = set(_tables(con, store, "meta"))
    for table in PUBLISHED_META:
        if table in store_meta:
            con.execute(f"create or replace table published.meta.{table} as select * from meta.{table}")
    con.execute(
        "create or replace table published.meta.publish_state as "
        "select ?::varchar as store_id, ?::bigint as change_id, current_timestamp::timestamp as published_at",
        [store_id, newest],
    )
    return report


def read_status(files: WarehouseFiles) -> dict:
    try:
        return json.loads(files.status.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def record_status(files: WarehouseFiles, outcome: str, **details) -> dict:
    """Record the last success or failure beside the warehouse (atomically), for the dashboards."""
    status = read_status(files)
    status[f"last_{outcome}"] = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **details}
    tmp = files.status.with_name(files.status.name + ".tmp")
    tmp.parent.mkdir(parents=True, exist_ok=True)
    tmp.write_text(json.dumps(status, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, files.status)
    return status
