"""One row per forecast series (each queue, and `all` for the center), grain (15, 30 and 60
minutes) and local interval of the next var forecast_horizon_days operating days: the forecast
calls of the model rpt_forecast_backtest chose (series whose best model does not beat last week's
values have no rows), the handle time expected, and the agents and headcount to roster for them
(the Erlang C rules of rpt_interval_staffing: service-level target, occupancy cap, shrinkage). A
queue is staffed to its own service-level target where dim_queue_targets sets one.

The model forecasts at var forecast_interval_minutes; a coarser grain sums those intervals, a finer
one splits each by the share its parts had over the last four weeks (same weekday and time of day).

AHT of an interval: handle seconds ÷ answered calls of the same series, weekday and time of day
over the last four weeks; the series' mean over those weeks where that interval had no answered call.

The rows of days already begun are kept from the build before: a past day keeps the forecast made
by the last refresh before it began (usually the same night's, with history to the day before),
so forecast and actual can be compared day by day (the Workforce page, docs/workforce.md).
"""

import datetime as dt

import duckdb
import polars as pl

from ingest import settings
from orchestration.workforce import forecast
from orchestration.workforce.erlang import Target, setting_seconds, staff, traffic_erlangs

SCHEMA = {
    "series": pl.String, "call_date": pl.Date, "interval_start": pl.Datetime("us"),
    "interval_minutes": pl.Int32, "forecast_calls": pl.Float64, "model": pl.String,
    "backtest_wape": pl.Float64, "aht_seconds": pl.Float64, "traffic_erlangs": pl.Float64,
    "required_agents": pl.Int64, "required_agents_capped": pl.Int64, "required_headcount": pl.Int64,
    "is_holiday": pl.Boolean,
}  # fmt: skip


def _mean_handle() -> pl.Expr:
    """Handle seconds per answered call; NULL without answered calls (not NaN)."""
    answered = pl.col("answered").sum()
    return pl.when(answered > 0).then(pl.col("handle_seconds").sum() / answered).alias("aht")


GRAINS = (15, 30, 60)


def recent_intervals(queue_interval, history_end: dt.date) -> pl.DataFrame:
    """The 15-minute rows of the 28 days to history_end per queue and for the center (`all`)."""
    since = history_end - dt.timedelta(days=27)
    recent = pl.from_arrow(
        queue_interval.filter(
            f"interval_minutes = 15 and call_date between date '{since}' and date '{history_end}'"
        )
        .project("queue as series, interval_start, offered, answered, handle_seconds")
        .arrow()
    )
    recent = pl.concat([recent, recent.with_columns(series=pl.lit(forecast.CENTER))])
    return recent.with_columns(weekday=pl.col("interval_start").dt.weekday())


def at_grain(predicted: pl.DataFrame, recent: pl.DataFrame, base: int, minutes: int) -> pl.DataFrame:
    """The forecast at `minutes`: the sum of the base intervals it holds (coarser), or each base
    interval split by the share its parts had of the calls over the last four weeks on the same
    weekday and time of day (finer; equal parts where those weeks had no call)."""
    if minutes >= base:
        return (
            predicted.with_columns(pl.col("interval_start").dt.truncate(f"{minutes}m"))
            .group_by("series", "interval_start", "model")
            .agg(pl.col("calls").sum())
        )
    parts = base // minutes
    shares = (
        recent.with_columns(
            part=pl.col("interval_start").dt.truncate(f"{minutes}m"),
            slot=pl.col("interval_start").dt.truncate(f"{base}m").dt.time(),
        )
        .with_columns(offset=(pl.col("part") - pl.col("part").dt.truncate(f"{base}m")))
        .group_by("series", "weekday", "slot", "offset")
        .agg(pl.col("offered").sum())
        .with_columns(share=pl.col("offered") / pl.col("offered").sum().over("series", "weekday", "slot"))
    )
    offsets = pl.DataFrame({"offset": [dt.timedelta(minutes=minutes * k) for k in range(parts)]})
    keys = ["series", "weekday", "slot", "offset"]
    start = pl.col("interval_start")
    return (
        predicted.with_columns(weekday=start.dt.weekday(), slot=start.dt.time())
        .join(offsets, how="cross")
        .join(shares.select(*keys, "share"), on=keys, how="left")
        .with_columns(
            interval_start=pl.col("interval_start") + pl.col("offset"),
            calls=pl.col("calls") * pl.col("share").fill_nan(None).fill_null(1 / parts),
        )
        .select("series", "interval_start", "model", "calls")
    )


