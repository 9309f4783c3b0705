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


def agent_event_lines(calls: pl.DataFrame, tz: str) -> pl.DataFrame:
    """The agent events a switch would log for the agents of `calls` (epoch, line, day): each
    stretch of work (calls less than 3 hours apart) is a session, logged in to the queues it
    answered 5-15 minutes before its first call (ADDMEMBER) and out 3-10 minutes after its last
    call's wrap-up (REMOVEMEMBER). The session's longest gap between calls, if 35 minutes or more,
    holds a lunch pause of up to 45 minutes, and its next longest gaps of 12 minutes or more (up to
    three in all) a break of up to 15 (PAUSEALL ... UNPAUSEALL). One session in 50 has no logoff,
    as when an agent closes the softphone. `day` is the local date of the session's first call: a
    session's lines stay in one file."""
    c = pl.col
    answered = (
        calls.filter(c("answered_at").is_not_null() & c("agent_id").is_not_null() & c("queue").is_not_null())
        .select(
            "agent_id",
            "queue",
            c("answered_at").dt.date().alias("day"),
            _epoch("answered_at", tz).alias("_start"),
            pl.coalesce(_epoch("wrapup_ended_at", tz), _epoch("ended_at", tz)).alias("_end"),
        )
        .sort("agent_id", "_start")
        .with_columns(_before=c("_end").cum_max().shift(1).over("agent_id"))
        .with_columns(_new=c("_before").is_null() | (c("_start") - c("_before") > 3 * 3600))
        .with_columns(_session=c("_new").cast(pl.Int64).cum_sum().over("agent_id"))
    )
    key = pl.struct("agent_id", "_session").hash(17)
    sessions = answered.group_by("agent_id", "_session").agg(
        c("day").first(),
        (c("_start").min()).alias("_first"),
        (c("_end").max()).alias("_last"),
        c("queue").unique().sort().alias("queues"),
    )
    sessions = sessions.with_columns(
        _login=c("_first") - 300 - (key % 600).cast(pl.Int64),
        _logoff=c("_last") + 180 + (pl.struct("agent_id", "_session").hash(29) % 420).cast(pl.Int64),
        _closed=(key % 50) != 0,
    ).explode("queues")
    gaps = answered.filter(~c("_new") & (c("_start") - c("_before") >= 720)).with_columns(
        _gap=c("_start") - c("_before"),
        _rank=(c("_start") - c("_before")).rank("ordinal", descending=True).over("agent_id", "_session"),
    )
    lunch = (c("_rank") == 1) & (c("_gap") >= 2100)
    longest = pl.when(lunch).then(2700).otherwise(900)  # seconds: a lunch, a break
    gaps = gaps.filter(lunch | (c("_rank") <= 3)).with_columns(
        reason=pl.when(lunch).then(pl.lit("lunch")).otherwise(pl.lit("break")),
        _resume=c("_before") + 60 + pl.min_horizontal(c("_gap") - 120, longest),
    )
    agent = pl.concat_str([pl.lit("Local/"), c("agent_id"), pl.lit("@from-queue/n")])

    def lines(frame: pl.DataFrame, at: pl.Expr, queue: pl.Expr, event: str, data: pl.Expr) -> pl.DataFrame:
        return frame.select(
            at.alias("epoch"),
            pl.concat_str(
                [at.cast(pl.String), pl.lit("NONE"), queue, agent, pl.lit(event), data], separator="|"
            ).alias("line"),
            "day",
        )

    first_day = answered.group_by("agent_id", "_session").agg(c("day").first())
    gaps = gaps.drop("day").join(first_day, on=["agent_id", "_session"])
    return pl.concat(
        [
            lines(sessions, c("_login"), c("queues"), "ADDMEMBER", pl.lit("")),
            lines(gaps, c("_before") + 60, pl.lit("NONE"), "PAUSEALL", c("reason")),
            lines(gaps, c("_resume"), pl.lit("NONE"), "UNPAUSEALL", pl.lit("")),
            lines(sessions.filter(c("_closed")), c("_logoff"), c("queues"), "REMOVEMEMBER", pl.lit("")),
        ]
    ).sort("epoch", maintain_order=True)


def write_agent_events(calls: pl.DataFrame, folder: Path, tz: str, tag: str = "") -> int:
    """The agents' events as a switch logs them (`agent_event_lines`), one queue_log file per week
    (rotated on Mondays, by the local day of the sessions' first calls), in `folder` (named
    queue_log-<tag>YYYYMMDD after the week's first day)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_format.yaml").write_text(
        "# Written by the demo generator: the agents' logins, pauses and logoffs (no calls).\n"
        "format: asterisk_queue_log\ndistrict: shiqu  # required by the format; these files hold no calls\n",
        encoding="utf-8",
    )
    events = agent_event_lines(calls, tz).with_columns(
        day=pl.max_horizontal(pl.col("day").dt.truncate("1w"), pl.col("day").min())
    )
    for (day,), part in events.partition_by("day", as_dict=True, maintain_order=True).items():
        text = "\n".join(part["line"].to_list()) + "\n"
        (folder / f"queue_log-{tag}{day:%Y%m%d}").write_text(text, encoding="utf-8")
    return events.height
