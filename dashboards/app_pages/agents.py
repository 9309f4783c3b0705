"""Agents: rankings and rank changes, the monthly A–E appraisal, phone-time cap breaches, trends."""

import polars as pl
import streamlit as st

from dashboards.components import figures
from dashboards.components.widgets import chart_and_table, empty, table
from dashboards.data import queries
from dashboards.filters import current
from dashboards.strings import t

f = current()
st.title(t("page_agents"))


def arrow(change):
    if change is None:
        return "new"
    return f"▲{change}" if change > 0 else (f"▼{-change}" if change < 0 else "–")


period = st.radio(
    t("filters"),
    label_visibility="collapsed",
    options=["day", "month"],
    format_func=t,
    horizontal=True,
    key="agents_period",
)
scope = st.radio(
    t("filters"),
    label_visibility="collapsed",
    options=["rank_in_center", "rank_in_team"],
    horizontal=True,
    key="agents_scope",
    format_func=lambda s: t("scope_center") if s == "rank_in_center" else t("scope_team"),
)
if period == "day":
    day = st.date_input(t("call_date"), value=f.end, min_value=f.start, max_value=f.end, key="agents_day")
    ranks = queries.agent_daily(day)
else:
    months = queries.agent_months()["month_start"].to_list()
    month = st.selectbox(t("month"), months, key="agents_month")
    ranks = queries.agent_monthly(month)
ranks = f.of_teams(ranks)

st.subheader(t("ranking"))
if not empty(ranks):
    change = scope + "_change"
    board = (
        ranks.sort(scope, "agent_id")
        .with_columns(
            pl.col(change).map_elements(arrow, return_dtype=pl.String, skip_nulls=False).alias("change")
        )
        .select(
            scope,
            "change",
            "agent_id",
            "agent_name",
            "team",
            "answered",
            "aht_seconds",
            "fcr_rate",
            "csat",
            "qa_score",
            "phone_orders",
            "phone_hours",
            "is_over_phone_cap",
        )
    )
    table(board.rename({scope: "rank"}), f"agent_ranking_{period}", "agents_ranking")

    st.subheader(t("phone_cap_title"))
    over = queries.phone_cap_breaches(f.start, f.end)
    if over.is_empty():
        st.success(t("phone_cap_none"))
    else:
        table(over, "phone_cap_breaches", "agents_cap")

    st.subheader(t("agent_trend"))
    agent = st.selectbox(t("agent"), sorted(ranks["agent_id"].to_list()), key="agents_pick")
    history = queries.agent_history(agent, f.start, f.end)
    chart_and_table(
        figures.bars(history, "call_date", "answered", f"{agent}: {t('answered')}"),
        history,
        f"agent_{agent}",
        "agents_trend",
    )

st.subheader(t("appraisal_title"))
appraisal = queries.latest_appraisal()
if not empty(appraisal):
    table(appraisal, "appraisal", "agents_appraisal")
