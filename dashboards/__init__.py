"""Streamlit dashboards for managers (see the dashboards issue)."""
