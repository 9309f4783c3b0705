"""Satisfaction: CSAT, mean score, NPS and participation by channel (IVR, SMS), by agent and team."""

import polars as pl
import streamlit as st

from dashboards.components import figures
from dashboards.components.formatting import fmt
from dashboards.components.widgets import chart_and_table, empty, table
from dashboards.data import queries
from dashboards.filters import current
from dashboards.metrics import rates_over_period
from dashboards.strings import t

f = current()
st.title(t("page_satisfaction"))
daily = queries.satisfaction_daily(f.start, f.end)
if empty(daily):
    st.stop()
by_channel = (
    rates_over_period(daily, ["channel"], pl.col("nps_responses", "nps_promoters", "nps_detractors").sum())
    .with_columns(
        nps=pl.when(pl.col("nps_responses") > 0).then(
            100 * (pl.col("nps_promoters") - pl.col("nps_detractors")) / pl.col("nps_responses")
        ),
    )
    .sort("channel")
)
tiles = st.columns(len(by_channel))
for tile, row in zip(tiles, by_channel.to_dicts(), strict=True):
    nps = "—" if row["nps"] is None else f"{row['nps']:.0f}"
    participation = fmt("survey_participation_rate", row["survey_participation_rate"])
    tile.metric(
        f"{t('csat')} · {row['channel']}",
        fmt("csat", row["csat"]),
        help=f"{t('survey_participation_rate')}: {participation} · {t('nps')}: {nps}",
    )
chart_and_table(
    figures.trend(daily.filter(pl.col("channel") != "all"), "sent_date", ["csat"], t("csat"), by="channel"),
    by_channel,
    "satisfaction_by_channel",
    "satisfaction_channel",
)

st.subheader(t("csat_by_agent_title", csat=t("csat")))
agent_days = f.of_teams(queries.csat_by_agent(f.start, f.end))
if not empty(agent_days):
    agents = rates_over_period(agent_days, ["agent_id", "agent_name", "team"]).sort(
        "csat", "agent_id", descending=[True, False], nulls_last=True
    )
    teams = rates_over_period(agent_days, ["team"]).sort("team")
    chart_and_table(
        figures.bars(teams, "team", "csat", t("csat"), percent=True),
        teams,
        "csat_by_team",
        "satisfaction_teams",
    )
    table(agents, "csat_by_agent", "satisfaction_agents")
