"""One row per forecast series (each queue, and `all` for the center) and model: the rolling-origin
backtest of the interval forecast on the warehouse's history, and which model is published.

A dbt Python model (dbt-duckdb runs it in process) over orchestration/workforce/forecast.py: the
history is rpt_queue_interval's offered calls at var forecast_interval_minutes, up to the center's
yesterday, with holidays (dim_dates) and surge days replaced as outliers. Cut-offs one week apart,
each forecasting var forecast_horizon_days operating days; WAPE and MASE per series and model; the
model with the lowest WAPE is chosen when it beats last week's values (seasonal_naive). Fewer than
three weeks of history: no rows.
"""

import polars as pl

from orchestration.workforce import forecast


def model(dbt, session):
    dbt.config(materialized="table")
    minutes = int(dbt.config.meta_get("forecast_interval_minutes"))
    horizon = int(dbt.config.meta_get("forecast_horizon_days"))
    grid = forecast.from_marts(dbt.ref("rpt_queue_interval"), dbt.ref("dim_dates"), minutes)
    scores = forecast.backtest(
        grid, horizon_days=horizon, windows=int(dbt.config.meta_get("forecast_windows"))
    )
    chosen = forecast.choose(scores)
    schema = {
        "series": pl.String, "model": pl.String, "interval_minutes": pl.Int32, "wape": pl.Float64,
        "mase": pl.Float64, "baseline_wape": pl.Float64, "windows": pl.Int32, "horizon_days": pl.Int32,
        "is_baseline": pl.Boolean, "is_chosen": pl.Boolean, "outlier_days": pl.Int32,
        "history_start": pl.Date, "history_end": pl.Date,
    }  # fmt: skip
    if scores.is_empty():
        return pl.DataFrame(schema=schema).to_arrow()
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
    return pl.DataFrame(rows, schema=schema).to_arrow()
