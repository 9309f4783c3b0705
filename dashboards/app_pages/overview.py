"""Overview: yesterday (or a chosen day) against targets, 30-day trends, the district daily report."""

import datetime as dt

import polars as pl
import streamlit as st

from dashboards.components import figures
from dashboards.components.formatting import fmt
from dashboards.components.widgets import (
    audit_download,
    chart_and_table,
    column_config,
    downloads,
    empty,
    kpi_tile,
)
from dashboards.data import queries
from dashboards.filters import current
from dashboards.strings import day_text, t, words

f = current()
st.title(t("page_overview"))
day = st.date_input(t("call_date"), value=f.end, min_value=f.start, max_value=f.end, key="overview_day")
calendar = queries.day_calendar(day)
label = " · ".join(
    part
    for part in (
        day_text(day),
        words(calendar.get("weekday_name_en", ""), calendar.get("weekday_name_zh", "")).strip(),
        words(calendar.get("holiday_name_en") or "", calendar.get("holiday_name_zh") or "").strip(),
    )
    if part
)
st.caption(t("showing_newest" if day == f.newest else "showing_day", day=label))

window, scope = queries.daily_figures(day - dt.timedelta(days=7), day, f.districts, f.queues)
rows = {r["call_date"]: r for r in window.to_dicts()}
today = rows.get(day)
if today is None or not (today.get("inbound") or today.get("offered")):
    st.info(t("no_data"))  # the tiles show "—"; the trends and the daily report below still show
    today = today or {}
previous, last_week = rows.get(day - dt.timedelta(days=1)), rows.get(day - dt.timedelta(days=7))
targets, _ = queries.targets_published()
if scope != "center":
    st.caption(t(f"overview_scope_{scope}", picked=", ".join(f.queues if scope == "queue" else f.districts)))

tiles_shown = [
    ["inbound", "offered", "connect_rate", "service_level", "abandon_rate", "asa_seconds"],
    ["aht_seconds", "acw_seconds", "fcr_rate", "repeat_call_rate", "csat", "transfer_rate"],
]
judged = [
    (column, targets[column].met(today.get(column)))
    for row in tiles_shown
    for column in row
    if column in targets and today.get(column) is not None
]
missed = [column for column, met in judged if met is False]
st.subheader(label)
st.markdown(
    t("kpis_missed", missed=len(missed), judged=len(judged))
    + (": " + ", ".join(t(c) for c in missed) if missed else "")
)
fcr_note = "" if today.get("is_fcr_final", True) else t("provisional")
for row in tiles_shown:
    tiles = st.columns(len(row))
    for i, column in enumerate(row):
        kpi_tile(
            tiles[i],
            column,
            today,
            previous,
            last_week,
            targets.get(column),
            note=fcr_note if column == "fcr_rate" else "",
        )

st.subheader(t("alerts_title"))
breaches = queries.alerts(day, f.districts, f.queues)
if breaches.is_empty():
    st.success(t("alerts_none"))
else:
    st.caption(t("alerts_note"))
    # Each row in its KPI's own unit (a rate, or seconds): shown as the tiles show it.
    shown = pl.DataFrame(
        [
            {
                "scope": t(a["scope"]),
                "where": words(a["name_en"], a["name_zh"]),
                "kpi": t(a["kpi_code"]),
                "figure": fmt(a["kpi_code"], a["value"]),
                "target_shown": fmt(a["kpi_code"], a["target"]),
            }
            for a in breaches.to_dicts()
        ]
    )
    st.dataframe(shown, hide_index=True, width="stretch", column_config=column_config(shown))
    downloads(breaches, f"alerts_{day}", "overview_alerts")

st.subheader(t("trends_title"))
trend, _ = queries.daily_figures(day - dt.timedelta(days=29), day, f.districts, f.queues)
rate_columns = [
    c for c in ("connect_rate", "service_level", "abandon_rate", "fcr_rate") if c in trend.columns
]
shown_targets = {c: targets[c].value for c in rate_columns if c in targets}
chart_and_table(
    figures.trend(trend, "call_date", rate_columns, "", targets=shown_targets),
    trend.select(
        c
        for c in (
            "call_date",
            "inbound",
            "offered",
            "answered",
            *rate_columns,
            "asa_seconds",
            "aht_seconds",
            "is_fcr_final",
        )
        if c in trend.columns
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
    printed = (
        wide.pivot(
            on="call_date",
            index=["sort_order", "district_name_zh"],
            values=["inbound", "answered", "connect_rate"],
        )
        .sort("sort_order")
        .drop("sort_order")
    )
    st.caption(t("daily_report_note"))
    # One column group per day; the numbers stay numbers (the connect rates as percentages).
    printed_config = {
        c: st.column_config.NumberColumn(
            c.replace("connect_rate", words("Connect rate", "接通率")), format="percent"
        )
        if c.startswith("connect_rate")
        else st.column_config.NumberColumn(
            c.replace("inbound", words("Inbound", "呼入")).replace("answered", words("Connected", "接通"))
        )
        for c in printed.columns
        if c != "district_name_zh"
    } | {"district_name_zh": st.column_config.Column(t("district_name_zh"))}
    st.dataframe(printed, hide_index=True, width="stretch", column_config=printed_config)
    downloads(
        report.select(
            "call_date", "district", "district_name_zh", "inbound", "offered", "answered", "connect_rate"
        ),
        f"daily_report_{f.start}_{f.end}",
        "overview_report",
    )

st.subheader(t("printable_title"))
st.caption(t("printable_note"))
if st.button(t("printable_make"), key="overview_print"):
    from orchestration.reports.run import printable_pdf

    st.download_button(
        t("printable_download"),
        printable_pdf(queries.warehouse(), day),
        f"daily_report_{day}.pdf",
        "application/pdf",
        key="overview_pdf",
        on_click=audit_download,
        args=(f"daily_report_{day}.pdf", 1),
    )
