"""Quality: this month's QA sample per agent, QA scores and fatal errors."""

import polars as pl
import streamlit as st

from dashboards.components import figures
from dashboards.components.widgets import chart_and_table, empty, table
from dashboards.data import queries
from dashboards.filters import current
from dashboards.strings import t

f = current()
st.title(t("page_quality"))
months = queries.qa_sample_months()["month_start"].to_list()
if not months:
    st.info(t("no_data"))
    st.stop()
month = st.selectbox(t("month"), months, key="quality_month")
sample = queries.qa_sample(month)
sample = f.of_teams(sample)
st.subheader(t("qa_sample_title"))
if not empty(sample):
    table(sample, f"qa_sample_{month}", "quality_sample")

st.subheader(t("qa_score"))
scores = queries.qa_scores(f.start, f.end)
scores = f.of_teams(scores)
if not empty(scores):
    teams = scores.group_by("team").agg(pl.col("qa_score").mean(), pl.col("fatal_errors").sum()).sort("team")
    chart_and_table(
        figures.bars(teams, "team", "qa_score", t("qa_score")), scores, "qa_scores", "quality_scores"
    )
    fatal = queries.qa_fatal_errors(f.start, f.end)
    st.subheader(t("fatal_title"))
    if fatal.is_empty():
        st.success(t("fatal_none"))
    else:
        table(fatal, "qa_fatal_errors", "quality_fatal")
