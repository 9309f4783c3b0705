"""Call-center dashboards: `streamlit run dashboards/streamlit_app.py` (or `make dashboard`)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts this folder, not the repository, on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboards import filters
from dashboards.data import queries
from dashboards.strings import t

st.set_page_config(page_title=t("app_title"), page_icon="☎️", layout="wide")

if not queries.available():
    st.title(t("app_title"))
    st.warning(t("no_warehouse", path=queries.warehouse()))
    st.stop()

selected = filters.sidebar()
if selected is None:
    st.title(t("app_title"))
    st.info(t("no_data"))
    st.stop()
st.session_state["filters"] = selected

status = queries.refresh_status()
if status.get("last_success"):
    st.sidebar.caption(
        f"{t('data_as_of')}: {queries.local_time(status['last_success'].get('newest_call_started_at'))}"
    )
if status.get("last_failure") and status["last_failure"]["at"] > status.get("last_success", {}).get("at", ""):
    st.sidebar.error(t("refresh_failed", reason=status["last_failure"].get("reason", "")[:200]))

pages = [
    st.Page("app_pages/overview.py", title=t("page_overview"), icon="📊", default=True),
    st.Page("app_pages/districts_queues.py", title=t("page_districts"), icon="🗺️"),
    st.Page("app_pages/agents.py", title=t("page_agents"), icon="🧑‍💼"),
    st.Page("app_pages/repeat_calls.py", title=t("page_repeat"), icon="🔁"),
    st.Page("app_pages/tickets.py", title=t("page_tickets"), icon="🛠️"),
    st.Page("app_pages/satisfaction.py", title=t("page_satisfaction"), icon="🙂"),
    st.Page("app_pages/quality.py", title=t("page_quality"), icon="✅"),
    st.Page("app_pages/data_health.py", title=t("page_health"), icon="🩺"),
]
st.navigation(pages).run()
