"""Asterisk CDRs: `Master.csv` written by cdr_csv, or a `cdr_custom` layout with declared columns.

A CDR is one leg of a call (a channel and what it was bridged to), not a queue visit. Legs are
grouped into calls by `linkedid` (or by `uniqueid` when the file has no linkedid) and each leg
that rang agents becomes one segment. What CDRs cannot say is listed in docs/adapters.md: when a
caller joined a queue (so waiting, service level and abandonment timing are approximate or
absent), hold and wrap-up time.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import polars as pl

from ingest.adapters import EPOCH, Adapted, FolderFormat, LineAccount, rejection, rejections, utc_text
from ingest.readers import ROW_NUMBER, FileRejected, decode_text

BASE_COLUMNS = [
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
    "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
]  # fmt: skip
# cdr_csv appends optional columns; their number tells which are there.
LAYOUTS_BY_WIDTH = {
    16: BASE_COLUMNS,
    17: [*BASE_COLUMNS, "uniqueid"],
    18: [*BASE_COLUMNS, "uniqueid", "userfield"],
    19: [*BASE_COLUMNS, "peeraccount", "linkedid", "sequence"],
    20: [*BASE_COLUMNS, "uniqueid", "peeraccount", "linkedid", "sequence"],
    21: [*BASE_COLUMNS, "uniqueid", "userfield", "peeraccount", "linkedid", "sequence"],
}
KNOWN = set(LAYOUTS_BY_WIDTH[21])
NEEDED = {"src", "dstchannel", "lastapp", "lastdata", "start", "answer", "end", "disposition"}
AGENT_APPS = {"queue", "dial"}


def _time(text: str) -> str | None:
    """CDR times: local 'YYYY-MM-DD HH:MM:SS' (cdr_csv) or an epoch (cdr_custom with ,u)."""
    text = text.strip()
    if not text:
        return None
    if EPOCH.fullmatch(text):
        return utc_text(float(text))
    return text


def adapt(fmt: FolderFormat, path: Path, data: bytes) -> Adapted:
    text, _encoding = decode_text(data)
    declared = fmt.get("columns")
    if fmt.name == "asterisk_cdr_custom" and not declared:
        raise FileRejected(
            f"{fmt.folder}/_format.yaml must list `columns:` in the order of cdr_custom.conf "
            "(e.g. [clid, src, dst, …]); see docs/adapters.md"
        )
    if declared:
        columns = [str(c).strip().lower() for c in declared]
        unknown = sorted(set(columns) - KNOWN - {"skip"})
        if unknown or not set(columns) >= NEEDED:
            raise FileRejected(
                f"{fmt.folder}/_format.yaml columns: unknown {unknown or 'none'}, "
                f"missing {sorted(NEEDED - set(columns)) or 'none'}"
            )
    else:
        columns = None
    rows: list[dict] = []
    rejected: list[dict] = []
    lines = 0
    for no, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not fields or not any(f.strip() for f in fields):
            continue
        lines += 1
        raw = ",".join(f'"{f}"' for f in fields)
        layout = columns or LAYOUTS_BY_WIDTH.get(len(fields))
        if layout is None or len(fields) != len(layout):
            rejected.append(
                rejection(no, "malformed_line", f"{len(fields)} fields; a Master.csv line has 16 to 21", raw)
            )
            continue
        row = dict(zip(layout, (f.strip() for f in fields), strict=True))
        row[ROW_NUMBER] = no
        rows.append(row)
    if not lines:
        raise FileRejected("the file holds no CDR lines")
    legs = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame({ROW_NUMBER: []})
    account = LineAccount(source_lines=lines, in_records=len(rows), rejected=len(rejected))
    if rows:
        frame, notes = _segments(legs, fmt)
    else:
        frame, notes = pl.DataFrame(schema={ROW_NUMBER: pl.Int64}), []
    notes.insert(0, f"CDR ({'cdr_custom' if declared else 'cdr_csv'}): {lines:,} lines (call legs)")
    return Adapted(frame, rejections(rejected), notes, account, file_format="cdr")


def _segments(legs: pl.DataFrame, fmt: FolderFormat) -> tuple[pl.DataFrame, list[str]]:
    prefix = str(fmt.get("call_id_prefix", ""))
    direct_queue = str(fmt.get("direct_dial_queue", "direct"))
    col = pl.col
    legs = legs.with_columns(pl.lit("", pl.String).alias(name) for name in sorted(KNOWN - set(legs.columns)))
    app = col("lastapp").str.to_lowercase()
    rang_agents = app.is_in(AGENT_APPS)
    answered = rang_agents & (col("disposition").str.to_uppercase() == "ANSWERED") & (col("dstchannel") != "")
    group = pl.coalesce(col("linkedid").replace("", None), col("uniqueid").replace("", None))
    legs = legs.with_columns(
        # Without uniqueid/linkedid a leg is its own call, named by its start and channel.
        _call=pl.when(group.is_not_null())
        .then(group)
        .otherwise(pl.concat_str([col("start").str.replace_all(r"\D", ""), col("channel")], separator="-")),
        _rang=rang_agents,
        _answered=answered,
        _start=col("start").map_elements(_time, return_dtype=pl.String),
        _answer=col("answer").map_elements(_time, return_dtype=pl.String),
        _end=col("end").map_elements(_time, return_dtype=pl.String),
        _seq=col("sequence").cast(pl.Int64, strict=False),
    )
    # A call's IVR-only leg counts only when the call has no leg that rang agents.
    legs = legs.with_columns(
        _any_rang=col("_rang").any().over("_call"), _call_start=col("_start").min().over("_call")
    )
    kept = legs.filter(col("_rang") | ~col("_any_rang")).sort("_call", "_start", "_seq", ROW_NUMBER)
    kept = kept.with_columns(
        _n=pl.int_range(1, pl.len() + 1).over("_call"),
        _last=pl.len().over("_call"),
    )
    queue = (
        pl.when(app.is_in(["queue"]))
        .then(col("lastdata").str.split(",").list.first())
        .when(col("_rang"))
        .then(pl.lit(direct_queue))
    )
    frame = kept.select(
        ROW_NUMBER,
        pl.concat_str([pl.lit(prefix), col("_call")]).alias("call_id"),
        col("_n").cast(pl.String).alias("segment"),
        col("src").alias("caller_number"),
        col("dst").alias("service_number"),
        queue.alias("queue"),
        col("_call_start").alias("started_at"),
        # The leg's start is when it began ringing agents: the nearest a CDR comes to queue entry.
        pl.when(col("_rang")).then(col("_start")).alias("queued_at"),
        pl.when(col("_answered")).then(col("_answer")).alias("answered_at"),
        col("_end").alias("ended_at"),
        pl.when(col("_answered")).then(col("dstchannel").str.extract(fmt.agent_pattern, 1)).alias("agent_id"),
        pl.when(col("_n") < col("_last")).then(pl.lit("transfer")).alias("end_reason"),
    )
    frame = frame.with_columns(district=fmt.district_expr(pl.col("queue")))
    dropped = legs.height - kept.height
    dispositions = Counter(legs["disposition"].to_list())
    notes = [
        f"{frame['call_id'].n_unique():,} calls, {frame.height:,} segments",
        "dispositions " + ", ".join(f"{n:,} {d or '(empty)'}" for d, n in sorted(dispositions.items())),
    ]
    if dropped:
        notes.append(f"{dropped:,} IVR legs of calls that reached agents folded into those calls")
    return frame, notes
