"""Workforce 排班: the forecast against what came, agents required against agents logged in, the
intervals short of people, agent time and occupancy, a what-if on volume and handle time (the
staffing calculator's own rules), the forecast's backtest, and seats and staff by the center's
rules (docs/workforce.md)."""

import datetime as dt

import polars as pl
import streamlit as st

from dashboards.components import figures
from dashboards.components.formatting import pct
from dashboards.components.widgets import chart_and_table, empty, table
from dashboards.data import queries
from dashboards.filters import current
from dashboards.strings import day_text, t
from orchestration.workforce.erlang import Target, staff

f = current()
st.title(t("page_workforce"))
# The staffing rules the marts were built with (dbt_project.yml vars; docs/workforce.md).
rules = queries.workforce_settings()
if not rules:
    st.info(t("no_data"))
    st.stop()
MINUTES = 30  # the page's grain: rpt_interval_staffing, the forecast and agent time all have it

first_forecast, last_forecast = queries.forecast_days()
newest = f.newest or f.end
latest = max(d for d in (last_forecast, newest) if d is not None)
series = f.queues[0] if len(f.queues) == 1 else "all"
left, right = st.columns(2)
day = left.date_input(t("wf_day"), value=newest + dt.timedelta(days=1) if last_forecast else newest,
                      min_value=f.start, max_value=latest, key="workforce_day")  # fmt: skip
right.caption(f"{t('wf_series')}: {t('all') if series == 'all' else series}")

# -- forecast vs actual -----------------------------------------------------------------------------
st.subheader(t("wf_forecast_title"))
forecast = queries.interval_forecast(series, day, day)
actual = queries.offered_by_interval(day, day, [] if series == "all" else [series], MINUTES)
backtest = queries.forecast_backtest()
if forecast.is_empty():
    st.info(t("wf_no_forecast"))
else:
    chosen = backtest.filter((pl.col("series") == series) & pl.col("is_chosen"))
    if not chosen.is_empty():
        row = chosen.row(0, named=True)
        st.caption(
            t(
                "wf_forecast_note",
                model=row["model"],
                wape=pct(row["wape"]),
                baseline=pct(row["baseline_wape"]),
            )
        )
    if forecast["is_holiday"].any():
        st.warning(t("wf_holiday"))
curve = (
    forecast.select("interval_start", "forecast_calls")
    .join(actual.select("interval_start", "offered"), on="interval_start", how="full", coalesce=True)
    .sort("interval_start")
)
if not empty(curve):
    both = curve.drop_nulls()
    if not both.is_empty() and both["offered"].sum() > 0:
        error = (both["forecast_calls"] - both["offered"]).abs().sum() / both["offered"].sum()
        st.caption(t("wf_day_error", forecast=both["forecast_calls"].sum(), actual=both["offered"].sum(),
                     wape=pct(error)))  # fmt: skip
    columns = [c for c in ("forecast_calls", "offered") if curve[c].is_not_null().any()]
    chart_and_table(figures.trend(curve, "interval_start", columns, "", percent=False), curve,
                    f"forecast_{series}_{day}", "workforce_forecast")  # fmt: skip

# -- agents required vs logged in ------------------------------------------------------------------
st.subheader(t("wf_agents_title"))
if queries.viewer().role == "team_leader":
    st.caption(t("wf_team_only"))
st.caption(t("wf_agents_note", cap=rules["staffing_max_occupancy"], shrinkage=rules["staffing_shrinkage"]))
required = queries.staffing_by_interval(day, MINUTES).select(
    "interval_start", "required_agents_capped", "required_headcount"
)
if required.is_empty() and not forecast.is_empty() and series == "all":
    required = forecast.select("interval_start", "required_agents_capped", "required_headcount")
logged = queries.agents_logged_in(day, day, MINUTES).select(
    "interval_start", "logged_in_agents", "available_agents"
)
agents = required.join(logged, on="interval_start", how="full", coalesce=True).sort("interval_start")
if not empty(agents):
    lines = ["required_agents_capped", "required_headcount", "logged_in_agents", "available_agents"]
    shown = [c for c in lines if agents[c].is_not_null().any()]
    chart_and_table(figures.trend(agents, "interval_start", shown, "", percent=False), agents,
                    f"agents_{day}", "workforce_agents")  # fmt: skip
    if logged.is_empty():
        st.caption(t("wf_no_events"))

# -- understaffed intervals ------------------------------------------------------------------------
SHORT = ["interval_start", "required_agents_capped", "available_agents", "short_by"]


