"""Asterisk queue_log: one small, labelled fixture per event sequence and per hard case.

Times are epochs from T = 1709280000 = 2024-03-01 08:00:00 UTC (16:00 in Shanghai); expected
values are written as UTC, the way raw.calls stores them. Each fixture is a queue_log file as an
Asterisk switch writes it, in a folder whose _format.yaml names the district.
"""

from __future__ import annotations

import datetime as dt

import pytest

T = 1709280000
UTC0 = dt.datetime(2024, 3, 1, 8, 0, 0)
SEGMENT_COLUMNS = (
    "call_id, segment, queue, started_at, queued_at, answered_at, ended_at, agent_id, end_reason, "
    "service_number, district"
)


def at(seconds: int) -> dt.datetime:
    return UTC0 + dt.timedelta(seconds=seconds)


def log(*lines: tuple) -> str:
    """queue_log text from (seconds after T, callid, queue, agent, event, data...) tuples."""
    return "".join("|".join([str(T + s), *map(str, rest)]) + "\n" for s, *rest in lines)


def land(landing, text: str, name: str = "queue_log", folder: str = "pbx", fmt: str | None = None):
    target = landing / "calls" / folder
    target.mkdir(parents=True, exist_ok=True)
    (target / "_format.yaml").write_text(fmt or "format: asterisk_queue_log\ndistrict: shiqu\n")
    (target / name).write_text(text)


def segments(query) -> list[tuple]:
    return query(f"select {SEGMENT_COLUMNS} from raw.calls order by call_id, segment")


# -- one fixture per way a queue visit ends ------------------------------------------------------

ANSWERED = {
    "COMPLETECALLER": "caller_hangup",
    "COMPLETEAGENT": "agent_hangup",
}


