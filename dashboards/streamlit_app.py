"""Call-center dashboards: `streamlit run dashboards/streamlit_app.py` (or `make dashboard`)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts this folder, not the repository, on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboards import filters, login
from dashboards.data import queries
from dashboards.strings import LANGUAGES, default_language, t

st.set_page_config(page_title=t("app_title"), page_icon="☎️", layout="wide")
# The language of every label, chart and button: English and Chinese side by side, or one of them.
st.sidebar.radio(
    t("language"),
    list(LANGUAGES),
    index=list(LANGUAGES).index(default_language()),
    format_func=LANGUAGES.get,
    horizontal=True,
    key="language",
)

viewer = login.require_viewer()  # stops here until someone has logged in

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

# Each role opens only its pages (dashboards/access.py); the data of every page is scoped too.
pages = [
    st.Page(f"app_pages/{name}.py", title=t(title), icon=icon, default=name == "overview")
    for name, title, icon in [
        ("overview", "page_overview", "📊"),
        ("districts_queues", "page_districts", "🗺️"),
        ("agents", "page_agents", "🧑‍💼"),
        ("workforce", "page_workforce", "📅"),
        ("repeat_calls", "page_repeat", "🔁"),
        ("tickets", "page_tickets", "🛠️"),
        ("satisfaction", "page_satisfaction", "🙂"),
        ("quality", "page_quality", "✅"),
        ("data_health", "page_health", "🩺"),
    ]
    if viewer.may_open(name)
]
st.navigation(pages).run()
