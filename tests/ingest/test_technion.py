"""The Technion "Anonymous Bank" call log: a labelled line per case, then both real months.

The center is set to Asia/Jerusalem (UTC+2 in February, UTC+3 in August 1999); raw.calls holds
UTC, so 10:00 local on 1 Feb 1999 is 08:00 below.
"""

from __future__ import annotations

import datetime as dt
import lzma

import pytest

from tests.conftest import FIXTURES

TZ = "Asia/Jerusalem"
HEADER = (
    "vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\tvru_time\tq_start\t"
    "q_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver"
)
CASES = {
    # row 2: served after waiting in the queue
    "queued_served": "AA0101\t1\t23317894\t2\tPS\t990201\t10:00:00\t10:00:10\t10\t10:00:10\t10:00:40\t30\tAGENT\t10:00:40\t10:03:00\t140\tDORIT",
    # row 3: served straight from the VRU (no queue): queued = answered = ser_start
    "served_from_vru": "AA0101\t2\t0\t0\tNW\t990201\t10:05:00\t10:05:09\t9\t0:00:00\t0:00:00\t0\tAGENT\t10:05:08\t10:06:00\t52\tTOVA",
    # row 4: hung up in the queue: an abandon
    "queued_hang": "AA0102\t3\t6.02701E+11\t1\tNE\t990201\t10:10:00\t10:10:05\t5\t10:10:05\t10:11:05\t60\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    # row 5: hung up in the VRU: IVR only
    "vru_hang": "AA0103\t4\t0\t0\tIN\t990201\t10:20:00\t10:20:30\t30\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
    # row 6: crosses midnight (queue and service times are on 2 Feb)
    "midnight": "AA0104\t5\t31245678\t2\tTT\t990201\t23:59:50\t23:59:58\t8\t23:59:58\t0:00:20\t22\tAGENT\t0:00:20\t0:02:00\t100\tGILI",
    # row 7: PHANTOM: rejected with its rule
    "phantom": "AA0105\t6\t0\t0\tPS\t990201\t11:00:00\t11:00:05\t5\t11:00:05\t11:00:06\t1\tPHANTOM\t0:00:00\t0:00:00\t0\tNO_SERVER",
    # row 8: negative time in the VRU
    "negative_vru": "AA0106\t7\t0\t0\tPS\t990201\t11:05:10\t11:05:02\t-8\t0:00:00\t0:00:00\t0\tAGENT\t11:05:02\t11:06:00\t58\tDORIT",
    # row 9: AGENT but NO_SERVER: answered without an agent
    "no_server": "AA0107\t8\t0\t0\tPS\t990201\t11:10:00\t11:10:05\t5\t0:00:00\t0:00:00\t0\tAGENT\t11:10:04\t11:10:09\t5\tNO_SERVER",
    # row 10: not a date
    "bad_date": "AA0108\t9\t0\t0\tPS\t99-02-01\t11:15:00\t11:15:05\t5\t0:00:00\t0:00:00\t0\tHANG\t0:00:00\t0:00:00\t0\tNO_SERVER",
}


def utc(day: int, hhmmss: str) -> dt.datetime:
    h, m, s = map(int, hhmmss.split(":"))
    return dt.datetime(1999, 2, day, h, m, s) - dt.timedelta(hours=2)


def land(landing, text: str, name: str, fmt: str = "format: technion_bank\ndistrict: shiqu\n") -> None:
    folder = landing / "calls" / "technion"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_format.yaml").write_text(fmt)
    (folder / name).write_bytes(text.encode())


