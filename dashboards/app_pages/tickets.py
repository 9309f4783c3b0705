"""Tickets: SLA compliance by type, severity and district; open tickets past target; callbacks."""

import polars as pl
import streamlit as st

from dashboards.components import figures
from dashboards.components.widgets import chart_and_table, empty, table
from dashboards.data import queries
from dashboards.filters import current
from dashboards.metrics import rates_over_period
from dashboards.strings import t

f = current()
st.title(t("page_tickets"))
sla = queries.ticket_sla(f.start, f.end, f.districts)
if empty(sla):
    st.stop()
summary = rates_over_period(
    sla, ["ticket_type", "severity"], pl.col("target_hours").max(), pl.col("compliance_target").max()
).sort("ticket_type", "severity")
st.subheader(t("sla_compliance"))
with_target = summary.filter(pl.col("target_hours").is_not_null()).with_columns(
    label=pl.format("{} {}", "ticket_type", "severity")
)
chart_and_table(
    figures.bars(with_target, "label", "sla_compliance", t("sla_compliance"), percent=True),
    summary.select(
        "ticket_type",
        "severity",
        "target_hours",
        "created",
        "resolved",
        "resolved_within_target",
        "resolved_late",
        "sla_compliance",
        "compliance_target",
        "open_past_target",
        "still_open",
    ),
    f"ticket_sla_{f.start}_{f.end}",
    "tickets_sla",
)

st.subheader(t("open_late_title"))
open_late = queries.open_past_target(f.districts)
if open_late.is_empty():
    st.success(t("open_late_none"))
else:
    table(open_late, "open_past_target", "tickets_open")

st.subheader(t("callbacks_title"))
callbacks = summary.filter(pl.col("callbacks_expected") > 0).select(
    "ticket_type",
    "severity",
    "callbacks_expected",
    "callbacks_made",
    "callback_rate",
    "callback_satisfied",
    "callback_unsatisfied",
    "callback_satisfaction",
)
if not empty(callbacks):
    table(callbacks, "callbacks", "tickets_callbacks")
