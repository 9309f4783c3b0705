"""Calls per interval for the coming days, chosen by a rolling-origin backtest.

The history is a grid: the center's operating days (the weekdays with calls) × its operating
slots (the times of day with calls), per series (a queue, or the whole center). Holidays and
surge days (a day's calls under 40 % or over 250 % of the median of its weekday) are outliers:
their slots are replaced by the same weekday of the nearest ordinary week before fitting, and
listed. Three models of statsforecast compete:

- ``seasonal_naive``: the same interval last week — the baseline;
- ``weeks_average``: the mean of the same interval over the last four weeks;
- ``mstl``: MSTL with daily and weekly seasonality and an AutoETS trend.

The backtest (statsforecast's cross_validation: several cut-offs one week apart, each forecasting
the horizon) gives WAPE = Σ|error| ÷ Σ calls and MASE (mean absolute error ÷ the in-sample mean
absolute error of last week's value) per series and model. A series' forecast is published only
when its best model beats the baseline's WAPE. `python -m orchestration.workforce.forecast
--csv FILE` runs the backtest on an interval file (docs/workforce.md has the figures of the bank
series in tests/fixtures/bank).
"""

from __future__ import annotations

import argparse
import datetime as dt
import lzma
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

BASELINE = "seasonal_naive"
MODELS = (BASELINE, "weeks_average", "mstl")
CENTER = "all"  # the series of the whole center (every queue)
LOW, HIGH = 0.4, 2.5  # a day outside these multiples of its weekday's median is an outlier
MIN_WEEKS = 3  # fewer weeks of history: no backtest, no forecast


@dataclass
class History:
    """Calls on the grid: one array of days × slots per series."""

    minutes: int
    days: list[dt.date]
    slots: list[dt.time]
    weekdays: list[int]  # ISO weekdays the center works (1 = Monday)
    calls: dict[str, np.ndarray]
    replaced: dict[str, list[dt.date]] = field(default_factory=dict)

    @property
    def per_day(self) -> int:
        return len(self.slots)

    @property
    def per_week(self) -> int:
        return len(self.slots) * len(self.weekdays)


def _slot(moment: dt.datetime, minutes: int) -> dt.time:
    return dt.time(moment.hour, moment.minute - moment.minute % minutes)


def prepare(
    intervals: pl.DataFrame,
    minutes: int,
    holidays: set[dt.date] = frozenset(),
    last_day: dt.date | None = None,
) -> History:
    """`intervals` has series, interval_start (local, naive) and calls at a grain of `minutes` or
    finer; it is summed to `minutes`, and a series `all` (the center) is added."""
    frame = (
        intervals.filter(pl.col("calls").is_not_null())
        .with_columns(pl.col("interval_start").dt.truncate(f"{minutes}m"), pl.col("series").cast(pl.String))
        .group_by("series", "interval_start")
        .agg(pl.col("calls").sum().cast(pl.Float64))
    )
    if last_day is not None:
        frame = frame.filter(pl.col("interval_start").dt.date() <= last_day)
    center = frame.group_by("interval_start").agg(pl.col("calls").sum()).with_columns(series=pl.lit(CENTER))
    frame = pl.concat([frame, center.select(frame.columns)]) if frame["series"].n_unique() > 1 else center
    frame = frame.with_columns(
        day=pl.col("interval_start").dt.date(), slot=pl.col("interval_start").dt.time()
    )
    center_rows = frame.filter(pl.col("series") == CENTER)
    if center_rows.is_empty():
        return History(minutes, [], [], [], {})
    first, last = center_rows["day"].min(), center_rows["day"].max()
    calendar = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    with_calls = set(center_rows.filter(pl.col("calls") > 0)["day"].to_list())
    # Operating weekdays: those with calls on at least half of their dates.
    weekdays = [
        w
        for w in range(1, 8)
        if (dates := [d for d in calendar if d.isoweekday() == w])
        and sum(d in with_calls for d in dates) >= len(dates) / 2
    ]
    days = [d for d in calendar if d.isoweekday() in weekdays]
    # Operating slots: the times of day with calls on at least a fifth of the operating days.
    counts = center_rows.filter(pl.col("calls") > 0).group_by("slot").agg(pl.col("day").n_unique().alias("n"))
    slots = sorted(counts.filter(pl.col("n") >= max(1, len(days) / 5))["slot"].to_list())
    day_index = {d: i for i, d in enumerate(days)}
    slot_index = {s: i for i, s in enumerate(slots)}
    history = History(minutes, days, slots, weekdays, {})
    for (series,), rows in frame.partition_by("series", as_dict=True).items():
        grid = np.zeros((len(days), len(slots)))
        for day, slot, calls in rows.select("day", "slot", "calls").iter_rows():
            if day in day_index and slot in slot_index:
                grid[day_index[day], slot_index[slot]] += calls
        history.calls[series], history.replaced[series] = _without_outliers(grid, days, holidays)
    return history


