"""Write canonical call segments the way an Asterisk switch would: `queue_log` and `Master.csv`.

The demo generator uses these so the adapters can be tried (and tested) on a round trip: demo
calls -> switch files -> adapter -> the same KPIs, except what the formats cannot carry
(docs/adapters.md lists it: IVR-only calls, hold, wrap-up, reason codes for queue_log; queue
entry time, hold, wrap-up and the end reason for CDRs).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

ANSWERED_END = {
    "caller_hangup": "COMPLETECALLER",
    "agent_hangup": "COMPLETEAGENT",
    "transfer": "BLINDTRANSFER",
}
UNANSWERED_END = {
    "caller_hangup": "ABANDON", "queue_timeout": "EXITWITHTIMEOUT", "caller_exit": "EXITWITHKEY",
    "callback": "EXITWITHKEY", "system": "EXITEMPTY", "agent_hangup": "EXITEMPTY", "transfer": "EXITEMPTY",
}  # fmt: skip


def _epoch(name: str, tz: str) -> pl.Expr:
    return pl.col(name).dt.replace_time_zone(tz, ambiguous="earliest").dt.epoch("s")


def queue_log_lines(calls: pl.DataFrame, tz: str) -> pl.DataFrame:
    """One row per queue_log line (epoch, line) for the queued segments of `calls`, in time order.

    Calls that never reached a queue (IVR only) have no queue_log lines: the format cannot carry
    them. About one answered call in ten first rings an agent who does not answer (RINGNOANSWER).
    """
    c = pl.col
    seg = calls.filter(c("queue").is_not_null()).with_columns(
        _start=_epoch("started_at", tz),
        _queued=_epoch("queued_at", tz),
        _answered=_epoch("answered_at", tz),
        _ended=_epoch("ended_at", tz),
        _agent=pl.concat_str([pl.lit("Local/"), c("agent_id"), pl.lit("@from-queue/n")]),
        _caller=c("caller_number").fill_null(""),
        _wait=(_epoch("answered_at", tz) - _epoch("queued_at", tz)),
        _talk=(_epoch("ended_at", tz) - _epoch("answered_at", tz)),
        _left=(_epoch("ended_at", tz) - _epoch("queued_at", tz)),
    )
    answered = seg.filter(c("answered_at").is_not_null())
    unanswered = seg.filter(c("answered_at").is_null())
    full = unanswered.filter(c("end_reason") == "queue_full")
    waited = unanswered.filter(c("end_reason") != "queue_full")

    def line(frame: pl.DataFrame, at: str, queue: pl.Expr, agent: pl.Expr, event: str, *data: pl.Expr):
        return frame.select(
            c(at).alias("epoch"),
            pl.concat_str(
                [c(at).cast(pl.String), c("call_id"), queue, agent, pl.lit(event), *data], separator="|"
            ).alias("line"),
            pl.lit(
                {"DID": 0, "ENTERQUEUE": 1, "FULL": 1, "RINGNOANSWER": 2, "CONNECT": 3}.get(event, 4)
            ).alias("_order"),
        )

    q, none = c("queue"), pl.lit("NONE")
    s = lambda expr: expr.cast(pl.String)  # noqa: E731
    entered = pl.concat([waited, answered])
    parts = [
        line(seg.filter(c("segment") == 1), "_start", none, none, "DID", c("service_number").fill_null("")),
        line(entered, "_queued", q, none, "ENTERQUEUE", pl.lit(""), c("_caller"), pl.lit("1")),
        line(full, "_queued", q, none, "FULL"),
        line(
            answered.filter((c("call_id").hash(7) % 10 == 0) & (c("_wait") > 16)).with_columns(
                _ring=c("_queued") + 15
            ),
            "_ring", q, c("_agent"), "RINGNOANSWER", pl.lit("15000"),
        ),
        line(answered, "_answered", q, c("_agent"), "CONNECT", s(c("_wait")), c("call_id"), pl.lit("2")),
    ]  # fmt: skip
    for reason, event in ANSWERED_END.items():
        rows = answered.filter(c("end_reason") == reason)
        extra = [pl.lit("8000"), pl.lit("from-internal")] if event == "BLINDTRANSFER" else []
        parts.append(
            line(rows, "_ended", q, c("_agent"), event, *extra, s(c("_wait")), s(c("_talk")), pl.lit("1"))
        )
    for reason, event in UNANSWERED_END.items():
        rows = waited.filter(c("end_reason").fill_null("caller_hangup") == reason)
        key = [pl.lit("0")] if event == "EXITWITHKEY" else []
        parts.append(line(rows, "_ended", q, none, event, *key, pl.lit("1"), pl.lit("1"), s(c("_left"))))
    return pl.concat(parts).sort("epoch", "_order").drop("_order")


def write_queue_log(calls: pl.DataFrame, folder: Path, tz: str, district: str) -> int:
    """Daily rotated files `queue_log-YYYYMMDD` (local date of each line) and the folder's
    `_format.yaml`. Calls across midnight are split between two files, as a switch does."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_format.yaml").write_text(
        f"# Written by the demo generator: the switch of district {district}.\n"
        f"format: asterisk_queue_log\ndistrict: {district}\n",
        encoding="utf-8",
    )
    lines = queue_log_lines(calls, tz).with_columns(
        day=pl.from_epoch("epoch", time_unit="s")
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(tz)
        .dt.date()
    )
    for (day,), part in lines.partition_by("day", as_dict=True, maintain_order=True).items():
        text = "\n".join(part["line"].to_list()) + "\n"
        (folder / f"queue_log-{day:%Y%m%d}").write_text(text, encoding="utf-8")
    return lines.height


