"""Timestamps: naive = local time of the center, offsets respected, stored as UTC."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ingest.validate import is_plain_local, parse_timestamp
from tests.conftest import place


def _utc(values: list[str | None], tz: str) -> list:
    frame = pl.DataFrame({"t": values}, schema={"t": pl.String})
    utc, nonexistent = parse_timestamp(pl.col("t"), tz)
    out = frame.select(utc.alias("utc"), nonexistent.alias("gap"))
    return list(zip(out["utc"].to_list(), out["gap"].to_list(), strict=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01 08:30:00", dt.datetime(2024, 3, 1, 0, 30)),  # Shanghai is UTC+8, no DST
        ("2024-03-01T08:30:00", dt.datetime(2024, 3, 1, 0, 30)),
        ("2024-03-01 08:30:00.250", dt.datetime(2024, 3, 1, 0, 30, 0, 250000)),
        ("2024-03-01T08:30:00+08:00", dt.datetime(2024, 3, 1, 0, 30)),
        ("2024-03-01T08:30:00+0800", dt.datetime(2024, 3, 1, 0, 30)),
        ("2024-03-01T00:30:00Z", dt.datetime(2024, 3, 1, 0, 30)),
        ("2024-03-01T00:30:00-05:30", dt.datetime(2024, 3, 1, 6, 0)),
        # An offset that lands on the next local day: 17:00 UTC is 01:00 on 2 March in Shanghai.
        ("2024-03-01T17:00:00+00:00", dt.datetime(2024, 3, 1, 17, 0)),
    ],
)
def test_iso_forms_to_utc(text, expected):
    assert _utc([text], "Asia/Shanghai") == [(expected, False)]


@pytest.mark.parametrize(
    "text", ["2024-03-01", "01/03/2024 08:30", "2024-03-01 8:30:00", "2024-02-30 10:00:00", "noon"]
)
def test_not_timestamps(text):
    assert _utc([text], "Asia/Shanghai") == [(None, False)]


def test_daylight_saving_in_a_center_with_dst():
    rows = _utc(
        [
            "2024-03-10 01:30:00",  # EST, UTC-5
            "2024-03-10 02:30:00",  # does not exist: clocks jump 02:00 -> 03:00
            "2024-03-10 03:30:00",  # EDT, UTC-4
            "2024-11-03 01:30:00",  # happens twice: the earlier (EDT) instant is taken
            "2024-11-03 01:30:00-05:00",  # the later one, when the offset says so
        ],
        "America/New_York",
    )
    assert rows == [
        (dt.datetime(2024, 3, 10, 6, 30), False),
        (None, True),
        (dt.datetime(2024, 3, 10, 7, 30), False),
        (dt.datetime(2024, 11, 3, 5, 30), False),
        (dt.datetime(2024, 11, 3, 6, 30), False),
    ]


def test_loaded_calls_are_stored_in_utc(landing, load, query):
    place(landing, "calls", "valid/calls.csv")
    load()
    rows = dict(query("select call_id, started_at from raw.calls where segment = 1"))
    assert rows["V001"] == dt.datetime(2024, 3, 1, 0, 30)  # naive 08:30 Shanghai
    assert rows["V002"] == dt.datetime(2024, 3, 1, 1, 0)  # 09:00+08:00
    assert rows["V003"] == dt.datetime(2024, 3, 1, 1, 0)  # 01:00Z
    assert rows["V006"] == dt.datetime(2024, 3, 1, 16, 59)  # 16:59+00:00 = 00:59 on 2 March local


def test_nonexistent_local_time_is_rejected_not_shifted(landing, load, query):
    (landing / "calls").mkdir()
    (landing / "calls" / "dst.csv").write_text(
        "call_id,caller_number,district,started_at,ended_at\n"
        "D1,13800000000,shiqu,2024-03-10 02:30:00,2024-03-10 03:31:00\n"
        "D2,13800000000,shiqu,2024-03-10 03:30:00,2024-03-10 03:31:00\n",
        encoding="utf-8",
    )
    load(tz="America/New_York")
    assert query("select rule, column_name from raw.rejected_rows") == [
        ("nonexistent_local_time", "started_at")
    ]
    assert query("select call_id from raw.calls") == [("D2",)]


@pytest.mark.parametrize(
    "text",
    ["2024-03-01 8:30:00", "2024-3-01 08:30:00", "2024-03-01 08:30:0", "+2024-03-01 08:30:00",
     "2024-03-01  08:30:00", "2024-03-01T08:30:00", "2024-03-01 08:30:00.5", "2024-03-01 08:30:00Z"],
)  # fmt: skip
def test_only_the_exact_plain_form_takes_the_fast_path(text):
    # Polars' parser alone would read the first five; they must meet the full pattern's rules.
    assert not is_plain_local(pl.Series([text, "2024-03-01 08:30:00"]))


@pytest.mark.parametrize("tz", ["Asia/Shanghai", "America/New_York", "Asia/Jerusalem"])
def test_the_fast_path_reads_plain_times_as_the_full_pattern_does(tz):
    values = [
        "2024-03-10 02:30:00",  # New York: skipped by the spring change
        "2024-11-03 01:30:00",  # New York: twice (the earlier is taken)
        "2024-03-29 02:30:00",  # Jerusalem: skipped
        "2024-10-27 01:30:00",  # Jerusalem: twice
        "2024-02-30 10:00:00",  # no such day
        "1999-12-31 23:59:59",
        None,
    ]
    frame = pl.DataFrame({"t": values}, schema={"t": pl.String})
    assert is_plain_local(frame["t"])
    fast, slow = (
        frame.select(u.alias("utc"), gap.alias("gap"))
        for u, gap in (parse_timestamp(pl.col("t"), tz, plain=True), parse_timestamp(pl.col("t"), tz))
    )
    assert fast.equals(slow)
    assert fast["gap"].sum() == (1 if tz != "Asia/Shanghai" else 0)
