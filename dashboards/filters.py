"""Sidebar filters shared by every page: date range, district, queue, team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboards.data import queries
from dashboards.strings import t
from ingest import settings


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    districts: list[str]
    queues: list[str]
    teams: list[str]

    def of_teams(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows of the teams picked in the sidebar (all rows when none is picked)."""
        return frame.filter(pl.col("team").is_in(self.teams)) if self.teams else frame


def sidebar() -> Filters | None:
    first, last = queries.date_bounds()
    if first is None:
        return None
    st.sidebar.header(t("filters"))
    # A manager reviews yesterday (center time); older data opens on its newest day. The newest
    # date may hold only the few calls queued after midnight, so it is not the default.
    yesterday = settings.center_yesterday()
    default_end = yesterday if first <= yesterday <= last else last
    default_start = max(first, default_end - dt.timedelta(days=29))
    picked = st.sidebar.date_input(
        t("date_range"),
        value=(default_start, default_end),
        min_value=first,
        max_value=last,
        key="filter_dates",
    )
    start, end = (
        picked if isinstance(picked, tuple | list) and len(picked) == 2 else (default_start, default_end)
    )
    districts = st.sidebar.multiselect(
        t("district"),
        queries.choices("district", "dim_districts"),
        key="filter_districts",
        placeholder=t("all"),
    )
    queues = st.sidebar.multiselect(
        t("queue"), queries.choices("queue", "dim_queues"), key="filter_queues", placeholder=t("all")
    )
    teams = st.sidebar.multiselect(
        t("team"), queries.choices("team", "rpt_agent_monthly"), key="filter_teams", placeholder=t("all")
    )
    return Filters(start, end, districts, queues, teams)


def current() -> Filters:
    return st.session_state["filters"]
