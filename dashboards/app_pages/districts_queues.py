"""Districts and queues: KPIs per district and per queue, the weekly heatmap, an intraday curve."""

import polars as pl
import streamlit as st

from dashboards.components import figures
from dashboards.components.widgets import chart_and_table, empty, table
from dashboards.data import queries
from dashboards.filters import current
from dashboards.metrics import rates_over_period
from dashboards.strings import t, weekday_text

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

minutes = st.radio(
    t("interval_minutes"),
    options=[15, 30, 60],
    index=1,
    format_func=lambda m: t("minutes", minutes=m),
    horizontal=True,
    key="districts_grain",
)
intervals = queries.queue_intervals(f.start, f.end, f.queues, minutes)
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
        own_targets=queries.targets_published()[1],
        by="queue",
    )

    st.subheader(t("heatmap_title"))
    heat = intervals.with_columns(
        weekday=pl.col("call_date").dt.weekday(), time_of_day=pl.col("interval_start").dt.strftime("%H:%M")
    )
    heat = rates_over_period(heat, ["weekday", "time_of_day"]).select(
        "weekday", "time_of_day", "offered", "answered_within_sl", "service_level_base", "service_level"
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
            "time_of_day",
            "weekday",
            metric,
            t(metric),
            percent=metric == "service_level",
            y_names=weekday_text,
        ),
        heat.sort("weekday", "time_of_day"),
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

    st.subheader(t("drill_title"))
    st.caption(t("drill_note"))
    left, middle, right = st.columns(3)
    names = queries.district_names()
    queues = sorted(intervals["queue"].unique().to_list())
    slots = sorted(curve["interval_start"].to_list())

    def everything_or(shown):
        return lambda value: t("all") if value is None else shown(value)

    district = left.selectbox(t("district"), [None, *names], format_func=everything_or(names.get),
                              key="drill_district")  # fmt: skip
    queue_names = queries.queue_names()
    queue = middle.selectbox(t("queue"), [None, *queues], key="drill_queue",
                             format_func=everything_or(lambda q: queue_names.get(q, q)))  # fmt: skip
    slot = right.selectbox(t("interval_start"), [None, *slots], key="drill_interval",
                           format_func=everything_or(lambda s: f"{s:%H:%M}"))  # fmt: skip
    behind = queries.calls_behind(day, district, queue, slot, minutes)
    if not empty(behind):
        table(behind, f"calls_{day}_{district or 'all'}_{queue or 'all'}", "districts_drill")

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
