"""Safe publishing of the warehouse: one writer, a working copy, an atomic rename.

Readers (dashboards, analysts) open DUCKDB_DATABASE read-only. DuckDB lets no process open a
file while another holds it read-write, so the refresh never writes to the published file: it
copies it to `<file>.next`, loads and builds there, and after every blocking check has passed
replaces the published file with one `os.replace`. A reader that still has the old file open
keeps reading the old version; the next open sees the new one. If the refresh fails or is
killed, the published file is untouched; the next refresh starts from a fresh copy.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ingest.faults import crash_point
from ingest.warehouse import open_for_writing

_LOCKS: dict[Path, int] = {}


class RefreshBusy(RuntimeError):
    """Another refresh holds the writer lock."""


@dataclass(frozen=True)
class WarehouseFiles:
    published: Path

    @property
    def working(self) -> Path:
        return self.published.with_name(self.published.name + ".next")

    @property
    def lock(self) -> Path:
        return self.published.with_name(self.published.name + ".lock")

    @property
    def status(self) -> Path:
        return self.published.with_name(self.published.name + ".status.json")


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


def start_working_copy(files: WarehouseFiles) -> Path:
    """A fresh working copy of the published warehouse (an empty one the first time)."""
    acquire_writer_lock(files)
    for leftover in (files.working, files.working.with_name(files.working.name + ".wal")):
        leftover.unlink(missing_ok=True)  # a killed refresh's half-built copy
    if files.published.exists():
        shutil.copyfile(files.published, files.working)
    return files.working


def publish_working_copy(files: WarehouseFiles) -> None:
    """Checkpoint the working copy and make it the published warehouse in one rename."""
    with open_for_writing(files.working) as con:
        con.execute("checkpoint")
    with open(files.working, "rb") as handle:
        os.fsync(handle.fileno())
    crash_point("publish.before_replace")
    os.replace(files.working, files.published)
    directory = os.open(files.published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


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
