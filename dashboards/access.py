"""Who sees what on the dashboards: users, roles, the pages of each role, and row scoping.

Roles (docs/access.md):

- manager      everything.
- team_leader  center and district aggregates; agent rows only of their own team.
- agent        center aggregates and their own rows (their rank among the center, no other names).
- quality      the QA pages and the calls behind them, every agent.
- analyst      aggregates; no agent names or ids anywhere.

Scoping is done in the SQL the pages run: `scope_sql` rewrites every reference to a table that
holds agent rows into a subquery that keeps only the rows (and columns) the viewer may see. The
rewritten SQL is what is cached, so one viewer's results never serve another's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROLES = ("manager", "team_leader", "agent", "quality", "analyst")

# Page files (dashboards/app_pages/) each role may open.
PAGES = {
    "manager": {"overview", "districts_queues", "agents", "workforce", "repeat_calls", "tickets",
                "satisfaction", "quality", "data_health"},
    "team_leader": {"overview", "districts_queues", "agents", "workforce", "repeat_calls", "tickets",
                    "satisfaction", "quality"},
    "agent": {"overview", "agents", "satisfaction", "quality"},
    "quality": {"overview", "quality", "repeat_calls"},
    "analyst": {"overview", "districts_queues", "workforce", "repeat_calls", "tickets", "satisfaction",
                "data_health"},
}  # fmt: skip

# Marts with one row per agent (or per call, ticket, survey, evaluation handled by an agent).
AGENT_TABLES = (
    "dim_agents", "rpt_agent_daily", "rpt_agent_monthly", "rpt_appraisal_monthly", "fct_qa_evaluations",
    "rpt_qa_sample_monthly", "fct_calls", "fct_call_segments", "fct_tickets", "fct_survey_responses",
    "rpt_agent_interval_time", "rpt_agent_interval_pauses", "rpt_agent_time_daily",
)  # fmt: skip
# Tables whose every row is an agent's: a row without an agent is not shown to a scoped viewer.
_PER_AGENT = {"dim_agents", "rpt_agent_daily", "rpt_agent_monthly", "rpt_appraisal_monthly",
              "fct_qa_evaluations", "rpt_qa_sample_monthly", "rpt_agent_interval_time",
              "rpt_agent_interval_pauses", "rpt_agent_time_daily"}  # fmt: skip
_NAME_COLUMNS = ("agent_name", "evaluator_name", "team_leader_name")
_TABLE_REF = re.compile(r"\bmarts\.(" + "|".join(AGENT_TABLES) + r")\b")


@dataclass(frozen=True)
class Viewer:
    username: str
    role: str
    team: str | None = None
    agent_id: str | None = None

    def may_open(self, page: str) -> bool:
        return page in PAGES.get(self.role, set())


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _condition(viewer: Viewer, table: str) -> str | None:
    """The rows of `table` the viewer may see (SQL over its columns), None for all."""
    if viewer.role in ("manager", "quality", "analyst"):
        return None
    if viewer.role == "team_leader":
        team_agents = f"select agent_id from marts.dim_agents where team = {_literal(viewer.team or '')}"
        if table == "dim_agents":
            return f"team = {_literal(viewer.team or '')}"
        own = f"agent_id in ({team_agents})"
    else:  # agent
        own = f"agent_id = {_literal(viewer.agent_id or '')}"
    return own if table in _PER_AGENT else f"(agent_id is null or {own})"


def _columns_out(viewer: Viewer, columns: list[str]) -> str:
    """`*`, or for an analyst `*` with agent names and ids blanked."""
    if viewer.role != "analyst":
        return "*"
    hidden = [c for c in (*_NAME_COLUMNS, "agent_id", "team_leader_id") if c in columns]
    if not hidden:
        return "*"
    return "* replace (" + ", ".join(f"null::varchar as {c}" for c in hidden) + ")"


def scope_sql(sql: str, viewer: Viewer, columns_of) -> str:
    """`sql` with every agent-row table replaced by the viewer's part of it. `columns_of(table)`
    gives a mart's column names (for the analyst's blanked columns)."""

    def scoped(match: re.Match[str]) -> str:
        table = match.group(1)
        condition = _condition(viewer, table)
        columns = _columns_out(viewer, columns_of(table))
        if condition is None and columns == "*":
            return match.group(0)
        where = f" where {condition}" if condition else ""
        return f"(select {columns} from marts.{table}{where})"

    if viewer.role == "manager":
        return sql
    # dim_agents inside a team leader's own condition must not be rewritten again: scope the
    # original references only (one pass over the text as written).
    return _TABLE_REF.sub(scoped, sql)
