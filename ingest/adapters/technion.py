"""The Technion "Anonymous Bank" call log (1999): one line per call, VRU, queue and service times.

Tab-separated monthly files (`data_anonymous_bank_february.txt`) and the comma-separated copies
made from spreadsheets are both read. Dates are YYMMDD (or a spreadsheet date whose year may be
wrong: set `year:` in _format.yaml); clock times carry no date and wrap past midnight. Every rule
and every field is in docs/adapters.md; the counts for the February and August files are in
docs/adapters.md next to the source's own.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from ingest.adapters import Adapted, FolderFormat, LineAccount
from ingest.readers import ROW_NUMBER, FileRejected, decode_text

COLUMNS = [
    "vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry", "vru_exit",
    "vru_time", "q_start", "q_exit", "q_time", "outcome", "ser_start", "ser_exit", "ser_time", "server",
]  # fmt: skip
# Service type -> reason code (seeds/call_reasons.csv) and queue; override with `reasons:`.
REASONS = {
    "PS": "bank_regular", "PE": "bank_regular_english", "IN": "bank_internet",
    "NE": "bank_stock_exchange", "NW": "bank_prospect", "TT": "bank_callback_hold",
}  # fmt: skip
OUTCOMES = ("AGENT", "HANG", "PHANTOM")
MESSAGES = {
    "phantom_call": "outcome PHANTOM: a virtual call the source says to ignore",
    "negative_ivr_time": "vru_exit is before vru_entry (negative time in the VRU)",
    "invalid_value": (
        "a field is not in the source's format (date YYMMDD, times H:MM:SS, outcome AGENT/HANG/PHANTOM)"
    ),
    "served_without_service_time": "outcome AGENT but ser_start is 0:00:00",
    "service_before_queue": "service starts before the call joined the queue",
}


def _read(data: bytes) -> pl.DataFrame:
    text, _encoding = decode_text(data)
    first = text.split("\n", 1)[0]
    separator = "\t" if "\t" in first else ","
    try:
        frame = pl.read_csv(io.StringIO(text), separator=separator, infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise FileRejected(f"the file is not a readable call log: {str(exc).splitlines()[0]}") from None
    frame = frame.rename({c: c.strip().lower() for c in frame.columns})
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise FileRejected(f"missing required column(s) {', '.join(missing)} of the Technion call log")
    return (
        frame.select(COLUMNS)
        .with_row_index(ROW_NUMBER, offset=2)
        .with_columns(pl.col(ROW_NUMBER).cast(pl.Int64), *[pl.col(c).str.strip_chars() for c in COLUMNS])
    )


def _seconds(col: str) -> pl.Expr:
    """H:MM:SS -> seconds after midnight; null when not a clock time."""
    parts = pl.col(col).str.extract_groups(r"^(\d{1,2}):(\d{2}):(\d{2})$")
    return (
        parts.struct.field("1").cast(pl.Int64) * 3600
        + parts.struct.field("2").cast(pl.Int64) * 60
        + parts.struct.field("3").cast(pl.Int64)
    )


def adapt(fmt: FolderFormat, path: Path, data: bytes) -> Adapted:
    frame = _read(data)
    year = fmt.get("year")
    reasons = {**REASONS, **{str(k): str(v) for k, v in (fmt.get("reasons") or {}).items()}}
    col = pl.col
    raw_date = col("date")
    yymmdd = raw_date.str.extract_groups(r"^(\d{2})(\d{2})(\d{2})$")
    iso = raw_date.str.extract_groups(r"^(\d{4})-(\d{2})-(\d{2})")
    y = pl.coalesce(iso.struct.field("1").cast(pl.Int64), 1900 + yymmdd.struct.field("1").cast(pl.Int64))
    if year is not None:
        y = pl.lit(int(year))
    day = pl.date(
        y,
        pl.coalesce(iso.struct.field("2"), yymmdd.struct.field("2")).cast(pl.Int64),
        pl.coalesce(iso.struct.field("3"), yymmdd.struct.field("3")).cast(pl.Int64),
    )
    entry = _seconds("vru_entry")

    # Clock times after vru_entry's by more than 12 hours back are on the next day (midnight wrap).
    def clock(name: str) -> pl.Expr:
        s = _seconds(name)
        return pl.when(s < entry - 12 * 3600).then(s + 86400).otherwise(s)

    frame = frame.with_columns(
        _day=day,
        _entry=entry,
        _vru_exit=clock("vru_exit"),
        _queued=pl.when(col("q_start") != "0:00:00").then(clock("q_start")),
        _q_exit=pl.when(col("q_start") != "0:00:00").then(clock("q_exit")),
        _ser_start=pl.when(col("ser_start") != "0:00:00").then(clock("ser_start")),
        _ser_exit=pl.when(col("ser_start") != "0:00:00").then(clock("ser_exit")),
    )
    scientific = col("customer_id").str.contains(r"(?i)^\d+(\.\d+)?e\+?\d+$")
    wellformed = (
        col("_day").is_not_null()
        & col("_entry").is_not_null()
        & col("_vru_exit").is_not_null()
        & col("outcome").is_in(OUTCOMES)
        & (col("q_start").eq("0:00:00") | col("_queued").is_not_null() & col("_q_exit").is_not_null())
        & (col("ser_start").eq("0:00:00") | col("_ser_start").is_not_null() & col("_ser_exit").is_not_null())
    )
    rule = (
        pl.when(~wellformed)
        .then(pl.lit("invalid_value"))
        .when(col("outcome") == "PHANTOM")
        .then(pl.lit("phantom_call"))
        .when((col("outcome") == "AGENT") & col("_ser_start").is_null())
        .then(pl.lit("served_without_service_time"))
        .when(col("_vru_exit") < col("_entry"))
        .then(pl.lit("negative_ivr_time"))
        .when(col("_ser_start") < col("_queued"))
        .then(pl.lit("service_before_queue"))
    )
    frame = frame.with_columns(_rule=rule)
    bad = frame.filter(col("_rule").is_not_null())
    rejected = bad.select(
        ROW_NUMBER,
        col("_rule").alias("rule"),
        col("_rule").alias("rules"),
        pl.lit(None, pl.String).alias("column_name"),
        col("_rule").replace_strict(MESSAGES, return_dtype=pl.String).alias("message"),
        # Customer ids are personal data: rejected rows keep only their last three digits.
        pl.struct([c for c in COLUMNS if c != "customer_id"])
        .struct.with_fields(customer_id=pl.lit("…") + col("customer_id").str.slice(-3))
        .struct.json_encode()
        .alias("raw_values"),
    )
    good = frame.filter(col("_rule").is_null())

    midnight = col("_day").cast(pl.Datetime("us"))

    def stamp(seconds: pl.Expr) -> pl.Expr:
        return (midnight + pl.duration(seconds=seconds)).dt.strftime("%Y-%m-%d %H:%M:%S")

    agent = pl.when(col("server") != "NO_SERVER").then(col("server"))
    served = col("outcome") == "AGENT"
    queued_at = (
        pl.when(col("_queued").is_not_null())
        .then(col("_queued"))
        # Served without waiting in the queue: the agent took the call as it left the VRU.
        .when(served)
        .then(col("_ser_start"))
    )
    ended = (
        pl.when(served)
        .then(col("_ser_exit"))
        .when(col("_queued").is_not_null())
        .then(col("_q_exit"))
        .otherwise(col("_vru_exit"))
    )
    out = good.select(
        ROW_NUMBER,
        pl.concat_str([col("vru+line"), col("date"), col("call_id")], separator="-").alias("call_id"),
        pl.lit("1").alias("segment"),
        # 0 = unidentified caller; Excel's scientific notation lost digits, so it identifies no one.
        pl.when((col("customer_id") == "0") | scientific)
        .then(pl.lit(""))
        .otherwise(col("customer_id"))
        .alias("caller_number"),
        pl.when(queued_at.is_not_null()).then(col("type")).alias("queue"),
        stamp(col("_entry")).alias("started_at"),
        stamp(queued_at).alias("queued_at"),
        pl.when(served).then(stamp(col("_ser_start"))).alias("answered_at"),
        stamp(ended).alias("ended_at"),
        pl.when(served).then(agent).alias("agent_id"),
        pl.lit("caller_hangup").alias("end_reason"),
        col("type").replace_strict(reasons, default=None, return_dtype=pl.String).alias("reason_code"),
        col("priority"),
    ).with_columns(district=fmt.district_expr(pl.col("queue")))
    # Who hung up is not recorded for served calls.
    out = out.with_columns(end_reason=pl.when(pl.col("answered_at").is_null()).then(pl.col("end_reason")))
    n_scientific = good.filter(scientific).height
    notes = [f"Technion call log: {frame.height:,} lines"]
    if n_scientific:
        notes.append(
            f"{n_scientific:,} customer ids in scientific notation (digits lost by a spreadsheet) "
            "loaded as unidentified callers"
        )
    negative = frame.filter(col("vru_time").str.starts_with("-")).height
    if negative:
        notes.append(f"{negative:,} lines with a negative vru_time")
    account = LineAccount(source_lines=frame.height, in_records=good.height, rejected=bad.height)
    return Adapted(out, rejected, notes, account, file_format="technion")
