"""Repeat calls: the top-5 repeat-call reasons as a Pareto with owning departments, FCR and repeat
trends, and the calls behind a reason (masked numbers only)."""

import polars as pl
import streamlit as st

from dashboards.components import figures
from dashboards.components.widgets import chart_and_table, empty, table
from dashboards.data import queries
from dashboards.filters import current, opening_period
from dashboards.strings import t, words

f = current()
st.title(t("page_repeat"))
period = st.radio(
    t("filters"),
    label_visibility="collapsed",
    options=["day", "week", "month"],
    index=2,
    format_func=t,
    horizontal=True,
    key="repeat_period",
)
district = f.districts[0] if len(f.districts) == 1 else "all"
starts = queries.repeat_periods(period, district, f.end)["period_start"].to_list()
if not starts:
    st.info(t("no_data"))
    st.stop()
start = st.selectbox(
    t("period"), starts, index=starts.index(opening_period(period, starts, f.newest)), key="repeat_start"
)
top = queries.repeat_top5(period, start, district)
st.caption(t("district_note", district=district) + ("" if top["is_final"].all() else t("provisional_note")))
if not empty(top):
    labelled = top.with_columns(
        label=pl.struct("reason_name_en", "reason_name_zh").map_elements(
            lambda r: words(r["reason_name_en"], r["reason_name_zh"]), return_dtype=pl.String
        )
    )
    chart_and_table(
        figures.pareto(labelled, "label", "repeat_calls", t("top5_title"), share="share"),
        top.drop("is_final"),
        f"repeat_reasons_{period}_{start}",
        "repeat_top",
    )

    st.subheader(t("calls_behind"))
    names = {r["reason_code"]: words(r["reason_name_en"], r["reason_name_zh"]) for r in top.to_dicts()}
    reason = st.selectbox(t("reason"), list(names), format_func=names.get, key="repeat_reason")
    calls = queries.unresolved_calls(reason, f.start, f.end, district)
    if not empty(calls):
        table(calls, f"repeat_calls_{reason}", "repeat_calls")

st.subheader(f"{t('fcr_rate')} / {t('repeat_call_rate')}")
trend = queries.kpi_daily(f.start, f.end)
chart_and_table(
    figures.trend(trend, "call_date", ["fcr_rate", "repeat_call_rate"], ""),
    trend.select("call_date", "fcr_rate", "is_fcr_final", "repeat_call_rate"),
    "fcr_trend",
    "repeat_trend",
)