def from_marts(queue_interval, dates, minutes: int) -> History:
    """The warehouse's history on the forecast grid: offered calls per queue of rpt_queue_interval
    (15-minute rows) up to the center's yesterday (CENTER_TIMEZONE), holidays from dim_dates. The
    arguments are DuckDB relations of those marts (a dbt Python model's dbt.ref)."""
    from ingest import settings

    yesterday = settings.center_yesterday()
    intervals = pl.from_arrow(
        queue_interval.filter("interval_minutes = 15")
        .project("queue as series, interval_start, offered as calls")
        .arrow()
    )
    holidays = {row[0] for row in dates.filter("is_holiday").project("date_day").fetchall()}
    return prepare(intervals, minutes, holidays, last_day=yesterday)


def _without_outliers(grid: np.ndarray, days: list[dt.date], holidays: set[dt.date]):
    totals = grid.sum(axis=1)
    weekday = np.array([d.isoweekday() for d in days])
    median = {w: np.median(totals[weekday == w]) for w in set(weekday)}
    outlier = np.array(
        [
            d in holidays or not (LOW * median[w] <= totals[i] <= HIGH * median[w])
            if median[w] > 0
            else False
            for i, (d, w) in enumerate(zip(days, weekday, strict=True))
        ]
    )
    cleaned = grid.copy()
    for i in np.flatnonzero(outlier):
        same = [j for j in np.flatnonzero((weekday == weekday[i]) & ~outlier)]
        if same:
            cleaned[i] = grid[min(same, key=lambda j: (abs(j - i), j > i))]
    return cleaned, [days[i] for i in np.flatnonzero(outlier)]


def _models(history: History, names=MODELS) -> list:
    from statsforecast.models import MSTL, AutoETS, SeasonalNaive, SeasonalWindowAverage

    week, day = history.per_week, history.per_day
    made = {
        BASELINE: lambda: SeasonalNaive(season_length=week, alias=BASELINE),
        "weeks_average": lambda: SeasonalWindowAverage(
            season_length=week, window_size=4, alias="weeks_average"
        ),
        "mstl": lambda: MSTL(season_length=[day, week], trend_forecaster=AutoETS(model="ZZN"), alias="mstl"),
    }
    return [made[name]() for name in names]


def _long(history: History, weeks: int | None = None) -> pl.DataFrame:
    """statsforecast's long frame (unique_id, ds = position on the grid, y), the last `weeks` only."""
    parts = []
    for series, grid in history.calls.items():
        values = grid.reshape(-1)
        if weeks:
            values = values[-weeks * history.per_week :]
        parts.append(pl.DataFrame({"unique_id": series, "ds": np.arange(len(values)), "y": values}))
    return pl.concat(parts)