def master_csv(calls: pl.DataFrame) -> pl.DataFrame:
    """cdr_csv rows with all 21 columns (uniqueid, userfield, peeraccount, linkedid, sequence)."""
    c = pl.col
    fmt = "%Y-%m-%d %H:%M:%S"
    queued = c("queue").is_not_null()
    answered = c("answered_at").is_not_null()
    # The caller's channel starts when the call arrives, or at the transfer for later legs.
    start = pl.when(c("segment") == 1).then(c("started_at")).otherwise(c("queued_at"))
    return calls.sort("call_id", "segment").select(
        pl.lit("").alias("accountcode"),
        c("caller_number").fill_null("").alias("src"),
        c("service_number").fill_null("").alias("dst"),
        pl.lit("from-pstn").alias("dcontext"),
        pl.concat_str([pl.lit('"" <'), c("caller_number").fill_null(""), pl.lit(">")]).alias("clid"),
        pl.concat_str([pl.lit("SIP/trunk-"), c("call_id")]).alias("channel"),
        pl.when(answered)
        .then(pl.concat_str([pl.lit("SIP/"), c("agent_id"), pl.lit("-0000a1")]))
        .otherwise(pl.lit(""))
        .alias("dstchannel"),
        pl.when(queued).then(pl.lit("Queue")).otherwise(pl.lit("Playback")).alias("lastapp"),
        pl.when(queued).then(c("queue") + ",t").otherwise(pl.lit("custom/goodbye")).alias("lastdata"),
        start.dt.strftime(fmt).alias("start"),
        pl.when(answered).then(c("answered_at").dt.strftime(fmt)).otherwise(pl.lit("")).alias("answer"),
        c("ended_at").dt.strftime(fmt).alias("end"),
        (c("ended_at") - start).dt.total_seconds().cast(pl.String).alias("duration"),
        pl.when(answered)
        .then((c("ended_at") - c("answered_at")).dt.total_seconds())
        .otherwise(0)
        .cast(pl.String)
        .alias("billsec"),
        pl.when(answered | ~queued)
        .then(pl.lit("ANSWERED"))
        .otherwise(pl.lit("NO ANSWER"))
        .alias("disposition"),
        pl.lit("DOCUMENTATION").alias("amaflags"),
        pl.concat_str([c("call_id"), pl.lit("."), c("segment").cast(pl.String)]).alias("uniqueid"),
        pl.lit("").alias("userfield"),
        pl.lit("").alias("peeraccount"),
        c("call_id").alias("linkedid"),
        c("segment").cast(pl.String).alias("sequence"),
    )


def write_master_csv(calls: pl.DataFrame, folder: Path, district: str) -> int:
    """Daily `Master-YYYYMMDD.csv` files (no header, every field quoted, as cdr_csv writes), each
    holding the calls that started that day."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_format.yaml").write_text(
        f"# Written by the demo generator: the switch of district {district}.\n"
        f"format: asterisk_cdr\ndistrict: {district}\n",
        encoding="utf-8",
    )
    # Asterisk writes a call's CDRs when it ends, so a call's legs land in the same file: the file
    # of the day the call started.
    day = calls.sort("call_id", "segment")["started_at"].dt.strftime("%Y-%m-%d")
    rows = master_csv(calls).with_columns(day=day)
    for (day,), part in rows.partition_by("day", as_dict=True, maintain_order=True).items():
        text = part.drop("day").write_csv(include_header=False, quote_style="always")
        (folder / f"Master-{day.replace('-', '')}.csv").write_text(text, encoding="utf-8")
    return rows.height
