"""Asterisk `queue_log` (also FreePBX, Issabel, Wazo): queue events in, call segments out.

Two forms are read, told apart by the first line:

- the file form, one event per line: `epoch|callid|queuename|agent|event|data1|data2|…`;
- the database export (realtime `queue_log` table saved as CSV) with a header
  `time,callid,queuename,agent,event,data1,…,data5` (or one `data` column holding `a|b|c`).
  `time` is an epoch or a local date-time of the center.

A segment runs from ENTERQUEUE to the event that ends it (docs/adapters.md has the whole
table). A call that enters several queues becomes several segments of one call. Calls still open
at the end of a file are held and finished by the next file of the same folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from ingest.adapters import EPOCH, Adapted, FolderFormat, LineAccount, rejection, rejections, utc_text
from ingest.pii import held_caller
from ingest.readers import ROW_NUMBER, FileRejected, decode_text

ENTER = "ENTERQUEUE"
# Events that end a segment without an answer, and the contract's end_reason for each.
UNANSWERED_EXITS = {
    "ABANDON": "caller_hangup",
    "EXITWITHTIMEOUT": "queue_timeout",
    "EXITWITHKEY": "caller_exit",
    "EXITEMPTY": "system",
}
# Events that end an answered segment.
ANSWERED_EXITS = {
    "COMPLETECALLER": "caller_hangup",
    "COMPLETEAGENT": "agent_hangup",
    "TRANSFER": "transfer",
    "BLINDTRANSFER": "transfer",
    "ATTENDEDTRANSFER": "transfer",
}
# The caller could not join: a segment that starts and ends at once.
NOT_JOINED = {"FULL": "queue_full", "JOINEMPTY": "system", "JOINUNAVAIL": "system"}
RING_EVENTS = {"RINGNOANSWER", "RINGCANCELED"}
AGENT_EVENTS = {
    "AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF", "ADDMEMBER",
    "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL", "PAUSECUSTOM", "AGENTDUMP",
}  # fmt: skip
CALL_EVENTS = {ENTER, "CONNECT", "DID"} | set(UNANSWERED_EXITS) | set(ANSWERED_EXITS) | set(NOT_JOINED)
DEFAULT_OPEN_HOURS = 2.0
_DB_HEADER = re.compile(r"^\ufeff?\s*\"?time\"?\s*,", re.IGNORECASE)


@dataclass
class Line:
    no: int  # line number in its file (1-based)
    epoch: float
    callid: str
    queue: str
    agent: str
    event: str
    data: list[str]
    text: str  # the line in file form, as held or rejected
    origin: str = ""  # file the line came from when it was carried over


@dataclass
class Segment:
    queue: str
    queued_at: float
    caller: str
    lines: list[Line]
    answered_at: float | None = None
    agent: str | None = None
    ended_at: float | None = None
    end_reason: str | None = None
    flags: list[str] = field(default_factory=list)


def _parse_time(text: str, tz: ZoneInfo) -> float | None:
    text = text.strip()
    if EPOCH.fullmatch(text):
        return float(text)
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=tz)  # a repeated hour takes the earlier instant (fold=0)
    return stamp.timestamp()


def read_lines(data: bytes, tz: ZoneInfo) -> tuple[list[Line], list[dict], str]:
    """Parse either form into lines; returns (lines, rejected lines, form)."""
    text, _encoding = decode_text(data)
    rejected: list[dict] = []
    lines: list[Line] = []
    raw_lines = text.splitlines()
    if raw_lines and _DB_HEADER.match(raw_lines[0]):
        form = "database export"
        reader = csv.reader(io.StringIO(text))
        header = [h.strip().lower().lstrip("\ufeff") for h in next(reader)]
        needed = {"time", "callid", "queuename", "agent", "event"}
        if not needed <= set(header):
            raise FileRejected(
                f"the header lacks {', '.join(sorted(needed - set(header)))}; a queue_log export "
                "needs time, callid, queuename, agent, event, data1…data5"
            )
        data_cols = [i for i, h in enumerate(header) if h == "data" or re.fullmatch(r"data\d+", h)]
        pos = {h: header.index(h) for h in needed}
        for no, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            fields = ["" for _ in header]
            fields[: len(row)] = row[: len(header)]
            data_fields: list[str] = []
            for i in data_cols:
                data_fields += fields[i].split("|") if header[i] == "data" else [fields[i]]
            while data_fields and data_fields[-1] == "":
                data_fields.pop()
            core = [fields[pos[h]].strip() for h in ("time", "callid", "queuename", "agent", "event")]
            line_text = "|".join(core + data_fields)
            if len(row) > len(header):
                rejected.append(rejection(no, "malformed_line", "more fields than the header", line_text))
                continue
            lines.append(_make_line(no, core, data_fields, line_text, tz, rejected))
    else:
        form = "file"
        for no, raw in enumerate(raw_lines, start=1):
            if not raw.strip():
                continue
            parts = raw.rstrip("\r").split("|")
            if len(parts) < 5:
                rejected.append(
                    rejection(
                        no, "malformed_line", "fewer than 5 fields (epoch|callid|queue|agent|event)", raw
                    )
                )
                continue
            lines.append(_make_line(no, [p.strip() for p in parts[:5]], parts[5:], raw, tz, rejected))
    return [line for line in lines if line is not None], rejected, form


def _make_line(no, core, data_fields, text, tz, rejected) -> Line | None:
    stamp, callid, queue, agent, event = core
    epoch = _parse_time(stamp, tz)
    if epoch is None:
        rejected.append(
            rejection(no, "invalid_timestamp", "the time is neither an epoch nor a date-time", text)
        )
        return None
    if not event:
        rejected.append(rejection(no, "malformed_line", "the event name is empty", text))
        return None
    return Line(no, epoch, callid, queue, agent, event.upper(), [d.strip() for d in data_fields], text)


def _datum(line: Line, i: int) -> str:
    return line.data[i] if len(line.data) > i else ""


def adapt(
    fmt: FolderFormat, path: Path, data: bytes, carried: pl.DataFrame | None, tz_name: str, secret: bytes
) -> Adapted:
    tz = ZoneInfo(fmt.get("timezone") or tz_name)
    lines, rejected, form = read_lines(data, tz)
    for line in lines:
        _key_caller(line, secret)
    account = LineAccount(source_lines=len(lines) + len(rejected), rejected=len(rejected))
    if carried is not None and carried.height:
        # A switch's queue_log copied whole every day (never rotated) repeats the held lines:
        # a line already in this file is taken once, from this file.
        here = {_key(line) for line in lines}
        repeated = 0
        for row in carried.iter_rows(named=True):
            parts = row["line"].split("|")
            line = _make_line(row["line_no"], [p.strip() for p in parts[:5]], parts[5:], row["line"], tz, [])
            _key_caller(line, secret)  # held by an older version: in clear, keyed now
            if _key(line) in here:
                repeated += 1
                continue
            line.origin = row["origin_file"]
            lines.append(line)
        account.carried_in = carried.height - repeated
    if not lines and not rejected:
        raise FileRejected("the file holds no queue_log lines")
    lines.sort(key=lambda ln: (ln.epoch, ln.origin == "", ln.no))
    file_end = max(
        (ln.epoch for ln in lines if not ln.origin), default=max((ln.epoch for ln in lines), default=0)
    )
    open_seconds = float(fmt.get("open_call_hours", DEFAULT_OPEN_HOURS)) * 3600
    agent_id = fmt.agent_ids(ln.agent for ln in lines).get  # job number of each agent field
    prefix = str(fmt.get("call_id_prefix", ""))

    ignored: Counter[str] = Counter()
    events: list[dict] = []
    calls: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        if line.event in AGENT_EVENTS or line.event in RING_EVENTS:
            events.append(
                {
                    "event_at": utc_text(line.epoch), "agent_id": agent_id(line.agent),
                    "agent_field": line.agent, "queue": None if line.queue.upper() == "NONE" else line.queue,
                    "event": line.event,
                    "call_id": None if line.callid.upper() == "NONE" else prefix + line.callid,
                    "data": "|".join(line.data), ROW_NUMBER: line.no,
                }
            )  # fmt: skip
        elif line.event in CALL_EVENTS:
            if not line.callid or line.callid.upper() == "NONE":
                rejected.append(
                    rejection(line.no, "missing_callid", f"{line.event} without a call id", line.text)
                )
                account.rejected += 1
            else:
                calls[line.callid].append(line)
        else:
            ignored[line.event] += 1
    account.agent_events = len(events)
    account.ignored = sum(ignored.values())

    rows: list[dict] = []
    flags: list[dict] = []
    held: list[dict] = []
    for callid, call_lines in calls.items():
        segments, bad = _segments(call_lines)
        for line, rule, message in bad:
            rejected.append(rejection(line.no, rule, message + _origin(line), line.text))
        account.rejected += len(bad)
        last = max(ln.epoch for ln in call_lines)
        # Open: in a queue, just transferred, or arrived (DID) and not yet queued.
        still_open = (
            segments[-1].ended_at is None or segments[-1].end_reason == "transfer"
            if segments
            else any(ln.event == "DID" for ln in call_lines) and not bad
        )
        if still_open and file_end - last < open_seconds:
            used = [ln for ln in call_lines if all(ln is not b[0] for b in bad)]
            held += [
                {"line_no": ln.no, "line": ln.text, "origin_file": ln.origin or path.name} for ln in used
            ]
            account.held += len(used)
            continue
        dids = sum(ln.event == "DID" for ln in call_lines)
        if not segments:
            ignored["DID of a call that never queued"] += dids
            account.ignored += dids
            continue
        service_number = next((_datum(ln, 0) for ln in call_lines if ln.event == "DID"), None)
        started = min(ln.epoch for ln in call_lines if ln.event in (ENTER, "DID", *NOT_JOINED))
        account.in_records += sum(len(s.lines) for s in segments) + dids
        for number, seg in enumerate(segments, start=1):
            if seg.ended_at is None:
                seg.ended_at = file_end
                seg.end_reason = "system"
                seg.flags.append("no_exit_event")
            current = [ln.no for ln in seg.lines if not ln.origin] or [seg.lines[0].no]
            rows.append(
                {
                    ROW_NUMBER: min(current),
                    "call_id": prefix + callid,
                    "segment": str(number),
                    "caller_number": seg.caller,
                    "service_number": service_number or None,
                    "queue": seg.queue,
                    "started_at": utc_text(started),
                    "queued_at": utc_text(seg.queued_at),
                    "answered_at": None if seg.answered_at is None else utc_text(seg.answered_at),
                    "ended_at": utc_text(seg.ended_at),
                    "agent_id": agent_id(seg.agent or ""),
                    "end_reason": seg.end_reason,
                }
            )
            flags += [{"call_id": prefix + callid, "segment": number, "flag": f} for f in seg.flags]

    frame = pl.DataFrame(
        rows,
        schema={ROW_NUMBER: pl.Int64, "call_id": pl.String, "segment": pl.String, "caller_number": pl.String,
                "service_number": pl.String, "queue": pl.String, "started_at": pl.String,
                "queued_at": pl.String, "answered_at": pl.String, "ended_at": pl.String,
                "agent_id": pl.String, "end_reason": pl.String},
    )  # fmt: skip
    frame = frame.with_columns(district=fmt.district_expr(pl.col("queue"))).sort(ROW_NUMBER)
    notes = [f"queue_log ({form} form): {account.source_lines:,} lines"]
    if account.carried_in:
        notes.append(f"{account.carried_in:,} lines carried over from the previous file")
    if events:
        rings = sum(e["event"] in RING_EVENTS for e in events)
        notes.append(f"{len(events):,} agent events kept ({rings:,} unanswered rings)")
    if ignored:
        notes.append("ignored " + ", ".join(f"{n:,} {ev}" for ev, n in sorted(ignored.items())))
    if held:
        notes.append(
            f"{account.held:,} lines of calls still open at the end of the file held for the next file"
        )
    flag_counts = Counter(f["flag"] for f in flags)
    if flag_counts:
        notes.append("flagged " + ", ".join(f"{n:,} {flag}" for flag, n in sorted(flag_counts.items())))
    return Adapted(
        frame=frame,
        rejected=rejections(rejected),
        notes=notes,
        lines=account,
        agent_events=pl.DataFrame(events, schema=_EVENT_SCHEMA),
        held=pl.DataFrame(held, schema={"line_no": pl.Int64, "line": pl.String, "origin_file": pl.String}),
        flags=pl.DataFrame(flags, schema={"call_id": pl.String, "segment": pl.Int64, "flag": pl.String}),
        file_format="queue_log",
    )


_EVENT_SCHEMA = {
    "event_at": pl.String, "agent_id": pl.String, "agent_field": pl.String, "queue": pl.String,
    "event": pl.String, "call_id": pl.String, "data": pl.String, ROW_NUMBER: pl.Int64,
}  # fmt: skip


def _key_caller(line: Line, secret: bytes) -> None:
    """The caller id of an ENTERQUEUE line (data2), keyed and masked at once (pii.held_caller): it
    becomes the segment's caller, and a line held for the next file never stores it in clear."""
    if line.event != "ENTERQUEUE" or len(line.data) < 2 or not line.data[1]:
        return
    token = held_caller(line.data[1], secret)
    if token != line.data[1]:
        line.data[1] = token
        parts = line.text.split("|")
        if len(parts) > 6:
            parts[6] = token
            line.text = "|".join(parts)


