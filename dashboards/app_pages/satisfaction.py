"""Satisfaction: CSAT, mean score, NPS and participation by channel (IVR, SMS), by agent and team."""

import polars as pl
import streamlit as st

from dashboards.components import figures
from dashboards.components.widgets import chart_and_table, empty, table
from dashboards.data import queries
from dashboards.filters import current
from dashboards.strings import t

f = current()
st.title(t("page_satisfaction"))
daily = queries.satisfaction_daily(f.start, f.end)
if empty(daily):
    st.stop()
by_channel = (
    daily.group_by("channel")
    .agg(
        pl.col(
            "surveys_sent",
            "survey_responses",
            "csat_scored",
            "csat_satisfied",
            "nps_responses",
            "nps_promoters",
            "nps_detractors",
        ).sum()
    )
    .with_columns(
        csat=pl.col("csat_satisfied") / pl.col("csat_scored"),
        survey_participation_rate=pl.col("survey_responses") / pl.col("surveys_sent"),
        nps=pl.when(pl.col("nps_responses") > 0).then(
            100 * (pl.col("nps_promoters") - pl.col("nps_detractors")) / pl.col("nps_responses")
        ),
    )
    .with_columns(pl.col(pl.Float64).fill_nan(None))
    .sort("channel")
)
tiles = st.columns(len(by_channel))
for tile, row in zip(tiles, by_channel.to_dicts(), strict=True):
    nps = "—" if row["nps"] is None else f"{row['nps']:.0f}"
    tile.metric(
        f"{t('csat')} · {row['channel']}",
        f"{row['csat'] * 100:.1f}%" if row["csat"] is not None else "—",
        help=f"{t('survey_participation_rate')}: {row['survey_participation_rate'] * 100:.1f}% · "
        f"{t('nps')}: {nps}",
    )
chart_and_table(
    figures.trend(daily.filter(pl.col("channel") != "all"), "sent_date", ["csat"], t("csat")),
    by_channel,
    "satisfaction_by_channel",
    "satisfaction_channel",
)

st.subheader(t("csat_by_agent_title", csat=t("csat")))
agents = queries.csat_by_agent(f.start, f.end)
agents = f.of_teams(agents)
if not empty(agents):
    teams = (
        agents.group_by("team")
        .agg((pl.col("csat") * pl.col("csat_scored")).sum().alias("satisfied"), pl.col("csat_scored").sum())
        .with_columns(csat=pl.col("satisfied") / pl.col("csat_scored"))
        .sort("team")
        .drop("satisfied")
    )
    chart_and_table(
        figures.bars(teams, "team", "csat", t("csat"), percent=True),
        teams,
        "csat_by_team",
        "satisfaction_teams",
    )
    table(agents, "csat_by_agent", "satisfaction_agents")
