"""Overview: yesterday (or a chosen day) against targets, 30-day trends, the district daily report."""

import datetime as dt

import polars as pl
import streamlit as st

from dashboards.components import figures
from dashboards.components.widgets import chart_and_table, downloads, empty, kpi_tile
from dashboards.data import queries
from dashboards.filters import current
from dashboards.strings import t

f = current()
st.title(t("page_overview"))
day = st.date_input(t("call_date"), value=f.end, min_value=f.start, max_value=f.end, key="overview_day")
calendar = queries.day_calendar(day)
label = " · ".join(
    part
    for part in (
        f"{day:%Y-%m-%d}",
        f"{calendar.get('weekday_name_en', '')} {calendar.get('weekday_name_zh', '')}".strip(),
        " ".join(n for n in (calendar.get("holiday_name_en"), calendar.get("holiday_name_zh")) if n),
    )
    if part
)
st.caption(t("showing_newest" if day == f.newest else "showing_day", day=label))

window = queries.kpi_daily(day - dt.timedelta(days=7), day)
rows = {r["call_date"]: r for r in window.to_dicts()}
today = rows.get(day)
if today is None or today["inbound"] == 0:
    st.info(t("no_data"))
    st.stop()
previous, last_week = rows.get(day - dt.timedelta(days=1)), rows.get(day - dt.timedelta(days=7))
targets = queries.kpi_targets()

st.subheader(label)
tiles = st.columns(6)
for i, column in enumerate(
    ["inbound", "offered", "connect_rate", "service_level", "abandon_rate", "asa_seconds"]
):
    kpi_tile(tiles[i], column, today, previous, last_week, targets.get(column))
tiles = st.columns(6)
fcr_note = "" if today["is_fcr_final"] else t("provisional")
for i, column in enumerate(
    ["aht_seconds", "acw_seconds", "fcr_rate", "repeat_call_rate", "csat", "transfer_rate"]
):
    kpi_tile(
        tiles[i],
        column,
        today,
        previous,
        last_week,
        targets.get(column),
        note=fcr_note if column == "fcr_rate" else "",
    )

st.subheader(t("trends_title"))
trend = queries.kpi_daily(day - dt.timedelta(days=29), day)
rate_columns = ["connect_rate", "service_level", "abandon_rate", "fcr_rate"]
chart_and_table(
    figures.trend(
        trend, "call_date", rate_columns, "", targets={"service_level": targets.get("service_level")}
    ),
    trend.select(
        "call_date",
        "inbound",
        "offered",
        "answered",
        *rate_columns,
        "asa_seconds",
        "aht_seconds",
        "is_fcr_final",
    ),
    f"kpi_daily_{day}",
    "overview_trend",
)

st.subheader(t("daily_report"))
report = queries.district_daily(f.start, f.end, f.districts)
if not empty(report):
    wide = report.select(
        pl.col("call_date").cast(pl.String),
        "district_name_zh",
        "inbound",
        "answered",
        "connect_rate",
        "sort_order",
    )
    table = (
        wide.with_columns(pl.format("{}%", (pl.col("connect_rate") * 100).round(1)).alias("connect_rate"))
        .pivot(
            on="call_date",
            index=["sort_order", "district_name_zh"],
            values=["inbound", "answered", "connect_rate"],
        )
        .sort("sort_order")
        .drop("sort_order")
    )
    st.caption(t("daily_report_note"))
    st.dataframe(table, hide_index=True, width="stretch")
    downloads(
        report.select(
            "call_date", "district", "district_name_zh", "inbound", "offered", "answered", "connect_rate"
        ),
        f"daily_report_{f.start}_{f.end}",
        "overview_report",
    )