def _key(line: Line) -> tuple:
    return (line.epoch, line.callid, line.queue, line.agent, line.event, tuple(line.data))


def _origin(line: Line) -> str:
    return f" (line {line.no} of {line.origin}, carried over)" if line.origin else ""


def _segments(lines: list[Line]) -> tuple[list[Segment], list[tuple[Line, str, str]]]:
    """Walk one call's events in time order; returns its segments and the lines that fit nowhere."""
    segments: list[Segment] = []
    bad: list[tuple[Line, str, str]] = []
    current: Segment | None = None
    for line in lines:
        ev = line.event
        if ev == "DID":
            continue
        if ev == ENTER or ev in NOT_JOINED:
            if current is not None:
                # A new queue before the last one was left: the transfer was never logged.
                current.ended_at, current.end_reason = line.epoch, "transfer"
                current.flags.append("transfer_not_logged")
            current = Segment(line.queue, line.epoch, _datum(line, 1) if ev == ENTER else "", [line])
            segments.append(current)
            if ev in NOT_JOINED:
                current.ended_at, current.end_reason = line.epoch, NOT_JOINED[ev]
                current = None
            continue
        if current is None:
            what = "after the call had left the queue" if segments else "before the call entered a queue"
            bad.append((line, "event_outside_queue_visit", f"{ev} {what}"))
            continue
        segment = current
        if ev == "CONNECT":
            if current.answered_at is not None:
                bad.append((line, "duplicate_connect", "a second CONNECT in the same queue visit"))
                continue
            current.answered_at, current.agent = line.epoch, line.agent
        elif ev in ANSWERED_EXITS:
            if current.answered_at is None:
                bad.append((line, "exit_without_connect", f"{ev} but no agent answered"))
                continue
            current.ended_at, current.end_reason = line.epoch, ANSWERED_EXITS[ev]
            current = None
        elif ev in UNANSWERED_EXITS:
            if current.answered_at is not None:
                bad.append((line, "exit_after_connect", f"{ev} after an agent answered"))
                continue
            current.ended_at, current.end_reason = line.epoch, UNANSWERED_EXITS[ev]
            current = None
        segment.lines.append(line)
    return segments, bad
