"""Adapters: turn a switch's or vendor's own export into canonical call segments.

A landing sub-folder says which export format it holds, either by its name
(`calls/asterisk_queue_log/`, `calls/asterisk_cdr/`, `calls/technion_bank/`) or by a
`_format.yaml` file in it (which may also set the district and other options):

    format: asterisk_queue_log     # asterisk_queue_log | asterisk_cdr | asterisk_cdr_custom | technion_bank
    district: shiqu                # district of every call of this folder (required), or
    districts_by_queue: {repair: jiangning}   # per queue, with `district` as the default
    call_id_prefix: pbx1-          # when several switches may reuse the same unique ids

Every adapter returns the same thing: canonical text columns (as if a canonical CSV had been
landed, so the contract's rules still apply), the lines it rejected itself with a rule, and an
account of every line of the file. docs/adapters.md maps every field and event.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import yaml

from ingest.pii import redact_landed_line
from ingest.readers import ROW_NUMBER, FileRejected

FORMAT_FILE = "_format.yaml"
FORMATS = ("asterisk_queue_log", "asterisk_cdr", "asterisk_cdr_custom", "technion_bank")
# Folder names that choose a format without a _format.yaml.
FOLDER_NAMES = {
    "asterisk_queue_log": "asterisk_queue_log",
    "queue_log": "asterisk_queue_log",
    "asterisk_cdr": "asterisk_cdr",
    "cdr_csv": "asterisk_cdr",
    "cdr_custom": "asterisk_cdr_custom",
    "technion_bank": "technion_bank",
    "technion": "technion_bank",
}
REJECT_COLUMNS = ("rule", "rules", "column_name", "message", "raw_values")


@dataclass(frozen=True)
class FolderFormat:
    name: str
    folder: str  # relative to the landing folder: the stream whose files follow each other
    options: dict = field(default_factory=dict)

    def get(self, key: str, default=None):
        return self.options.get(key, default)

    @property
    def agent_pattern(self) -> str:
        """Regex whose first group is the job number in the switch's agent field. Matched by
        Polars' regex engine, which runs in linear time (no pattern can hang the load) and
        refuses backreferences and look-arounds: an invalid pattern fails the file with why."""
        pattern = str(self.get("agent_pattern", DEFAULT_AGENT_PATTERN))
        try:
            groups = pl.Series([""]).str.extract_groups(pattern).struct.fields
        except pl.exceptions.ComputeError as exc:
            reason = str(exc).split("error:")[-1].splitlines()[0].strip()
            raise FileRejected(
                f"agent_pattern '{pattern}' in {self.folder}/{FORMAT_FILE} is not usable: {reason}"
            ) from None
        if not groups:
            raise FileRejected(
                f"agent_pattern '{pattern}' in {self.folder}/{FORMAT_FILE} has no group; put the job "
                "number in parentheses, e.g. ^SIP/(\\d+)"
            )
        return pattern

    def agent_ids(self, values) -> dict[str, str | None]:
        """The job number of each distinct agent field (the pattern's first group; the field as
        it is when the pattern does not match; None for an empty field or NONE)."""
        distinct = pl.Series("raw", sorted({v for v in values if v}), pl.String)
        found = distinct.str.extract(self.agent_pattern, 1).fill_null(distinct).str.strip_chars()
        return {
            raw: (None if raw.upper() == "NONE" or not agent else agent)
            for raw, agent in zip(distinct.to_list(), found.to_list(), strict=True)
        }

    def district_expr(self, queue: pl.Expr) -> pl.Expr:
        """District of each call: per queue where configured, else the folder's district."""
        default = self.get("district")
        by_queue = {str(k): str(v) for k, v in (self.get("districts_by_queue") or {}).items()}
        if default is None and not by_queue:
            raise FileRejected(
                f"the folder {self.folder}/ does not say which district its calls belong to; "
                f"add `district: <code>` to {self.folder}/{FORMAT_FILE} (see docs/adapters.md)"
            )
        expr = pl.lit(None if default is None else str(default), pl.String)
        if by_queue:
            expr = queue.replace_strict(by_queue, default=expr, return_dtype=pl.String)
        return expr


