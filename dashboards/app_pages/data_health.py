"""Data health: data as of, the last refresh and failure, files loaded, rows rejected per rule."""

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
middle.metric("Last refresh 最近刷新", success.get("at", "—")[:16].replace("T", " "))
right.metric("Last failure 最近失败", failure.get("at", "—")[:16].replace("T", " ") if failure else "none 无")
if failure and failure.get("at", "") > success.get("at", ""):
    st.error(
        f"The last refresh failed: {failure.get('reason', '')}. "
        "The numbers shown are from the refresh before."
    )

files = queries.loaded_files()
st.subheader("Files 文件")
if not empty(files):
    totals = files.select("rows_read", "rows_accepted", "rows_rejected").sum().to_dicts()[0]
    st.caption(
        f"{len(files):,} files · {totals['rows_read']:,} rows read = {totals['rows_accepted']:,} accepted + "
        f"{totals['rows_rejected']:,} rejected · "
        f"{files.filter(~files['is_accounted_for']).height} files not accounted for"
    )
    table(files, "loaded_files", "health_files")

st.subheader("Rejected rows by rule 拒收行（按规则）")
rules = queries.rejected_by_rule()
if rules.is_empty():
    st.success("No row rejected. 无拒收行。")
else:
    table(rules, "rejected_rows_by_rule", "health_rules")