def understaffed(newest: dt.date) -> None:
    """Yesterday's intervals with fewer available agents than required, and next week's if last
    week's same weekday is staffed again."""
    required = queries.staffing_by_interval(newest, MINUTES)
    available = queries.agents_logged_in(newest, newest, MINUTES).drop("interval_start", "call_date")
    short = required.join(available, on="interval_start_utc").with_columns(
        short_by=pl.col("required_agents_capped") - pl.col("available_agents")
    )
    st.caption(t("wf_short_yesterday", day=day_text(newest)))
    short = short.filter(pl.col("short_by") > 0).select(SHORT[0], "offered", *SHORT[1:])
    if short.is_empty():
        st.caption(t("wf_short_none"))
    else:
        table(short, f"short_{newest}", "workforce_short_yesterday")
    ahead = queries.interval_forecast("all", newest + dt.timedelta(days=1), newest + dt.timedelta(days=7))
    last_week = queries.agents_logged_in(newest - dt.timedelta(days=6), newest, MINUTES)
    if ahead.is_empty() or last_week.is_empty():
        return
    st.caption(t("wf_short_next_week"))
    again = last_week.select(pl.col("interval_start") + pl.duration(days=7), "available_agents")
    gaps = ahead.join(again, on="interval_start", how="left").with_columns(
        short_by=pl.col("required_agents_capped") - pl.col("available_agents").fill_null(0)
    )
    gaps = gaps.filter(pl.col("short_by") > 0).select(SHORT[0], "forecast_calls", *SHORT[1:])
    if gaps.is_empty():
        st.caption(t("wf_short_none"))
    else:
        table(gaps, f"short_next_week_{newest}", "workforce_short_next")


st.subheader(t("wf_short_title"))
# Against the center's requirement only the center's agents count: not in a team leader's view.
if queries.viewer().role == "team_leader":
    st.caption(t("wf_team_only"))
else:
    understaffed(newest)

# -- agent time ------------------------------------------------------------------------------------
st.subheader(t("wf_occupancy_title", day=day_text(newest)))
agent_time = f.of_teams(queries.agent_time_day(newest))
if agent_time.is_empty():
    st.caption(t("wf_no_events"))
else:
    table(agent_time, f"agent_time_{newest}", "workforce_agent_time")
    pauses = queries.pauses_day(newest)
    if not pauses.is_empty():
        st.caption(t("wf_pauses_title"))
        table(pauses, f"pauses_{newest}", "workforce_pauses")

# -- what if ---------------------------------------------------------------------------------------
st.subheader(t("wf_whatif_title"))
st.caption(t("wf_whatif_note"))
base = forecast.select("interval_start", pl.col("forecast_calls").alias("calls"), "aht_seconds")
if base.is_empty():
    base = actual.select(
        "interval_start",
        pl.col("offered").cast(pl.Float64).alias("calls"),
        (pl.col("handle_seconds") / pl.col("answered")).alias("aht_seconds"),
    )
one, two = st.columns(2)
volume = one.slider(t("wf_volume"), -50, 100, 10, step=5, key="workforce_volume")
aht_change = two.slider(t("wf_aht"), -120, 120, 0, step=10, key="workforce_aht")
target = Target(
    service_level=queries.kpi_targets()["service_level"], answer_seconds=rules["service_level_seconds"]
)
rows = []
for start, calls, aht in base.iter_rows():
    if calls is None or aht is None or aht + aht_change <= 0:
        continue
    answer = staff(calls * (1 + volume / 100), MINUTES * 60, aht + aht_change, target,
                   rules["staffing_max_occupancy"], rules["staffing_shrinkage"])  # fmt: skip
    rows.append({"interval_start": start, "calls": answer.calls, "aht_seconds": aht + aht_change,
                 "required_agents_capped": answer.agents, "required_headcount": answer.headcount,
                 "service_level": answer.service_level, "occupancy": answer.occupancy})  # fmt: skip
whatif = pl.DataFrame(rows)
if not empty(whatif):
    lines = ["required_agents_capped", "required_headcount"]
    figure = figures.trend(whatif, "interval_start", lines, "", percent=False)
    chart_and_table(figure, whatif, f"whatif_{day}_{volume}_{aht_change}", "workforce_whatif")

# -- backtest, seats and staff ---------------------------------------------------------------------
st.subheader(t("wf_backtest_title"))
if not backtest.is_empty():
    table(backtest, "forecast_backtest", "workforce_backtest")
else:
    st.caption(t("wf_no_forecast"))

st.subheader(t("wf_seats_title"))
seats = queries.seats_and_staff()
if not empty(seats):
    recent = queries.interval_staffing_peak(newest - dt.timedelta(days=27), newest, MINUTES)
    ahead_peak = queries.interval_forecast("all", newest + dt.timedelta(days=1), latest)
    forecast_peak = ahead_peak["required_agents_capped"].max() if not ahead_peak.is_empty() else "—"
    note = t(
        "wf_seats_note",
        per_seat=rules["subscribers_per_seat"],
        staff=rules["staff_per_seat"],
        peak=recent["peak_agents"][0],
        headcount=recent["peak_headcount"][0],
        forecast_peak=forecast_peak,
    )
    st.caption(note)
    totals = seats.select(
        pl.lit("Total 合计").alias("district_name_zh"),
        pl.lit("").alias("district_name_en"),
        pl.col("subscribers", "seats_rule_of_thumb", "staff_rule_of_thumb").sum(),
    )
    table(pl.concat([seats, totals], how="vertical_relaxed"), "seats_and_staff", "workforce_seats")
