"""The refresh's checks on small tables whose expected answers were worked out by hand."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from orchestration import checks

MONDAY = dt.date(2024, 3, 25)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create schema raw")
    yield con
    con.close()


def _offered(con, rows: dict[dt.date, int], holidays: tuple[dt.date, ...] = ()) -> None:
    con.execute(
        "create or replace table marts.rpt_kpi_daily "
        "(call_date date, offered bigint, iso_weekday integer, day_type varchar)"
    )
    con.executemany(
        "insert into marts.rpt_kpi_daily values (?, ?, ?, ?)",
        [(d, n, d.isoweekday(), "holiday" if d in holidays else "ordinary") for d, n in rows.items()],
    )


def test_volume_far_above_the_usual_monday_is_reported(con):
    # Four earlier Mondays: 90, 100, 100, 110 -> median 100, usual range 50-200. A Tuesday of
    # 1,000 calls is not a Monday and does not count.
    history = {
        MONDAY - dt.timedelta(weeks=w): n for w, n in zip(range(1, 5), [100, 110, 90, 100], strict=True)
    }
    _offered(con, {**history, MONDAY: 300, MONDAY - dt.timedelta(days=6): 1000})
    (problem,) = checks.volume_problems(con, MONDAY)
    assert problem.startswith("300 calls offered on 2024-03-25, usual for a Monday is 100 (range 50–200")
    _offered(con, {**history, MONDAY: 200})  # at the edge of the range: fine
    assert checks.volume_problems(con, MONDAY) == []
    _offered(con, {**history, MONDAY: 49})  # under half: a half-delivered file?
    assert len(checks.volume_problems(con, MONDAY)) == 1


def test_a_holiday_is_compared_with_holidays_not_with_its_weekday(con):
    # Easter Monday-like holiday on MONDAY with 40 calls. Ordinary Mondays carry 100, so against
    # them 40 is under half (a false alarm). The three holidays of the past year carried 30, 40
    # and 50 -> median 40, range 20-80: no warning.
    mondays = {MONDAY - dt.timedelta(weeks=w): 100 for w in range(1, 5)}
    past_holidays = {dt.date(2024, 1, 1): 30, dt.date(2023, 12, 25): 40, dt.date(2023, 5, 1): 50}
    _offered(con, {**mondays, **past_holidays, MONDAY: 40}, holidays=(*past_holidays, MONDAY))
    assert checks.volume_problems(con, MONDAY) == []
    # 90 calls on the holiday is more than twice the usual 40 for a holiday: reported as such.
    _offered(con, {**mondays, **past_holidays, MONDAY: 90}, holidays=(*past_holidays, MONDAY))
    (problem,) = checks.volume_problems(con, MONDAY)
    assert problem.startswith("90 calls offered on 2024-03-25, usual for a holiday is 40 (range 20–80")


def test_an_ordinary_day_is_not_compared_with_holidays(con):
    # Weeks 1-3 back: ordinary Mondays of 100 calls; weeks 4-6 back: holiday Mondays of 10.
    # Ordinary Mondays only: median 100, range 50-200, so 150 is fine. Were the holidays counted,
    # the median of 100,100,100,10,10,10 would be 55 (range 27.5-110) and 150 would be reported.
    ordinary = {MONDAY - dt.timedelta(weeks=w): 100 for w in range(1, 4)}
    holidays = {MONDAY - dt.timedelta(weeks=w): 10 for w in range(4, 7)}
    _offered(con, {**ordinary, **holidays, MONDAY: 150}, holidays=tuple(holidays))
    assert checks.volume_problems(con, MONDAY) == []


def test_volume_needs_three_weeks_of_history(con):
    _offered(con, {MONDAY - dt.timedelta(weeks=1): 100, MONDAY - dt.timedelta(weeks=2): 100, MONDAY: 900})
    assert checks.volume_problems(con, MONDAY) == []


def test_freshness_uses_the_centers_local_date(con):
    con.execute("create table raw.calls (started_at timestamp)")
    con.execute("insert into raw.calls values ('2024-03-08 16:30:00')")  # 00:30 on 9 March in Shanghai
    assert checks.freshness_problems(con, dt.date(2024, 3, 9), "Asia/Shanghai") == []
    assert checks.freshness_problems(con, dt.date(2024, 3, 8), "Asia/Shanghai") == [
        "no calls started on 2024-03-08 (Asia/Shanghai) have been loaded"
    ]
    # The zones furthest from UTC: the check's UTC bound must not cut their days short.
    con.execute("delete from raw.calls")
    con.execute("insert into raw.calls values ('2024-03-08 10:00:00')")  # 00:00 on 9 March at UTC+14
    assert checks.freshness_problems(con, dt.date(2024, 3, 9), "Pacific/Kiritimati") == []
    con.execute("delete from raw.calls")
    con.execute("insert into raw.calls values ('2024-03-10 11:59:59')")  # 23:59:59 on 9 March at UTC-12
    assert checks.freshness_problems(con, dt.date(2024, 3, 9), "Etc/GMT+12") == []


def test_reconciliation_counts_every_row(con):
    con.execute(
        "create table raw.loaded_files (file_id bigint, file_path varchar, status varchar, rows_read bigint, "
        "rows_accepted bigint, rows_rejected bigint, rows_duplicate bigint, source_lines bigint, "
        "lines_carried_in bigint, lines_in_records bigint, lines_agent_events bigint, lines_ignored bigint, "
        "lines_held bigint, lines_rejected bigint)"
    )
    for table in ("calls", "ticket_history", "surveys", "qa_evaluations", "agent_history"):
        con.execute(f"create table raw.{table} (_file_id bigint)")
    con.execute("create table raw.rejected_rows (file_id bigint)")
    # File 1: 4 rows read = 3 accepted (1 of them a duplicate, so 2 stored) + 1 rejected.
    con.execute(
        "insert into raw.loaded_files values "
        "(1, 'calls/a.csv', 'loaded', 4, 3, 1, 1, null, null, null, null, null, null, null)"
    )
    con.execute("insert into raw.calls values (1), (1)")
    con.execute("insert into raw.rejected_rows values (1)")
    assert checks.reconciliation_problems(con) == []
    con.execute("insert into raw.calls values (1)")  # a row too many in raw
    assert checks.reconciliation_problems(con) == ["calls/a.csv: 2 rows to store but 3 in raw"]
    con.execute("delete from raw.calls where rowid = (select max(rowid) from raw.calls)")
    # A queue_log file: 12 lines + 2 carried in = 7 in its 2 segments + 3 agent events + 1 ignored
    # + 2 held + 1 rejected (the rejected line is also a rejected row).
    con.execute(
        "insert into raw.loaded_files values "
        "(2, 'calls/pbx/queue_log', 'loaded', 3, 2, 1, 0, 12, 2, 7, 3, 1, 2, 1)"
    )
    con.execute("insert into raw.calls values (2), (2)")
    con.execute("insert into raw.rejected_rows values (2)")
    assert checks.reconciliation_problems(con) == []
    con.execute("update raw.loaded_files set lines_held = 1 where file_id = 2")  # a line lost
    assert checks.reconciliation_problems(con) == [
        "calls/pbx/queue_log: 14 lines read but 13 accounted for "
        "(records, agent events, ignored, held, rejected)"
    ]
    # The daily refresh checks the files after the last passed check: file 2 only, here.
    con.execute("insert into raw.calls values (1)")  # file 1 is off too now
    assert len(checks.reconciliation_problems(con, after_file_id=1)) == 1
    assert len(checks.reconciliation_problems(con)) == 2
    assert checks.reconciled_through(con) == 0
    checks.mark_reconciled(con)
    assert checks.reconciled_through(con) == 2
    assert checks.reconciliation_problems(con, after_file_id=2) == []


@pytest.mark.parametrize(
    ("partition", "says"),
    [
        ("1999-02-28", None),
        ("1990-01-01", None),  # the first partition
        ("1989-12-31", "days before 1990-01-01 cannot be refreshed"),
        ("1999-2-3x", "is not a date"),
        ("2999-01-01", "is not over yet"),
    ],
)
def test_refresh_partition_is_checked_before_dagster_sees_it(partition, says):
    from orchestration.refresh import partition_problem

    problem = partition_problem(partition)
    assert problem is None if says is None else says in problem