@dataclass
class LineAccount:
    """Where every line of an event-style file went (rows of the canonical frame are segments)."""

    source_lines: int = 0  # data lines in the file (header excluded)
    carried_in: int = 0  # lines held back by the previous file of the folder
    in_records: int = 0  # lines that made call segments
    agent_events: int = 0  # lines stored in raw.agent_events
    ignored: int = 0  # events with no bearing on calls, counted per event in the notes
    held: int = 0  # lines of calls still open at the end of the file, waiting for the next file
    rejected: int = 0  # lines rejected with a rule


@dataclass
class Adapted:
    frame: pl.DataFrame  # canonical column names, text values, plus _row_number
    rejected: pl.DataFrame  # _row_number + REJECT_COLUMNS
    notes: list[str] = field(default_factory=list)
    lines: LineAccount | None = None
    agent_events: pl.DataFrame | None = None
    held: pl.DataFrame | None = None  # queue_log lines carried to the next file of the folder
    flags: pl.DataFrame | None = None  # call_id, segment, flag, detail
    file_format: str = ""


REJECT_SCHEMA = {ROW_NUMBER: pl.Int64, **{c: pl.String for c in REJECT_COLUMNS}}
# The agent field of a switch (PJSIP/1001, Local/1001@from-queue/n, SIP/1001-0000a1b2) -> 1001.
DEFAULT_AGENT_PATTERN = r"^(?:[A-Za-z0-9]+/)?([^@/\-]+)"
EPOCH = re.compile(r"\d{9,11}(\.\d+)?")


def rejection(row: int, rule: str, message: str, raw: str, column: str | None = None) -> dict:
    """One line an adapter rejects, as a row of raw.rejected_rows: the line as landed, with caller
    numbers and caller names masked (pii.redact_landed_line): the landing file keeps the original."""
    return {
        ROW_NUMBER: row,
        "rule": rule,
        "rules": rule,
        "column_name": column,
        "message": message,
        "raw_values": json.dumps({"line": redact_landed_line(raw)}, ensure_ascii=False),
    }


def rejections(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=REJECT_SCHEMA)


def utc_text(epoch: float) -> str:
    """An epoch (always UTC) as timestamp text the validator reads as that instant."""
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")


def folder_format(path: Path, landing: Path, source: str) -> FolderFormat | None:
    """The export format declared for the folder holding `path` (nearest folder first)."""
    if source != "calls":
        return None
    root = landing / source
    folder = path.parent
    while folder != root and root in folder.parents:
        declared = folder / FORMAT_FILE
        if declared.is_file():
            return _read_format_file(declared, folder.relative_to(landing).as_posix())
        if folder.name.lower() in FOLDER_NAMES:
            rel = folder.relative_to(landing).as_posix()
            return FolderFormat(FOLDER_NAMES[folder.name.lower()], rel, {})
        folder = folder.parent
    return None


def _read_format_file(path: Path, rel: str) -> FolderFormat:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise FileRejected(f"{rel}/{FORMAT_FILE} is not valid UTF-8 YAML ({exc})") from None
    if not isinstance(doc, dict):
        raise FileRejected(f"{rel}/{FORMAT_FILE} must be a mapping of options")
    name = doc.get("format") or FOLDER_NAMES.get(Path(rel).name.lower())
    if name not in FORMATS:
        raise FileRejected(f"{rel}/{FORMAT_FILE}: format {name!r} is not one of {', '.join(FORMATS)}")
    return FolderFormat(name, rel, {k: v for k, v in doc.items() if k != "format"})


def adapt(
    fmt: FolderFormat, path: Path, data: bytes, carried: pl.DataFrame | None, tz: str, secret: bytes
) -> Adapted:
    if fmt.name == "asterisk_queue_log":
        from ingest.adapters import queue_log

        return queue_log.adapt(fmt, path, data, carried, tz, secret)
    if fmt.name in ("asterisk_cdr", "asterisk_cdr_custom"):
        from ingest.adapters import asterisk_cdr

        return asterisk_cdr.adapt(fmt, path, data)
    from ingest.adapters import technion

    return technion.adapt(fmt, path, data)
