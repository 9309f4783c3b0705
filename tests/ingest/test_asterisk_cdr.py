"""Asterisk CDRs (Master.csv from cdr_csv, and cdr_custom): legs grouped into calls.

Local times are Shanghai (UTC+8); raw.calls stores UTC, so 16:00 local is 08:00 below.
"""

from __future__ import annotations

import datetime as dt

COLUMNS = (
    "call_id, segment, queue, started_at, queued_at, answered_at, ended_at, agent_id, end_reason, "
    "service_number"
)


def utc(hhmmss: str) -> dt.datetime:
    h, m, s = map(int, hhmmss.split(":"))
    return dt.datetime(2024, 3, 1, h - 8, m, s)


def cdr(
    src,
    app,
    data,
    start,
    answer,
    end,
    disposition,
    dstchannel="",
    uniqueid="",
    linkedid="",
    seq="1",
    width=21,
):
    """One Master.csv line (all 21 columns, or the first `width`), quoted as cdr_csv writes it."""
    day = "2024-03-01 "
    fields = [
        "", src, "96296", "from-pstn", f'"" <{src}>', f"SIP/trunk-{uniqueid or start}", dstchannel, app, data,
        day + start, day + answer if answer else "", day + end, "0", "0", disposition, "DOCUMENTATION",
        uniqueid, "", "", linkedid, seq,
    ]  # fmt: skip
    return ",".join('"' + f.replace('"', '""') + '"' for f in fields[:width]) + "\n"


def land(landing, text: str, fmt: str = "format: asterisk_cdr\ndistrict: shiqu\n", name="Master.csv"):
    folder = landing / "calls" / "pbx"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_format.yaml").write_text(fmt)
    (folder / name).write_text(text)


MASTER = (
    # A: answered by agent 1001 in queue support
    cdr("13912345678", "Queue", "support,t", "16:00:00", "16:00:30", "16:02:30", "ANSWERED",
        "SIP/1001-00000001", "A.1", "A.1")
    # B: nobody answered in the queue
    + cdr("13800000000", "Queue", "support,t", "16:05:00", "", "16:05:40", "NO ANSWER", "", "B.1", "B.1")
    # C: IVR only (Playback answered by the switch, no agent)
    + cdr("", "Playback", "custom/hours", "16:10:00", "16:10:00", "16:11:00", "ANSWERED", "", "C.1", "C.1")
    # D: transferred from support to billing: two legs of one linkedid
    + cdr("13700000000", "Queue", "support,t", "16:20:00", "16:20:10", "16:21:00", "ANSWERED",
          "SIP/1001-00000002", "D.1", "D.1", "1")
    + cdr("13700000000", "Queue", "billing,t", "16:21:05", "16:21:20", "16:25:00", "ANSWERED",
          "PJSIP/2002-00000003", "D.2", "D.1", "2")
    # E: an IVR leg, then the queue leg of the same call
    + cdr("13600000000", "BackGround", "menu", "16:30:00", "16:30:00", "16:30:20", "ANSWERED", "", "E.1", "E.1", "1")
    + cdr("13600000000", "Queue", "support,t", "16:30:20", "16:30:25", "16:31:00", "ANSWERED",
          "SIP/1001-00000004", "E.2", "E.1", "2")
    # line 8: cut short
    + '"","13500000000","96296","from-pstn"\n'
)  # fmt: skip


def test_master_csv_legs_become_segments(landing, load, query):
    land(landing, MASTER)
    result = load().files[0]
    assert query(f"select {COLUMNS} from raw.calls order by call_id, segment") == [
        ("A.1", 1, "support", utc("16:00:00"), utc("16:00:00"), utc("16:00:30"), utc("16:02:30"), "1001", None, "96296"),
        ("B.1", 1, "support", utc("16:05:00"), utc("16:05:00"), None, utc("16:05:40"), None, None, "96296"),
        ("C.1", 1, None, utc("16:10:00"), None, None, utc("16:11:00"), None, None, "96296"),
        ("D.1", 1, "support", utc("16:20:00"), utc("16:20:00"), utc("16:20:10"), utc("16:21:00"), "1001", "transfer", "96296"),
        ("D.1", 2, "billing", utc("16:20:00"), utc("16:21:05"), utc("16:21:20"), utc("16:25:00"), "2002", None, "96296"),
        ("E.1", 1, "support", utc("16:30:00"), utc("16:30:20"), utc("16:30:25"), utc("16:31:00"), "1001", None, "96296"),
    ]  # fmt: skip
    assert query("select row_number, rule from raw.rejected_rows") == [(8, "malformed_line")]
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (7, 6, 1)
    # 8 lines: 7 legs (E's IVR leg folded into its call) + 1 rejected.
    assert query("select source_lines, lines_in_records, lines_rejected from raw.loaded_files") == [(8, 7, 1)]
    assert "1 IVR legs of calls that reached agents folded" in result.message


def test_master_csv_without_optional_columns_makes_one_call_per_line(landing, load, query):
    # 16 columns: no uniqueid or linkedid, so legs cannot be grouped.
    land(landing, cdr("1391234567", "Queue", "support,t", "16:00:00", "", "16:02:30", "NO ANSWER", width=16))
    load()
    assert query("select call_id, agent_id from raw.calls") == [("20240301160000-SIP/trunk-16:00:00", None)]


def test_cdr_custom_with_declared_columns_and_epoch_times(landing, load, query):
    fmt = (
        "format: asterisk_cdr_custom\ndistrict: jiangning\n"
        "columns: [uniqueid, linkedid, src, dst, dstchannel, lastapp, lastdata, start, answer, end, disposition]\n"
    )
    # ${CDR(start,u)} writes epochs: 1709280000 = 2024-03-01 08:00:00 UTC.
    text = (
        '"X.1","X.1","13912345678","96296","SIP/1001-1","Queue","support","1709280000","1709280020","1709280080","ANSWERED"\n'
        '"Y.1","Y.1","13800000000","96296","","Queue","support","1709280100","","1709280130","NO ANSWER"\n'
    )
    land(landing, text, fmt=fmt, name="cdr-custom.csv")
    load()
    assert query("select call_id, district, queued_at, answered_at, ended_at, agent_id from raw.calls order by 1") == [
        ("X.1", "jiangning", dt.datetime(2024, 3, 1, 8), dt.datetime(2024, 3, 1, 8, 0, 20), dt.datetime(2024, 3, 1, 8, 1, 20), "1001"),
        ("Y.1", "jiangning", dt.datetime(2024, 3, 1, 8, 1, 40), None, dt.datetime(2024, 3, 1, 8, 2, 10), None),
    ]  # fmt: skip


def test_cdr_custom_without_columns_fails_with_a_message(landing, load):
    land(landing, MASTER, fmt="format: asterisk_cdr_custom\ndistrict: shiqu\n")
    result = load().files[0]
    assert result.status == "failed" and "columns:" in result.message
