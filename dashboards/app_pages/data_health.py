"""Data health: data as of, the last refresh and failure, files loaded, rows rejected per rule."""

import polars as pl
import streamlit as st

from dashboards.components.widgets import empty, table
from dashboards.data import queries
from dashboards.strings import t

st.title(t("page_health"))
status = queries.refresh_status()
newest = queries.newest_call_end()["newest"][0]
left, middle, right = st.columns(3)
left.metric(t("data_as_of"), queries.local_time(newest))
success, failure = status.get("last_success", {}), status.get("last_failure", {})
# The status file keeps UTC: shown in the center's time like "data as of", and labelled so.
st.caption(t("times_note", tz=queries.center_timezone()))
middle.metric(t("last_refresh"), queries.local_time(success.get("at")))
right.metric(t("last_failure"), queries.local_time(failure.get("at")) if failure else t("none"))
if failure and failure.get("at", "") > success.get("at", ""):
    st.error(t("refresh_failed_long", reason=failure.get("reason", "")))

files = queries.loaded_files()
st.subheader(t("files_title"))
if not empty(files):
    totals = files.select("rows_read", "rows_accepted", "rows_rejected").sum().to_dicts()[0]
    st.caption(
        t(
            "files_caption",
            files=len(files),
            read=totals["rows_read"],
            accepted=totals["rows_accepted"],
            rejected=totals["rows_rejected"],
            unaccounted=files.filter(~files["is_accounted_for"]).height,
        )
    )
    table(files, "loaded_files", "health_files")

st.subheader(t("rejected_title"))
rules = queries.rejected_by_rule()
if rules.is_empty():
    st.success(t("rejected_none"))
else:
    table(rules, "rejected_rows_by_rule", "health_rules")

st.subheader(t("deliveries_title"))
sent = queries.deliveries()
if sent.is_empty():
    st.info(t("deliveries_none"))
else:
    failed = sent.filter(~pl.col("ok") & pl.col("final"))
    if failed.height:
        st.error(t("deliveries_failed", count=failed.height, detail=failed["detail"][0]))
    table(sent.drop("final"), "report_deliveries", "health_deliveries")

if queries.viewer().role == "manager":  # the audit log: managers only (the file is the owner's only)
    from dashboards import users

    st.subheader(t("audit_log"))
    entries = users.read_audit()
    if entries:
        st.dataframe(entries, hide_index=True)