def test_each_case_of_the_call_log(landing, load, query):
    land(landing, HEADER + "\r\n" + "\r\n".join(CASES.values()) + "\r\n", "feb.txt")
    result = load(tz=TZ).files[0]
    assert query(
        "select call_id, queue, started_at, queued_at, answered_at, ended_at, agent_id, end_reason, "
        "reason_code, priority, caller_key is null from raw.calls order by _row_number"
    ) == [
        ("AA0101-990201-1", "PS", utc(1, "10:00:00"), utc(1, "10:00:10"), utc(1, "10:00:40"), utc(1, "10:03:00"), "DORIT", None, "bank_regular", 2, False),
        ("AA0101-990201-2", "NW", utc(1, "10:05:00"), utc(1, "10:05:08"), utc(1, "10:05:08"), utc(1, "10:06:00"), "TOVA", None, "bank_prospect", 0, True),
        # a customer id in scientific notation lost its digits: an unidentified caller
        ("AA0102-990201-3", "NE", utc(1, "10:10:00"), utc(1, "10:10:05"), None, utc(1, "10:11:05"), None, "caller_hangup", "bank_stock_exchange", 1, True),
        ("AA0103-990201-4", None, utc(1, "10:20:00"), None, None, utc(1, "10:20:30"), None, "caller_hangup", "bank_internet", 0, True),
        ("AA0104-990201-5", "TT", utc(1, "23:59:50"), utc(1, "23:59:58"), utc(2, "00:00:20"), utc(2, "00:02:00"), "GILI", None, "bank_callback_hold", 2, False),
    ]  # fmt: skip
    assert query("select row_number, rule from raw.rejected_rows order by 1") == [
        (7, "phantom_call"),
        (8, "negative_ivr_time"),
        (9, "answered_without_agent"),
        (10, "invalid_value"),
    ]
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (9, 5, 4)
    assert "1 customer ids in scientific notation" in result.message
    # Customer ids are personal data, in rejected rows too.
    assert all("23317894" not in str(v) for (v,) in query("select raw_values from raw.rejected_rows"))


def test_spreadsheet_copy_with_the_wrong_year(landing, load, query):
    text = (
        HEADER.replace("\t", ",")
        + "\nAA0204,43678,0,0,PS,2010-08-01,0:10:10,0:10:27,17,0:00:00,0:00:00,0,HANG,0:00:00,0:00:00,0,NO_SERVER\n"
    )
    land(landing, text, "aug.csv", fmt="format: technion_bank\ndistrict: shiqu\nyear: 1999\n")
    load(tz=TZ)
    # 00:10:10 on 1 Aug 1999 in Israel (UTC+3) is 21:10:10 UTC on 31 July.
    assert query("select call_id, started_at from raw.calls") == [
        ("AA0204-2010-08-01-43678", dt.datetime(1999, 7, 31, 21, 10, 10))
    ]


# Counts of the real months. docs/adapters.md sets them beside the source's own regression counts
# (tests/fixtures/technion/SOURCE.md) and explains every difference.
EXPECTED = {
    "data_anonymous_bank_february.txt": {
        "read": 33344,
        "accepted": 32448,
        "answered": 26550,
        "queued_unanswered": 3957,
        "ivr_only": 1941,
        "rules": {
            "answered_without_agent": 491,
            "negative_ivr_time": 23,
            "phantom_call": 278,
            "served_without_service_time": 50,
            "service_before_queue": 54,
        },
    },
    "august1999_from_ods.csv": {
        "read": 42078,
        "accepted": 41266,
        "answered": 30913,
        "queued_unanswered": 7296,
        "ivr_only": 3057,
        "rules": {
            "answered_without_agent": 391,
            "negative_ivr_time": 18,
            "phantom_call": 310,
            "served_without_service_time": 57,
            "service_before_queue": 36,
        },
    },
}


@pytest.mark.parametrize("name", EXPECTED)
def test_real_month_loads_with_the_documented_counts(name, landing, load, query):
    expected = EXPECTED[name]
    data = lzma.decompress((FIXTURES / "technion" / f"{name}.xz").read_bytes())
    land(landing, data.decode(), name, fmt="format: technion_bank\ndistrict: shiqu\nyear: 1999\n")
    result = load(tz=TZ).files[0]
    assert (result.rows_read, result.rows_accepted) == (expected["read"], expected["accepted"])
    assert result.rules == expected["rules"]
    assert query(
        "select count(answered_at), count(*) filter (queue is not null and answered_at is null), "
        "count(*) filter (queue is null) from raw.calls"
    ) == [(expected["answered"], expected["queued_unanswered"], expected["ivr_only"])]
    (days,) = query(
        "select count(distinct cast(timezone(?, started_at at time zone 'UTC') as date)) from raw.calls", [TZ]
    )[0]
    assert days == (28 if "february" in name else 31)
