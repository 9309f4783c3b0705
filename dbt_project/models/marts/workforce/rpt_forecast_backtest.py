"""One row per forecast series (each queue, and `all` for the center) and model: the rolling-origin
backtest of the interval forecast on the warehouse's history, and which model is published.

A dbt Python model (dbt-duckdb runs it in process) over orchestration/workforce/forecast.py: the
history is rpt_queue_interval's offered calls at var forecast_interval_minutes, up to the center's
yesterday, with holidays (dim_dates) and surge days replaced as outliers. Cut-offs one week apart,
each forecasting var forecast_horizon_days operating days; WAPE and MASE per series and model; the
model with the lowest WAPE is chosen when it beats last week's values (seasonal_naive). Too short
a history (under three weeks before the cut-offs): no rows.

The backtest is the refresh's costliest step (fitting MSTL at every cut-off), and the choice of a
model does not change from one day to the next: a backtest less than var forecast_backtest_days
(7) old, made with the same settings, is kept as it is; the forecast itself is refitted daily.
"""

import duckdb
import polars as pl

from ingest import settings
from orchestration.workforce import forecast

SCHEMA = {
    "series": pl.String, "model": pl.String, "interval_minutes": pl.Int32, "wape": pl.Float64,
    "mase": pl.Float64, "baseline_wape": pl.Float64, "windows": pl.Int32, "horizon_days": pl.Int32,
    "is_baseline": pl.Boolean, "is_chosen": pl.Boolean, "outlier_days": pl.Int32,
    "history_start": pl.Date, "history_end": pl.Date,
}  # fmt: skip


def recent_backtest(session, this, minutes: int, windows: int, horizon: int, max_age: int):
    """The previous build's backtest (a frame) if it is less than `max_age` days old and was made
    with these settings; else None."""
    try:
        earlier = session.sql(f"select * from {this}").pl()
    except duckdb.CatalogException:  # the first build
        return None
    if earlier.is_empty() or earlier.columns != list(SCHEMA):
        return None
    made = earlier.select("interval_minutes", "windows", "horizon_days", "history_end").unique()
    if made.height != 1:
        return None
    made_minutes, made_windows, made_horizon, history_end = made.row(0)
    age = (settings.center_yesterday() - history_end).days
    if (made_minutes, made_windows, made_horizon) != (minutes, windows, horizon):
        return None
    return earlier.cast(SCHEMA) if 0 <= age < max_age else None


def model(dbt, session):
    dbt.config(materialized="table")
    minutes = int(dbt.config.meta_get("forecast_interval_minutes"))
    horizon = int(dbt.config.meta_get("forecast_horizon_days"))
    windows = int(dbt.config.meta_get("forecast_windows"))
    max_age = int(dbt.config.meta_get("forecast_backtest_days"))
    kept = recent_backtest(session, dbt.this, minutes, windows, horizon, max_age)
    if kept is not None:
        return kept.to_arrow()
    grid = forecast.from_marts(dbt.ref("rpt_queue_interval"), dbt.ref("dim_dates"), minutes)
    scores = forecast.backtest(grid, horizon_days=horizon, windows=windows)
    if scores.is_empty():
        return pl.DataFrame(schema=SCHEMA).to_arrow()
    chosen = forecast.choose(scores)
    baseline = dict(scores.filter(pl.col("model") == forecast.BASELINE).select("series", "wape").iter_rows())
    rows = [
        {
            **row,
            "interval_minutes": minutes,
            "baseline_wape": baseline.get(row["series"]),
            "horizon_days": horizon,
            "is_baseline": row["model"] == forecast.BASELINE,
            "is_chosen": chosen.get(row["series"]) == row["model"],
            "outlier_days": len(grid.replaced.get(row["series"], [])),
            "history_start": grid.days[0],
            "history_end": grid.days[-1],
        }
        for row in scores.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=SCHEMA).to_arrow()
