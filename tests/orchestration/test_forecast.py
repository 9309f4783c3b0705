"""The interval forecast (orchestration/workforce/forecast.py) on series whose right answers are
known by hand, and the backtest on the real 5-minute bank series (figures printed, not timed).

The hand series: an intraday profile p (calls per slot) repeated every day of the week, times
1.1 in even weeks and 0.9 in odd weeks. Last week's value (the baseline) is then always off by
0.2·p for the next week; the mean of the last four weeks is p, off by 0.1·p. With a one-week
horizon and two cut-offs (one of each parity): baseline WAPE = (0.2 + 0.2)·P ÷ (0.9 + 1.1)·P =
0.2, four-week mean WAPE = 0.1; in-sample, last week's value misses by 0.2·p everywhere, so the
four-week mean's MASE = 0.1 ÷ 0.2 = 0.5.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from orchestration.workforce import forecast

ROOT = Path(__file__).resolve().parents[2]
# The real series, compressed (provenance and licence in SOURCE.md beside it).
BANK = ROOT / "tests" / "fixtures" / "bank" / "bank_calls.csv.xz"
START = dt.date(2024, 1, 1)  # a Monday
PROFILE = [10.0, 30.0, 50.0, 20.0]  # 08:00, 08:30, 09:00, 09:30


def alternating(week: int) -> float:
    return 1.1 if week % 2 == 0 else 0.9


def intervals(weeks: int, factor=alternating, weekdays=range(7)) -> pl.DataFrame:
    rows = []
    for day in range(weeks * 7):
        date = START + dt.timedelta(days=day)
        if date.weekday() not in weekdays:
            continue
        for slot, calls in enumerate(PROFILE):
            start = dt.datetime.combine(date, dt.time(8)) + dt.timedelta(minutes=30 * slot)
            for queue, share in (("repair", 0.75), ("billing", 0.25)):
                rows.append((queue, start, calls * share * factor(day // 7)))
    return pl.DataFrame(rows, schema=["series", "interval_start", "calls"], orient="row")


def test_the_grid_keeps_operating_days_and_slots_and_adds_the_center():
    history = forecast.prepare(intervals(8, weekdays=range(5)), 30)
    assert history.weekdays == [1, 2, 3, 4, 5] and history.per_week == 20
    assert history.slots == [dt.time(8), dt.time(8, 30), dt.time(9), dt.time(9, 30)]
    assert len(history.days) == 40 and history.days[5] == dt.date(2024, 1, 8)  # the weekend left out
    assert set(history.calls) == {"repair", "billing", "all"}
    assert history.calls["all"][0].tolist() == pytest.approx([11, 33, 55, 22])
    # A coarser grain sums the slots: 60 minutes gives 08:00 = 10 + 30, 09:00 = 50 + 20 (× 1.1).
    hourly = forecast.prepare(intervals(8, weekdays=range(5)), 60)
    assert hourly.calls["all"][0].tolist() == pytest.approx([44, 77])


def test_holidays_surges_and_missing_days_are_replaced_by_the_nearest_ordinary_same_weekday():
    frame = intervals(8, factor=lambda week: 1.0)
    surge = START + dt.timedelta(days=22)  # a Tuesday: ten times the calls, as after an outage
    closed = START + dt.timedelta(days=29)  # the next Tuesday: no calls at all (not in the file)
    day = pl.col("interval_start").dt.date()
    frame = frame.with_columns(calls=pl.when(day == surge).then(pl.col("calls") * 10).otherwise("calls"))
    frame = frame.filter(day != closed)
    holiday = START + dt.timedelta(days=10)  # a Thursday, ordinary volume but a holiday
    history = forecast.prepare(frame, 30, holidays={holiday})
    assert history.replaced["all"] == [holiday, surge, closed]
    for replaced in (holiday, surge, closed):
        assert history.calls["all"][history.days.index(replaced)].tolist() == pytest.approx(PROFILE)


def test_the_backtest_and_the_choice_match_the_hand_worked_figures():
    history = forecast.prepare(intervals(10), 30)
    scores = forecast.backtest(history, horizon_days=7, windows=2, names=("seasonal_naive", "weeks_average"))
    got = {(r["series"], r["model"]): (r["wape"], r["mase"]) for r in scores.iter_rows(named=True)}
    for series in ("repair", "billing", "all"):
        assert got[(series, "seasonal_naive")][0] == pytest.approx(0.2)
        assert got[(series, "weeks_average")] == (pytest.approx(0.1), pytest.approx(0.5))
    assert forecast.choose(scores) == {series: "weeks_average" for series in ("repair", "billing", "all")}
    # The published forecast is the four-week mean: exactly the profile.
    ahead = forecast.forecast(history, {"all": "weeks_average"}, horizon_days=7)
    assert ahead.height == 7 * 4 and ahead["interval_start"][0] == dt.datetime(2024, 3, 11, 8)
    tuesday = ahead.filter(pl.col("interval_start").dt.date() == dt.date(2024, 3, 12))
    assert tuesday["calls"].to_list() == pytest.approx(PROFILE)


def test_no_forecast_when_nothing_beats_last_week_or_history_is_short():
    # An exactly weekly series: last week's value is perfect, nothing beats it.
    steady = forecast.prepare(intervals(10, factor=lambda week: 1.0), 30)
    scores = forecast.backtest(steady, horizon_days=7, windows=2, names=("seasonal_naive", "weeks_average"))
    assert scores.filter(pl.col("model") == "seasonal_naive")["wape"].to_list() == pytest.approx([0, 0, 0])
    assert forecast.choose(scores) == {}
    assert forecast.forecast(steady, {}, 7).is_empty()
    # Two weeks of history: no backtest at all.
    assert forecast.backtest(forecast.prepare(intervals(2), 30), 7, 2).is_empty()


def test_the_bank_grid():
    history = forecast.prepare(forecast.read_interval_csv(BANK), 30)
    assert history.weekdays == [1, 2, 3, 4, 5]
    assert history.slots[0] == dt.time(7) and history.slots[-1] == dt.time(21)
    # 164 weekdays from 2003-03-03 to 2003-10-24 of 170: the six missing days are outliers.
    assert len(history.days) == 170 and len(history.replaced["all"]) == 6
    assert history.calls["all"].sum() > 5_000_000


def test_the_bank_series_backtest_prints_its_figures():
    """The CLI on the real bank series at 60 minutes (docs/workforce.md has every grain)."""
    command = [sys.executable, "-m", "orchestration.workforce.forecast", "--csv", str(BANK),
               "--interval-minutes", "60", "--horizon-days", "5", "--windows", "2"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    print(result.stdout)
    lines = result.stdout.splitlines()
    assert lines[0] == "interval_minutes,series,model,wape,mase,windows,horizon_days,outlier_days"
    rows = [dict(zip(lines[0].split(","), line.split(","), strict=True)) for line in lines[1:]]
    assert {r["model"] for r in rows} == set(forecast.MODELS)
    assert {r["outlier_days"] for r in rows} == {"6"}
    assert all(0 < float(r["wape"]) < 0.5 for r in rows)