def backtest(
    history: History, horizon_days: int = 14, windows: int = 3, names=MODELS, fit_weeks: int = 16
) -> pl.DataFrame:
    """WAPE and MASE per series and model over `windows` cut-offs one week apart, each forecasting
    `horizon_days` operating days; the models see the `fit_weeks` weeks before each cut-off."""
    weeks_needed = MIN_WEEKS + (windows - 1) + -(-horizon_days // len(history.weekdays or [1]))
    if not history.days or len(history.days) < weeks_needed * len(history.weekdays):
        return pl.DataFrame(schema={"series": pl.String, "model": pl.String, "wape": pl.Float64,
                                    "mase": pl.Float64, "windows": pl.Int64})  # fmt: skip
    from statsforecast import StatsForecast  # imported when there is something to fit (it takes seconds)

    h = horizon_days * history.per_day
    frame = _long(history, fit_weeks + windows + -(-horizon_days // len(history.weekdays)))
    engine = StatsForecast(models=_models(history, names), freq=1, n_jobs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cv = pl.from_pandas(
            engine.cross_validation(df=frame.to_pandas(), h=h, step_size=history.per_week, n_windows=windows)
        )
    # MASE's scale: last week's value as a forecast, in sample, before the first cut-off.
    first_cut = frame.group_by("unique_id").agg(pl.len()).to_dict(as_series=False)
    scale = {
        series: _naive_scale(
            frame.filter(pl.col("unique_id") == series)["y"].to_numpy()[
                : n - h - (windows - 1) * history.per_week
            ],
            history.per_week,
        )
        for series, n in zip(first_cut["unique_id"], first_cut["len"], strict=True)
    }
    rows = []
    for (series,), part in cv.partition_by("unique_id", as_dict=True).items():
        actual = part["y"].to_numpy()
        for name in names:
            error = np.abs(part[name].to_numpy() - actual)
            known = bool(np.isfinite(error).all())  # a model short of history forecasts NaN
            rows.append(
                {
                    "series": series,
                    "model": name,
                    "wape": float(error.sum() / actual.sum()) if known and actual.sum() else None,
                    "mase": float(error.mean() / scale[series]) if known and scale[series] else None,
                    "windows": windows,
                }
            )
    return pl.DataFrame(rows)


def _naive_scale(values: np.ndarray, season: int) -> float:
    """In-sample mean absolute error of the same interval a week before (MASE's denominator)."""
    if len(values) <= season:
        return 0.0
    return float(np.mean(np.abs(values[season:] - values[:-season])))


def choose(scores: pl.DataFrame) -> dict[str, str]:
    """Per series, the model with the lowest WAPE when it beats the baseline's; series whose best
    model does not beat last week's values get no forecast."""
    chosen = {}
    for (series,), part in (
        scores.filter(pl.col("wape").is_not_null()).partition_by("series", as_dict=True).items()
    ):
        baseline = part.filter(pl.col("model") == BASELINE)["wape"]
        best = part.filter(pl.col("model") != BASELINE).sort("wape").head(1)
        if not baseline.is_empty() and not best.is_empty() and best["wape"][0] < baseline[0]:
            chosen[series] = best["model"][0]
    return chosen


def future_days(history: History, horizon_days: int) -> list[dt.date]:
    """The next `horizon_days` operating days after the history."""
    days, day = [], history.days[-1]
    while len(days) < horizon_days:
        day += dt.timedelta(days=1)
        if day.isoweekday() in history.weekdays:
            days.append(day)
    return days


def forecast(
    history: History, chosen: dict[str, str], horizon_days: int = 14, fit_weeks: int = 16
) -> pl.DataFrame:
    """Calls per series and interval for the next `horizon_days` operating days, each series by its
    chosen model fitted on its last `fit_weeks` weeks; negative values are 0."""
    from statsforecast import StatsForecast

    schema = {
        "series": pl.String,
        "interval_start": pl.Datetime("us"),
        "calls": pl.Float64,
        "model": pl.String,
    }
    if not chosen:
        return pl.DataFrame(schema=schema)
    days = future_days(history, horizon_days)
    starts = [dt.datetime.combine(day, slot) for day in days for slot in history.slots]
    h = len(starts)
    parts = []
    for name in sorted(set(chosen.values())):
        series = [s for s, model in chosen.items() if model == name]
        frame = _long(history, fit_weeks).filter(pl.col("unique_id").is_in(series))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            predicted = pl.from_pandas(
                StatsForecast(models=_models(history, [name]), freq=1, n_jobs=1).forecast(
                    df=frame.to_pandas(), h=h
                )
            )
        for (unique_id,), rows in predicted.partition_by("unique_id", as_dict=True).items():
            parts.append(
                pl.DataFrame(
                    {
                        "series": unique_id,
                        "interval_start": starts,
                        "calls": np.maximum(rows[name].to_numpy(), 0.0),
                        "model": name,
                    },
                    schema=schema,
                )
            )
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


# Backtest of an interval file ---------------------------------------------------------------------


def read_interval_csv(path: Path) -> pl.DataFrame:
    """A CSV of interval volumes: a timestamp column (DateTime, interval_start, ts) and a count
    column (Calls, calls), optionally a series column (queue); e.g. the bank series (5 minutes).
    A .csv.xz file is read as it is."""
    if path.suffix == ".xz":  # the bank series is kept compressed in tests/fixtures/bank
        with lzma.open(path) as handle:
            frame = pl.read_csv(handle.read(), infer_schema=False)
    else:
        frame = pl.read_csv(path, infer_schema=False)
    names = {name.lower(): name for name in frame.columns}
    when = next((names[n] for n in ("interval_start", "datetime", "ts", "timestamp") if n in names), None)
    count = next((names[n] for n in ("calls", "offered", "count") if n in names), None)
    if when is None or count is None:
        raise ValueError(f"{path}: needs a timestamp column (interval_start) and a calls column")
    series = pl.col(names["queue"]) if "queue" in names else pl.lit(path.stem)
    return frame.select(
        series.alias("series"),
        pl.col(when).str.replace("Z$", "").str.to_datetime(time_unit="us").alias("interval_start"),
        pl.col(count).cast(pl.Float64).alias("calls"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.workforce.forecast",
        description="Rolling-origin backtest of the interval forecast on a CSV of interval volumes.",
    )
    parser.add_argument(
        "--csv", type=Path, required=True, help="interval_start/DateTime and calls/Calls columns"
    )
    parser.add_argument("--interval-minutes", type=int, nargs="+", default=[15, 30, 60])
    parser.add_argument("--horizon-days", type=int, default=10, help="operating days ahead (default 10)")
    parser.add_argument("--windows", type=int, default=4, help="cut-offs, one week apart (default 4)")
    args = parser.parse_args(argv)
    try:
        intervals = read_interval_csv(args.csv)
    except (ValueError, OSError, pl.exceptions.PolarsError) as error:
        print(f"forecast: {error}", file=sys.stderr)
        return 2
    print("interval_minutes,series,model,wape,mase,windows,horizon_days,outlier_days")
    for minutes in args.interval_minutes:
        history = prepare(intervals, minutes)
        scores = backtest(history, args.horizon_days, args.windows, fit_weeks=52)
        for row in scores.iter_rows(named=True):
            outliers = len(history.replaced.get(row["series"], []))
            print(
                f"{minutes},{row['series']},{row['model']},{row['wape']:.4f},{row['mase']:.4f},"
                f"{row['windows']},{args.horizon_days},{outliers}"
            )
        print(
            f"# {minutes} min: chosen {choose(scores) or 'none (no model beats last week)'}", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