@pytest.mark.parametrize("event, end_reason", ANSWERED.items())
def test_answered_call(event, end_reason, landing, load, query):
    land(
        landing,
        log(
            (0, "1.1", "NONE", "NONE", "DID", "96296"),
            (5, "1.1", "support", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
            (17, "1.1", "support", "PJSIP/1001", "CONNECT", "12", "1.2", "3"),
            (137, "1.1", "support", "PJSIP/1001", event, "12", "120", "1"),
        ),
    )
    report = load()
    assert report.files[0].rows_rejected == 0
    assert segments(query) == [
        ("1.1", 1, "support", at(0), at(5), at(17), at(137), "1001", end_reason, "96296", "shiqu")
    ]
    (caller_key,) = query("select caller_key from raw.calls")[0]
    assert caller_key and "13912345678" not in caller_key


UNANSWERED = {
    "ABANDON": ("caller_hangup", ["1", "1", "40"]),
    "EXITWITHTIMEOUT": ("queue_timeout", ["1", "1", "40"]),
    "EXITWITHKEY": ("caller_exit", ["5", "1", "1", "40"]),
    "EXITEMPTY": ("system", ["1", "1", "40"]),
}


@pytest.mark.parametrize("event, expected", UNANSWERED.items())
def test_unanswered_exit(event, expected, landing, load, query):
    end_reason, data = expected
    land(
        landing,
        log(
            (0, "2.1", "support", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
            (40, "2.1", "support", "NONE", event, *data),
        ),
    )
    load()
    # Without a DID line the call starts when it entered the queue.
    assert segments(query) == [
        ("2.1", 1, "support", at(0), at(0), None, at(40), None, end_reason, None, "shiqu")
    ]


@pytest.mark.parametrize("event, end_reason", [("FULL", "queue_full"), ("JOINEMPTY", "system")])
def test_caller_who_could_not_join(event, end_reason, landing, load, query):
    land(landing, log((0, "3.1", "sales", "NONE", event)))
    load()
    assert segments(query) == [
        ("3.1", 1, "sales", at(0), at(0), None, at(0), None, end_reason, None, "shiqu")
    ]


@pytest.mark.parametrize("event", ["TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"])
def test_transfer_to_another_queue_is_a_second_segment_of_one_call(event, landing, load, query):
    land(
        landing,
        log(
            (0, "4.1", "NONE", "NONE", "DID", "96296"),
            (2, "4.1", "support", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
            (10, "4.1", "support", "SIP/1001", "CONNECT", "8", "4.2", "2"),
            (70, "4.1", "support", "SIP/1001", event, "8100", "from-internal", "8", "60", "1"),
            (72, "4.1", "billing", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
            (90, "4.1", "billing", "SIP/2002", "CONNECT", "18", "4.3", "2"),
            (200, "4.1", "billing", "SIP/2002", "COMPLETECALLER", "18", "110", "1"),
        ),
    )
    load()
    assert segments(query) == [
        ("4.1", 1, "support", at(0), at(2), at(10), at(70), "1001", "transfer", "96296", "shiqu"),
        ("4.1", 2, "billing", at(0), at(72), at(90), at(200), "2002", "caller_hangup", "96296", "shiqu"),
    ]


def test_districts_by_queue(landing, load, query):
    land(
        landing,
        log(
            (0, "5.1", "repair", "NONE", "ENTERQUEUE", "", "", "1"),
            (9, "5.1", "repair", "NONE", "ABANDON", "1", "1", "9"),
            (20, "5.2", "billing", "NONE", "ENTERQUEUE", "", "", "1"),
            (29, "5.2", "billing", "NONE", "ABANDON", "1", "1", "9"),
        ),
        fmt="format: asterisk_queue_log\ndistrict: shiqu\ndistricts_by_queue: {repair: jiangning}\n",
    )
    load()
    assert query("select call_id, district from raw.calls order by 1") == [
        ("5.1", "jiangning"),
        ("5.2", "shiqu"),
    ]


# -- hard cases from the field ---------------------------------------------------------------------


def test_transfer_never_logged_closes_the_first_queue_at_the_second_entry(landing, load, query):
    land(
        landing,
        log(
            (0, "6.1", "support", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
            (10, "6.1", "support", "SIP/1001", "CONNECT", "10", "6.2", "2"),
            (50, "6.1", "billing", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
            (60, "6.1", "billing", "SIP/2002", "CONNECT", "10", "6.3", "2"),
            (90, "6.1", "billing", "SIP/2002", "COMPLETEAGENT", "10", "30", "1"),
        ),
    )
    report = load()
    assert segments(query) == [
        ("6.1", 1, "support", at(0), at(0), at(10), at(50), "1001", "transfer", None, "shiqu"),
        ("6.1", 2, "billing", at(0), at(50), at(60), at(90), "2002", "agent_hangup", None, "shiqu"),
    ]
    assert query("select call_id, segment, flag from raw.adapter_flags") == [
        ("6.1", 1, "transfer_not_logged")
    ]
    assert "1 transfer_not_logged" in report.files[0].message


def test_queue_entry_without_exit_is_closed_at_the_end_of_the_file_and_flagged(landing, load, query):
    # 7.1 never leaves the queue; the file goes on for three more hours (past the 2-hour hold).
    land(
        landing,
        log(
            (0, "7.1", "support", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
            (10800, "7.2", "support", "NONE", "ENTERQUEUE", "", "13800000000", "1"),
            (10810, "7.2", "support", "NONE", "ABANDON", "1", "1", "10"),
        ),
    )
    load()
    assert segments(query)[0] == (
        "7.1",
        1,
        "support",
        at(0),
        at(0),
        None,
        at(10810),
        None,
        "system",
        None,
        "shiqu",
    )
    assert query("select call_id, flag from raw.adapter_flags") == [("7.1", "no_exit_event")]


def test_call_straddling_two_files_is_completed_by_the_next_file_and_counted_once(landing, load, query):
    first = log(
        (0, "8.0", "support", "NONE", "ENTERQUEUE", "", "13800000000", "1"),
        (30, "8.0", "support", "NONE", "ABANDON", "1", "1", "30"),
        (3590, "8.1", "NONE", "NONE", "DID", "96296"),
        (3595, "8.1", "support", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
        (3598, "8.1", "support", "SIP/1001", "CONNECT", "3", "8.2", "2"),
    )
    second = log(
        (3660, "8.1", "support", "SIP/1001", "COMPLETECALLER", "3", "62", "1"),
        (3700, "8.3", "support", "NONE", "ENTERQUEUE", "", "13700000000", "1"),
        (3760, "8.3", "support", "NONE", "EXITWITHTIMEOUT", "1", "1", "60"),
    )
    land(landing, first, name="queue_log-20240301")
    report = load()
    assert report.files[0].rows_read == 1  # 8.0 only; 8.1 is held
    assert query("select count(*) from raw.queue_log_held") == [(3,)]
    assert query("select lines_held, lines_in_records from raw.loaded_files") == [(3, 2)]

    land(landing, second, name="queue_log-20240302")
    load()
    assert [s[0] for s in segments(query)] == ["8.0", "8.1", "8.3"]
    assert segments(query)[1] == (
        "8.1",
        1,
        "support",
        at(3590),
        at(3595),
        at(3598),
        at(3660),
        "1001",
        "caller_hangup",
        "96296",
        "shiqu",
    )
    assert query("select count(*) from raw.queue_log_held") == [(0,)]
    assert query(
        "select source_lines, lines_carried_in, lines_in_records, lines_held "
        "from raw.loaded_files order by file_id"
    ) == [(5, 0, 2, 3), (3, 3, 6, 0)]
    # The same second file landed again (under another name) changes nothing.
    land(landing, second, name="queue_log-20240302.copy")
    assert load().files[-1].status == "skipped"
    assert query("select count(*) from raw.calls") == [(3,)]


def test_ring_all_storm_of_unanswered_rings_is_one_answered_segment(landing, load, query):
    rings = [(1 + i // 10, "9.1", "support", f"PJSIP/{1100 + i}", "RINGNOANSWER", "1000") for i in range(30)]
    land(
        landing,
        log(
            (0, "9.1", "support", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
            *rings,
            (8, "9.1", "support", "PJSIP/1200", "CONNECT", "8", "9.2", "1"),
            (68, "9.1", "support", "PJSIP/1200", "COMPLETECALLER", "8", "60", "1"),
        ),
    )
    report = load()
    assert segments(query) == [
        ("9.1", 1, "support", at(0), at(0), at(8), at(68), "1200", "caller_hangup", None, "shiqu")
    ]
    assert query(
        "select count(*), count(distinct agent_id) from raw.agent_events where event = 'RINGNOANSWER'"
    ) == [(30, 30)]
    assert "30 unanswered rings" in report.files[0].message


def test_agent_events_are_kept_and_other_events_ignored_with_a_count(landing, load, query):
    land(
        landing,
        log(
            (0, "NONE", "NONE", "NONE", "QUEUESTART", ""),
            (1, "NONE", "support", "PJSIP/1001", "ADDMEMBER", ""),
            (2, "NONE", "support", "PJSIP/1001", "PAUSE", "lunch"),
            (3, "NONE", "support", "PJSIP/1001", "UNPAUSE", ""),
            (4, "NONE", "support", "PJSIP/1001", "REMOVEMEMBER", ""),
            (5, "NONE", "NONE", "NONE", "CONFIGRELOAD", ""),
            (6, "NONE", "NONE", "NONE", "QUEUESTART", ""),
        ),
    )
    report = load()
    assert query("select event, agent_id, queue, data from raw.agent_events order by event_at") == [
        ("ADDMEMBER", "1001", "support", ""),
        ("PAUSE", "1001", "support", "lunch"),
        ("UNPAUSE", "1001", "support", ""),
        ("REMOVEMEMBER", "1001", "support", ""),
    ]
    assert "ignored 1 CONFIGRELOAD, 2 QUEUESTART" in report.files[0].message
    assert query("select source_lines, lines_agent_events, lines_ignored from raw.loaded_files") == [
        (7, 4, 3)
    ]


def test_epochs_are_utc_whatever_the_center_time_zone(landing, load, query):
    land(
        landing,
        log(
            (0, "10.1", "support", "NONE", "ENTERQUEUE", "", "", "1"),
            (9, "10.1", "support", "NONE", "ABANDON", "1", "1", "9"),
        ),
    )
    load(tz="America/New_York")
    assert query("select queued_at from raw.calls") == [(at(0),)]


def test_database_export_form(landing, load, query):
    # The realtime queue_log table saved as CSV: local time of the center (Shanghai, UTC+8),
    # data split over data1..data5.
    text = (
        "time,callid,queuename,agent,event,data1,data2,data3,data4,data5\n"
        "2024-03-01 16:00:00,11.1,support,NONE,ENTERQUEUE,,13912345678,1,,\n"
        "2024-03-01 16:00:20,11.1,support,SIP/1001,CONNECT,20,11.2,4,,\n"
        "2024-03-01 16:02:20,11.1,support,SIP/1001,COMPLETEAGENT,20,120,1,,\n"
        "1709280200,11.3,support,NONE,ENTERQUEUE,,,1,,\n"
        "1709280203,11.3,support,NONE,ABANDON,1,1,3,,\n"
    )
    land(landing, text, name="queue_log.csv")
    report = load()
    assert report.files[0].rows_rejected == 0
    assert segments(query) == [
        ("11.1", 1, "support", at(0), at(0), at(20), at(140), "1001", "agent_hangup", None, "shiqu"),
        ("11.3", 1, "support", at(200), at(200), None, at(203), None, "caller_hangup", None, "shiqu"),
    ]
    assert "database export form" in report.files[0].message


def test_malformed_lines_are_rejected_with_file_line_and_reason(landing, load, query):
    land(
        landing,
        log(
            (0, "12.1", "support", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
            (10, "12.1", "support", "SIP/1001", "CONNECT", "10", "12.2", "1"),
            (20, "12.1", "support", "SIP/1001", "COMPLETECALLER", "10", "10", "1"),
        )
        + "this is not a queue_log line\n"  # line 4
        + "yesterday|12.3|support|NONE|ENTERQUEUE||1|1\n"  # line 5
        + f"{T + 30}||support|NONE|ENTERQUEUE||1|1\n"  # line 6
        + log(
            (40, "12.4", "support", "SIP/1001", "CONNECT", "1", "12.5", "1"),  # line 7: never entered
            (50, "12.6", "support", "NONE", "ENTERQUEUE", "", "", "1"),  # line 8
            (55, "12.6", "support", "NONE", "COMPLETECALLER", "5", "0", "1"),  # line 9: not answered
            (60, "12.6", "support", "NONE", "ABANDON", "1", "1", "10"),  # line 10
        ),
        name="queue_log-bad",
    )
    report = load()
    result = report.files[0]
    assert query("select file_path, row_number, rule from raw.rejected_rows order by row_number") == [
        ("calls/pbx/queue_log-bad", 4, "malformed_line"),
        ("calls/pbx/queue_log-bad", 5, "invalid_timestamp"),
        ("calls/pbx/queue_log-bad", 6, "missing_callid"),
        ("calls/pbx/queue_log-bad", 7, "event_outside_queue_visit"),
        ("calls/pbx/queue_log-bad", 9, "exit_without_connect"),
    ]
    assert [s[0] for s in segments(query)] == ["12.1", "12.6"]
    # Rows are the call segments built plus the lines rejected; lines are accounted for too.
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (7, 2, 5)
    assert query("select source_lines, lines_in_records, lines_rejected from raw.loaded_files") == [
        (10, 5, 5)
    ]


def test_contract_rules_still_apply_to_the_segments_built(landing, load, query):
    # CONNECT logged before ENTERQUEUE's time (a clock step on the switch): answered before queued.
    land(
        landing,
        log(
            (5, "13.1", "support", "NONE", "ENTERQUEUE", "", "", "1"),
            (5, "13.1", "support", "NONE", "DID", "96296"),
            (9, "13.1", "support", "", "CONNECT", "4", "13.2", "1"),
            (19, "13.1", "support", "", "COMPLETECALLER", "4", "10", "1"),
        ),
    )
    load()
    assert query("select row_number, rule from raw.rejected_rows") == [(1, "answered_without_agent")]


def test_folder_without_a_district_fails_the_file_with_a_message(landing, load, query):
    land(
        landing,
        log((0, "14.1", "support", "NONE", "FULL")),
        fmt="format: asterisk_queue_log\n",
    )
    result = load().files[0]
    assert result.status == "failed"
    assert "calls/pbx/_format.yaml" in result.message and "district" in result.message


def test_folder_name_chooses_the_format(landing, load, query):
    folder = landing / "calls" / "asterisk_queue_log"
    folder.mkdir(parents=True)
    (folder / "_format.yaml").write_text("district: pukou\n")
    (folder / "queue_log").write_text(log((0, "15.1", "support", "NONE", "FULL")))
    load()
    assert query("select call_id, district, end_reason from raw.calls") == [("15.1", "pukou", "queue_full")]


def test_call_that_arrived_just_before_the_end_of_a_file_keeps_its_start(landing, load, query):
    # DID at 23:59:58 in one file, the queue entry in the next: the DID is held, not ignored.
    land(landing, log((100, "16.1", "NONE", "NONE", "DID", "96296")), name="queue_log-1")
    load()
    assert query("select lines_held, lines_ignored from raw.loaded_files") == [(1, 0)]
    land(
        landing,
        log(
            (104, "16.1", "support", "NONE", "ENTERQUEUE", "", "", "1"),
            (110, "16.1", "support", "NONE", "ABANDON", "1", "1", "6"),
        ),
        name="queue_log-2",
    )
    load()
    assert segments(query) == [
        ("16.1", 1, "support", at(100), at(104), None, at(110), None, "caller_hangup", "96296", "shiqu")
    ]


@pytest.mark.parametrize(
    ("callers", "masks"),
    [
        (("", ""), [None, None]),
        (("13811112222", "13833334444"), ["138****2222", "138****4444"]),
    ],
)
def test_queue_log_copied_whole_every_day_counts_each_call_once(landing, load, query, callers, masks):
    # Some centers copy the growing /var/log/asterisk/queue_log every day instead of rotating
    # it: the second copy repeats the first one's lines, including those of the held call. With
    # caller ids, the held lines (keyed) and the same lines in the copy (in clear) are one line.
    first = log(
        (0, "17.1", "support", "NONE", "ENTERQUEUE", "", callers[0], "1"),
        (9, "17.1", "support", "NONE", "ABANDON", "1", "1", "9"),
        (3590, "17.2", "support", "NONE", "ENTERQUEUE", "", callers[1], "1"),
    )
    grown = first + log((3600, "17.2", "support", "NONE", "EXITWITHTIMEOUT", "1", "1", "10"))
    land(landing, first, name="queue_log-copy1")
    load()
    land(landing, grown, name="queue_log-copy2")
    result = load().files[-1]
    assert [(s[0], s[8]) for s in segments(query)] == [("17.1", "caller_hangup"), ("17.2", "queue_timeout")]
    assert result.rows_duplicate == 1  # 17.1 again, identical: counted once
    assert query(
        "select lines_carried_in, source_lines, lines_in_records from raw.loaded_files order by file_id"
    ) == [
        (0, 3, 2),
        (0, 4, 4),
    ]
    assert [m for (m,) in query("select caller_number_masked from raw.calls order by call_id")] == masks


def test_held_lines_keep_the_caller_keyed_and_masked_never_in_clear(landing, load, query):
    """A call open at the end of a file is held with its caller id as key and mask; the next file
    completes it with the same caller key as a call loaded from one file."""
    from ingest import pii
    from tests.conftest import SECRET

    first = log(
        (0, "9.1", "support", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
        (5, "9.1", "support", "SIP/1001", "CONNECT", "5", "9.2", "2"),
    )
    land(landing, first, name="queue_log-20240301")
    load()
    (held,) = query("select line from raw.queue_log_held")[0]
    assert "13912345678" not in held and "139****5678" in held
    land(
        landing,
        log((65, "9.1", "support", "SIP/1001", "COMPLETECALLER", "5", "60", "1")),
        name="queue_log-20240302",
    )
    load()
    assert query("select caller_key, caller_number_masked from raw.calls") == [
        (pii.caller_key("13912345678", SECRET), "139****5678")
    ]
