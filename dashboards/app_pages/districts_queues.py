"""Districts and queues: KPIs per district and per queue, the weekly heatmap, an intraday curve."""

import polars as pl
import streamlit as st

from dashboards.components import figures
from dashboards.components.widgets import chart_and_table, empty, table
from dashboards.data import queries
from dashboards.filters import current
from dashboards.metrics import rates_over_period
from dashboards.strings import t

f = current()
st.title(t("page_districts"))

st.subheader(t("district"))
daily = queries.district_daily(f.start, f.end, f.districts)
if not empty(daily):
    per_district = rates_over_period(daily, ["district", "district_name_zh", "sort_order"]).sort("sort_order")
    shown = per_district.select(
        "district_name_zh",
        "inbound",
        "offered",
        "answered",
        "connect_rate",
        "service_level",
        "abandon_rate",
        "asa_seconds",
        "aht_seconds",
    )
    chart_and_table(
        figures.bars(shown, "district_name_zh", "connect_rate", t("connect_rate"), percent=True),
        shown,
        f"districts_{f.start}_{f.end}",
        "districts_kpis",
    )

intervals = queries.queue_intervals_30(f.start, f.end, f.queues)
st.subheader(t("queue"))
if not empty(intervals.filter(pl.col("offered") > 0)):
    per_queue = rates_over_period(intervals, ["queue"]).sort("offered", descending=True)
    st.caption(t("queue_note"))
    table(
        per_queue.select(
            "queue", "offered", "answered", "connect_rate", "service_level", "asa_seconds", "aht_seconds"
        ),
        f"queues_{f.start}_{f.end}",
        "districts_queues",
    )

    st.subheader(t("heatmap_title"))
    heat = intervals.with_columns(
        weekday=pl.col("call_date").dt.weekday(), half_hour=pl.col("interval_start").dt.strftime("%H:%M")
    )
    heat = rates_over_period(heat, ["weekday", "half_hour"]).select(
        "weekday", "half_hour", "offered", "answered_within_sl", "service_level_base", "service_level"
    )
    metric = st.radio(
        t("filters"),
        label_visibility="collapsed",
        options=["offered", "service_level"],
        format_func=t,
        horizontal=True,
        key="districts_heat_metric",
    )
    chart_and_table(
        figures.heatmap(
            heat,
            "half_hour",
            "weekday",
            metric,
            f"{t(metric)} (1 = Monday)",
            percent=metric == "service_level",
        ),
        heat.sort("weekday", "half_hour"),
        f"heatmap_{metric}",
        "districts_heat",
    )

    st.subheader(t("intraday_title"))
    day = st.date_input(t("call_date"), value=f.end, min_value=f.start, max_value=f.end, key="districts_day")
    curve = (
        intervals.filter(pl.col("call_date") == day)
        # By the UTC instant: a daylight-saving fall-back day has two local 01:00 half hours.
        .group_by("interval_start_utc", "interval_start")
        .agg(pl.col("offered", "answered", "agents_handling").sum())
        .sort("interval_start_utc")
        .drop("interval_start_utc")
    )
    chart_and_table(
        figures.trend(curve, "interval_start", ["offered", "answered"], "", percent=False),
        curve,
        f"intraday_{day}",
        "districts_intraday",
    )

    st.subheader(t("staffing_title"))
    staffing = queries.interval_staffing(day)
    if not empty(staffing):
        chart_and_table(
            figures.trend(
                staffing, "interval_start", ["required_agents", "agents_handling"], "", percent=False
            ),
            staffing,
            f"staffing_{day}",
            "districts_staffing",
        )