def with_expected_aht(predicted: pl.DataFrame, recent: pl.DataFrame, minutes: int) -> pl.DataFrame:
    """`predicted` with column aht: its series' handle time on the same weekday and time of day over
    the last four weeks, else the series' mean over those weeks."""
    recent = recent.with_columns(slot=pl.col("interval_start").dt.truncate(f"{minutes}m").dt.time())
    by_slot = recent.group_by("series", "weekday", "slot").agg(_mean_handle())
    by_series = recent.group_by("series").agg(_mean_handle().alias("series_aht"))
    return (
        predicted.with_columns(
            weekday=pl.col("interval_start").dt.weekday(), slot=pl.col("interval_start").dt.time()
        )
        .join(by_slot, on=["series", "weekday", "slot"], how="left")
        .join(by_series, on="series", how="left")
        .with_columns(aht=pl.coalesce("aht", "series_aht"))
    )


def kept(session, this, first_day: dt.date) -> pl.DataFrame:
    """The rows of the previous build for days before `first_day` (none on the first build)."""
    try:
        earlier = session.sql(f"select * from {this} where call_date < date '{first_day}'").pl()
    except duckdb.CatalogException:  # no such table yet (the first build): nothing to keep
        return pl.DataFrame(schema=SCHEMA)
    if earlier.columns != list(SCHEMA):  # made by an older version of this model: start afresh
        return pl.DataFrame(schema=SCHEMA)
    return earlier.cast(SCHEMA)


def model(dbt, session):
    dbt.config(materialized="table")
    minutes = int(dbt.config.meta_get("forecast_interval_minutes"))
    horizon = int(dbt.config.meta_get("forecast_horizon_days"))
    past = kept(session, dbt.this, settings.center_yesterday() + dt.timedelta(days=1))
    chosen_rows = (
        dbt.ref("rpt_forecast_backtest").filter("is_chosen").project("series, model, wape").fetchall()
    )
    if not chosen_rows:
        return past.to_arrow()
    chosen = {series: name for series, name, _ in chosen_rows}
    wape = {series: value for series, _, value in chosen_rows}
    # The same grid as the backtest's (outliers replaced, up to the center's yesterday).
    grid = forecast.from_marts(dbt.ref("rpt_queue_interval"), dbt.ref("dim_dates"), minutes)
    predicted = forecast.forecast(grid, chosen, horizon_days=horizon)
    recent = recent_intervals(dbt.ref("rpt_queue_interval"), grid.days[-1])
    # The service-level target: the queue's where its declaration sets one, else the center's.
    declared = (
        dbt.ref("dim_kpi_targets").filter("kpi_code = 'service_level'").project("target_value").fetchall()
    )
    by_queue = dict(
        dbt.ref("dim_queue_targets")
        .filter("kpi_code = 'service_level'")
        .project("queue, target_value")
        .fetchall()
    )
    answer_seconds = float(dbt.config.meta_get("service_level_seconds"))
    targets = {
        series: Target(
            service_level=float(by_queue.get(series, declared[0][0])), answer_seconds=answer_seconds
        )
        for series in chosen
    }
    cap = float(dbt.config.meta_get("staffing_max_occupancy"))
    shrinkage = float(dbt.config.meta_get("staffing_shrinkage"))
    patience = setting_seconds(dbt.config.meta_get("staffing_patience_seconds"))
    holidays = {row[0] for row in dbt.ref("dim_dates").filter("is_holiday").project("date_day").fetchall()}
    rows = []
    for grain in GRAINS:
        at = with_expected_aht(at_grain(predicted, recent, minutes, grain), recent, grain)
        for series, start, calls, name, aht in at.select(
            "series", "interval_start", "calls", "model", "aht"
        ).iter_rows():
            on_target = capped = None
            if aht is not None and aht > 0:
                on_target = staff(calls, grain * 60, aht, targets[series], patience_seconds=patience)
                capped = staff(calls, grain * 60, aht, targets[series], cap, shrinkage, patience)
            rows.append(row(series, start, grain, calls, name, wape.get(series), aht, on_target, capped,
                            start.date() in holidays))  # fmt: skip
    return pl.concat([past, pl.DataFrame(rows, schema=SCHEMA)]).to_arrow()


def row(series, start, grain, calls, model, backtest_wape, aht, on_target, capped, is_holiday) -> dict:
    return {
        "series": series,
        "call_date": start.date(),
        "interval_start": start,
        "interval_minutes": grain,
        "forecast_calls": calls,
        "model": model,
        "backtest_wape": backtest_wape,
        "aht_seconds": aht,
        "traffic_erlangs": traffic_erlangs(calls, aht, grain * 60) if on_target else None,
        "required_agents": on_target.agents if on_target else None,
        "required_agents_capped": capped.agents if capped else None,
        "required_headcount": capped.headcount if capped else None,
        "is_holiday": is_holiday,
    }
