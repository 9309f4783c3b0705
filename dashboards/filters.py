"""Sidebar filters shared by every page: date range, district, queue, team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
import streamlit as st

from dashboards.data import queries
from dashboards.strings import day_text, t
from ingest import settings


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    districts: list[str]
    queues: list[str]
    teams: list[str]
    newest: dt.date | None = None  # the newest complete day of the data ("yesterday")

    def of_teams(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Rows of the teams picked in the sidebar (all rows when none is picked)."""
        return frame.filter(pl.col("team").is_in(self.teams)) if self.teams else frame


def sidebar() -> Filters | None:
    first, last = queries.date_bounds()
    if first is None:
        return None
    st.sidebar.header(t("filters"))
    default_end = newest_complete_day(first, last, settings.center_yesterday())
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
    # Names in the session's language, codes underneath (the queries and the URLs use the codes).
    district_names, queue_names = queries.district_names(), queries.queue_names()
    districts = st.sidebar.multiselect(
        t("district"),
        list(district_names),
        format_func=lambda code: district_names.get(code, code),
        key="filter_districts",
        placeholder=t("all"),
    )
    queues = st.sidebar.multiselect(
        t("queue"),
        list(queue_names),
        format_func=lambda code: queue_names.get(code, code),
        key="filter_queues",
        placeholder=t("all"),
    )
    teams = st.sidebar.multiselect(
        t("team"), queries.choices("team", "rpt_agent_monthly"), key="filter_teams", placeholder=t("all")
    )
    st.sidebar.caption(t("newest_day", day=day_text(default_end)))
    return Filters(start, end, districts, queues, teams, newest=default_end)


def newest_complete_day(first: dt.date, last: dt.date, yesterday: dt.date) -> dt.date:
    """What "yesterday" means on the pages: the newest day of the data that is over.

    Today (center time) is never complete: its first calls may already be in (calls queued
    just after midnight), so the data's newest day counts only up to yesterday. A warehouse of
    history (a 1999 log) opens on its own newest day, not on an empty today."""
    return max(first, min(last, yesterday))


def current() -> Filters:
    return st.session_state["filters"]


def period_end(period: str, start: dt.date) -> dt.date:
    """The last day of the day, ISO week or calendar month that starts on `start`."""
    if period == "week":
        return start + dt.timedelta(days=6)
    if period == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start


def opening_period(period: str, starts: list[dt.date], newest: dt.date | None) -> dt.date:
    """Which of `starts` (newest first) a page opens on: the newest period that is over by the
    data's newest complete day. A week or month still running holds a few days only; it stays one
    pick away. With none over yet, the newest."""
    complete = [s for s in starts if newest is None or period_end(period, s) <= newest]
    return complete[0] if complete else starts[0]
