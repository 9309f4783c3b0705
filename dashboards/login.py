"""The login in front of every page.

DASHBOARD_AUTH=users (default): a form checked against the users file (dashboards/users.py).
DASHBOARD_AUTH=oidc: Streamlit's own `st.login` with the identity provider configured in
`.streamlit/secrets.toml` ([auth]); the users file still gives each e-mail address its role.
Logins, failed logins and logouts go to the audit log.
"""

from __future__ import annotations

import os

import streamlit as st

from dashboards import users
from dashboards.access import Viewer
from dashboards.strings import t


def require_viewer() -> Viewer:
    current = st.session_state.get("viewer")
    if isinstance(current, Viewer):
        _sidebar(current)
        return current
    if os.environ.get("DASHBOARD_AUTH", "users").strip().lower() == "oidc":
        return _oidc()
    st.title(t("app_title"))
    if not users.load():
        st.warning(t("no_users", path=users.users_path()))
        st.stop()
    with st.form("login"):
        username = st.text_input(t("username"))
        password = st.text_input(t("password"), type="password")
        submitted = st.form_submit_button(t("log_in"))
    if submitted:
        viewer = users.authenticate(username.strip(), password)
        if viewer is None:
            users.audit("login_failed", username.strip()[:64])
            st.error(t("login_failed"))
        else:
            users.audit("login", viewer.username, role=viewer.role)
            st.session_state["viewer"] = viewer
            st.rerun()
    st.stop()


def _oidc() -> Viewer:
    if not st.user.is_logged_in:
        st.title(t("app_title"))
        st.button(t("log_in"), on_click=st.login)
        st.stop()
    email = str(st.user.get("email", ""))
    entry = users.load().get(email)
    if entry is None:
        users.audit("login_failed", email, reason="no role in the users file")
        st.error(t("no_role", user=email))
        st.stop()
    viewer = Viewer(email, entry["role"], entry.get("team"), entry.get("agent_id"))
    users.audit("login", email, role=viewer.role, via="oidc")
    st.session_state["viewer"] = viewer
    st.rerun()
    raise AssertionError("unreachable")


def _logout() -> None:
    viewer = st.session_state.pop("viewer", None)
    if isinstance(viewer, Viewer):
        users.audit("logout", viewer.username)
    if os.environ.get("DASHBOARD_AUTH", "users").strip().lower() == "oidc":
        st.logout()


def _sidebar(viewer: Viewer) -> None:
    scope = viewer.team or viewer.agent_id or ""
    st.sidebar.caption(t("logged_in_as", user=viewer.username, role=t(f"role_{viewer.role}"), scope=scope))
    st.sidebar.button(t("log_out"), on_click=_logout, key="log_out")
