"""dim_dates for any year: every date from 1990 to 2100 against Python's own calendar, known dates
pinned on both sides of the reference Monday (2024-01-01) the SQL counts from, and the holiday
calendar's coverage (a year it does not cover is unknown, never a silent workday)."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.loader import load_landing
from tests.dbt_helpers import connect, run_dbt

pytestmark = pytest.mark.slow
FIRST, LAST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


def _warehouse(root, country: str):
    """Two calls, on the first and the last day, span dim_dates over 1990-2100."""
    (root / "landing" / "calls").mkdir(parents=True)
    lines = ["call_id,caller_number,district,started_at,ended_at"]
    for i, day in enumerate((FIRST, LAST)):
        lines.append(f"c{i},13800000000,shiqu,{day}T10:00:00,{day}T10:01:00")
    (root / "landing" / "calls" / "calls.csv").write_text("\n".join(lines) + "\n")
    database = root / "w.duckdb"
    load_landing(root / "landing", database, tz="Asia/Shanghai", secret=b"dates", progress=None)
    country_var = f"{{center_country: {country}}}"
    run_dbt(database, "seed", vars_=country_var)
    run_dbt(database, "run", "--select", "+dim_dates", vars_=country_var)
    run_dbt(database, "test", "--select", "dim_dates", vars_=country_var)  # its own tests pass too
    return database


@pytest.fixture(scope="module")
def china(tmp_path_factory):
    with connect(_warehouse(tmp_path_factory.mktemp("cn"), "CN")) as con:
        yield {row[0]: row for row in con.execute(
            "select date_day, iso_weekday, iso_year, iso_week, weekday_name_en, weekday_name_zh, "
            "week_start, is_weekend, is_holiday_known, is_holiday, is_makeup_workday, is_workday, "
            "day_type, holiday_name_zh from marts.dim_dates"
        ).fetchall()}  # fmt: skip


def test_every_date_from_1990_to_2100_matches_pythons_iso_calendar(china):
    assert len(china) == (LAST - FIRST).days + 1
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    wrong = []
    for day, row in china.items():
        iso = day.isocalendar()
        expected = (
            iso.weekday,
            iso.year,
            iso.week,
            names[iso.weekday - 1],
            day - dt.timedelta(iso.weekday - 1),
        )
        got = (row[1], row[2], row[3], row[4], row[6])
        if got != expected:
            wrong.append((day, got, expected))
    assert wrong == []


@pytest.mark.parametrize(
    ("day", "weekday", "name_zh"),
    [
        (dt.date(1999, 2, 1), 1, "星期一"),   # the Technion log's first day
        (dt.date(2008, 10, 1), 3, "星期三"),
        (dt.date(2023, 12, 31), 7, "星期日"),  # the day before the reference Monday
        (dt.date(2024, 1, 1), 1, "星期一"),    # the reference Monday itself
        (dt.date(2035, 12, 31), 1, "星期一"),
        (dt.date(1990, 1, 1), 1, "星期一"),
        (dt.date(2100, 12, 31), 5, "星期五"),
    ],
)  # fmt: skip
def test_known_dates(china, day, weekday, name_zh):
    assert (china[day][1], china[day][5]) == (weekday, name_zh)


def test_iso_week_of_the_year_boundary(china):
    # 2008-12-29 (Monday) is in ISO week 1 of 2009; 2010-01-03 (Sunday) in week 53 of 2009.
    assert china[dt.date(2008, 12, 29)][2:4] == (2009, 1)
    assert china[dt.date(2010, 1, 3)][2:4] == (2009, 53)


def test_chinese_holidays_make_up_workdays_and_uncovered_years(china):
    spring = china[dt.date(2024, 2, 10)]  # 春节, a Saturday
    assert spring[7:14] == (True, True, True, False, False, "holiday", "春节")
    makeup = china[dt.date(2024, 2, 4)]  # a Sunday worked for the Spring Festival
    assert (makeup[7], makeup[10], makeup[11], makeup[12]) == (True, True, True, "makeup_workday")
    ordinary_sunday = china[dt.date(2024, 3, 3)]
    assert (ordinary_sunday[9], ordinary_sunday[11], ordinary_sunday[12]) == (False, False, "ordinary")
    # chinese-calendar starts in 2004 and ends with the newest State Council notice: 1 Oct 2003
    # (National Day) and any day of 2099 are not known, so neither holiday nor workday.
    for day in (dt.date(2003, 10, 1), dt.date(2099, 6, 1)):
        row = china[day]
        assert (row[8], row[9], row[10], row[11], row[12]) == (False, None, None, None, "unknown")


def test_another_country_has_its_own_weekend_and_holidays(tmp_path):
    with connect(_warehouse(tmp_path, "IL")) as con:
        rows = dict(
            con.execute(
                "select date_day, (is_weekend, is_workday, day_type) from marts.dim_dates "
                "where date_day in ('1999-02-05', '1999-02-07', '1999-04-01')"
            ).fetchall()
        )
    assert rows[dt.date(1999, 2, 5)] == (True, False, "ordinary")  # a Friday: weekend in Israel
    assert rows[dt.date(1999, 2, 7)] == (False, True, "ordinary")  # a Sunday: a workday there
    assert rows[dt.date(1999, 4, 1)] == (False, False, "holiday")  # Pesach
