"""A center with daylight saving (America/New_York): days of 23 and 25 hours bucket correctly and
interval reports have no missing or doubled half hours.

2024-03-10: clocks go from 02:00 EST to 03:00 EDT, a 23-hour day (46 half hours).
2024-11-03: clocks go back from 02:00 EDT to 01:00 EST, a 25-hour day (50 half hours); 01:10
happens twice, an hour apart. The calls below give their offsets, so each instant is exact.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from ingest.loader import load_landing
from tests.dbt_helpers import connect, run_dbt

pytestmark = pytest.mark.slow
TZ = "America/New_York"
CALLS = [
    # call_id, queued at (local, with its offset), the local date it belongs to
    ("S1", "2024-03-09T23:50:00-05:00"),  # Saturday night, before the change
    ("S2", "2024-03-10T01:50:00-05:00"),  # the last half hour of EST: 01:30-02:00
    ("S3", "2024-03-10T03:10:00-04:00"),  # ten minutes after the jump: the 03:00 half hour
    ("F1", "2024-11-03T01:10:00-04:00"),  # the first 01:10 (EDT), 05:10 UTC
    ("F2", "2024-11-03T01:10:00-05:00"),  # the second 01:10 (EST), 06:10 UTC
    ("F3", "2024-11-03T23:40:00-05:00"),  # the end of the 25-hour day
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("dst")
    (root / "landing" / "calls").mkdir(parents=True)
    header = (
        "call_id,caller_number,district,queue,started_at,queued_at,answered_at,ended_at,agent_id,end_reason"
    )
    lines = [header]
    for call_id, queued in CALLS:
        at = dt.datetime.fromisoformat(queued)
        answered, ended = at + dt.timedelta(seconds=10), at + dt.timedelta(seconds=70)
        lines.append(
            f"{call_id},1380000{call_id},shiqu,repair,{at.isoformat()},{at.isoformat()},"
            f"{answered.isoformat()},{ended.isoformat()},1001,caller_hangup"
        )
    (root / "landing" / "calls" / "calls.csv").write_text("\n".join(lines) + "\n")
    database = root / "w.duckdb"
    report = load_landing(root / "landing", database, tz=TZ, secret=b"dst", progress=None)
    assert report.totals()["rows_accepted"] == len(CALLS)
    run_dbt(database, "build", vars_=f"{{center_timezone: {TZ}}}")
    return database


def _half_hours(con, day: str) -> list[tuple]:
    return con.execute(
        "select interval_start, interval_start_utc, offered from marts.rpt_queue_interval "
        "where call_date = ? and interval_minutes = 30 and queue = 'repair' order by interval_start_utc",
        [day],
    ).fetchall()


def test_days_have_23_24_and_25_hours_of_half_hours(warehouse):
    with connect(warehouse) as con:
        assert len(_half_hours(con, "2024-03-09")) == 48
        assert len(_half_hours(con, "2024-03-10")) == 46
        assert len(_half_hours(con, "2024-11-03")) == 50
        assert len(_half_hours(con, "2024-07-01")) == 48
        quarters = con.execute(
            "select call_date, count(*) from marts.rpt_queue_interval where interval_minutes = 15 "
            "and queue = 'repair' and call_date in ('2024-03-10', '2024-11-03') group by 1 order by 1"
        ).fetchall()
        assert quarters == [(dt.date(2024, 3, 10), 92), (dt.date(2024, 11, 3), 100)]


@pytest.mark.parametrize("day", ["2024-03-10", "2024-11-03", "2024-07-01"])
def test_half_hours_follow_each_other_with_no_gap_or_overlap(day, warehouse):
    with connect(warehouse) as con:
        rows = _half_hours(con, day)
    starts = [utc for _, utc, _ in rows]
    assert all(b - a == dt.timedelta(minutes=30) for a, b in itertools.pairwise(starts))
    # From local midnight to the next local midnight, as UTC instants (New York's offsets at them).
    midnight = dt.datetime.fromisoformat(day)
    offset = {"2024-03-10": -5, "2024-11-03": -4, "2024-07-01": -4}[day]
    assert starts[0] == midnight - dt.timedelta(hours=offset)
    assert (
        starts[-1] + dt.timedelta(minutes=30)
        == {
            "2024-03-10": dt.datetime(2024, 3, 11, 4),
            "2024-11-03": dt.datetime(2024, 11, 4, 5),
            "2024-07-01": dt.datetime(2024, 7, 2, 4),
        }[day]
    )


def test_spring_forward_has_no_0200_half_hour(warehouse):
    with connect(warehouse) as con:
        rows = _half_hours(con, "2024-03-10")
    local = [start.strftime("%H:%M") for start, _, _ in rows]
    assert "02:00" not in local and "02:30" not in local
    i = local.index("01:30")
    assert local[i + 1] == "03:00"
    assert (rows[i][2], rows[i + 1][2]) == (1, 1)  # S2 and S3, an hour of clock apart, 30 minutes of time


def test_fall_back_keeps_the_two_0100_half_hours_apart(warehouse):
    with connect(warehouse) as con:
        rows = _half_hours(con, "2024-11-03")
        staffing = con.execute(
            "select interval_start, interval_start_utc, offered from marts.rpt_interval_staffing "
            "where call_date = '2024-11-03' and interval_minutes = 30 order by interval_start_utc"
        ).fetchall()
    at_one = [(utc, offered) for start, utc, offered in rows if start.strftime("%H:%M") == "01:00"]
    assert at_one == [(dt.datetime(2024, 11, 3, 5), 1), (dt.datetime(2024, 11, 3, 6), 1)]
    assert [(s.strftime("%H:%M"), utc.hour, n) for s, utc, n in staffing] == [
        ("01:00", 5, 1),
        ("01:00", 6, 1),
        ("23:30", 4, 1),
    ]


def test_daily_counts_follow_local_dates(warehouse):
    with connect(warehouse) as con:
        daily = dict(
            con.execute(
                "select call_date, offered from marts.rpt_kpi_daily where offered > 0 order by 1"
            ).fetchall()
        )
        interval_totals = dict(
            con.execute(
                "select call_date, sum(offered) from marts.rpt_queue_interval "
                "where interval_minutes = 30 group by 1 having sum(offered) > 0"
            ).fetchall()
        )
    assert daily == {dt.date(2024, 3, 9): 1, dt.date(2024, 3, 10): 2, dt.date(2024, 11, 3): 3}
    assert interval_totals == daily
