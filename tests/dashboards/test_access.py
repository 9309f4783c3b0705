"""Who sees what: the login, the pages of each role, and the rows of every page's tables and
charts. The fixture center has Team 1 (王芳 1001, leader; 李强 1002) and Team 2 (陈静 1003,
leader; 刘洋 1004)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import access, users
from dashboards.access import Viewer

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "streamlit_app.py")
NAMES = {"1001": "王芳", "1002": "李强", "1003": "陈静", "1004": "刘洋"}
PAGES = ["overview", "districts_queues", "agents", "repeat_calls", "tickets", "satisfaction", "quality",
         "data_health"]  # fmt: skip
VIEWERS = {
    "manager": Viewer("boss", "manager"),
    "team_leader": Viewer("wang", "team_leader", team="Team 1"),
    "agent": Viewer("li", "agent", agent_id="1002"),
    "quality": Viewer("qa", "quality"),
    "analyst": Viewer("ana", "analyst"),
}
# Agent names each role may meet anywhere on its pages.
ALLOWED_NAMES = {
    "manager": set(NAMES.values()),
    "team_leader": {"王芳", "李强"},
    "agent": {"李强"},
    "quality": set(NAMES.values()),
    "analyst": set(),
}


@pytest.fixture
def center(tmp_path, monkeypatch, published_fixture):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(published_fixture, warehouse)
    monkeypatch.setenv("DUCKDB_DATABASE", str(warehouse))
    monkeypatch.setenv("CENTER_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setenv("DASHBOARD_USERS", str(tmp_path / "users.json"))
    return warehouse


def _page_text(at: AppTest) -> str:
    """Everything a page shows: text, metrics, tables and the data of its charts."""
    parts = [str(e.value) for kind in ("markdown", "caption", "title", "header", "subheader", "info",
                                       "warning", "success", "error") for e in getattr(at, kind)]  # fmt: skip
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [e.value.to_csv() for e in at.dataframe]
    parts += [e.value.to_csv() for e in at.table]
    parts += [e.proto.spec for e in at.get("plotly_chart")]
    parts += [
        json.dumps([str(o) for o in getattr(e, "options", [])], ensure_ascii=False) for e in at.selectbox
    ]
    return "\n".join(parts)


def test_nothing_is_shown_before_a_login_and_every_attempt_is_audited(center):
    users.add("boss", "correct horse", "manager")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    at.text_input[0].input("boss")
    at.text_input[1].input("wrong password")
    at.button[0].click().run()
    assert at.error and not at.metric
    at.text_input[0].input("boss")
    at.text_input[1].input("correct horse")
    at.button[0].click().run()
    assert not at.exception and at.metric  # the Overview
    events = [(e["event"], e["user"]) for e in users.read_audit()]
    assert events == [("login", "boss"), ("login_failed", "boss")]  # newest first
    assert (users.audit_path().stat().st_mode & 0o777) == 0o600
    assert (users.users_path().stat().st_mode & 0o777) == 0o600
    assert "correct horse" not in users.users_path().read_text()


@pytest.mark.parametrize("role", list(VIEWERS))
def test_each_role_sees_its_pages_and_only_its_agents(center, role):
    viewer = VIEWERS[role]
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewer"] = viewer
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    seen = ""
    for page in PAGES:
        if not viewer.may_open(page):
            continue
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        seen += _page_text(at)
    forbidden = set(NAMES.values()) - ALLOWED_NAMES[role]
    assert not [name for name in forbidden if name in seen], role
    if role in ("manager", "team_leader", "agent"):
        assert all(name in seen for name in ALLOWED_NAMES[role]), role  # scoped, not emptied


@pytest.mark.parametrize(
    ("role", "table", "expected"),
    [
        ("team_leader", "rpt_agent_daily", {"1001", "1002"}),
        ("agent", "rpt_agent_daily", {"1002"}),
        ("agent", "rpt_appraisal_monthly", {"1002"}),
        ("agent", "rpt_agent_monthly", {"1002"}),
        ("agent", "fct_qa_evaluations", set()),  # only 1001 was evaluated
        ("team_leader", "fct_qa_evaluations", {"1001"}),
        ("team_leader", "dim_agents", {"1001", "1002"}),
        ("manager", "dim_agents", {"1001", "1002", "1003", "1004", "9001"}),
        ("analyst", "dim_agents", {None}),
    ],
)
def test_the_sql_of_every_page_is_scoped(center, role, table, expected):
    with duckdb.connect(str(center), read_only=True) as con:

        def columns(name):
            return [r[0] for r in con.execute(f"describe marts.{name}").fetchall()]

        sql = access.scope_sql(f"select distinct agent_id from marts.{table}", VIEWERS[role], columns)
        assert {r[0] for r in con.execute(sql).fetchall()} == expected
        # Calls are scoped too: an agent sees their calls and calls no agent handled.
        calls = access.scope_sql("select agent_id from marts.fct_calls", VIEWERS["agent"], columns)
        assert {r[0] for r in con.execute(calls).fetchall()} <= {"1002", None}


def test_every_mart_with_agent_rows_is_scoped(center):
    """A new mart with an agent_id column must be in access.AGENT_TABLES, or every viewer sees every
    agent's rows in it."""
    with duckdb.connect(str(center), read_only=True) as con:
        with_agents = {
            row[0]
            for row in con.execute(
                "select table_name from duckdb_columns() "
                "where schema_name = 'marts' and column_name = 'agent_id'"
            ).fetchall()
        }
    assert with_agents - set(access.AGENT_TABLES) == set()


def test_the_users_file_command_line(center, monkeypatch, capsys):
    monkeypatch.setenv("NEW_PASSWORD", "a long password")
    assert users.main(["add", "wang", "--role", "team_leader", "--team", "Team 1",
                       "--password-env", "NEW_PASSWORD"]) == 0  # fmt: skip
    assert users.main(["add", "li", "--role", "agent", "--password-env", "NEW_PASSWORD"]) == 2
    assert "needs --agent" in capsys.readouterr().err
    assert users.authenticate("wang", "a long password") == VIEWERS["team_leader"]
    assert users.authenticate("wang", "another") is None
    monkeypatch.setenv("NEW_PASSWORD", "changed password")
    assert users.main(["set-password", "wang", "--password-env", "NEW_PASSWORD"]) == 0
    assert users.authenticate("wang", "changed password") is not None
    assert users.main(["list"]) == 0
    assert "wang" in capsys.readouterr().out
    assert users.main(["remove", "wang"]) == 0
    assert users.authenticate("wang", "changed password") is None


def test_a_user_takes_role_and_team_from_the_roster(center, monkeypatch, capsys):
    """The fixture roster: 1001 leads Team 1, 1002 is an agent, 9001 is quality (qa), 1099 is not on it."""
    monkeypatch.setenv("NEW_PASSWORD", "a long password")
    for name, agent in (("wang", "1001"), ("li", "1002"), ("zhao", "9001")):
        assert users.main(["add", name, "--agent", agent, "--password-env", "NEW_PASSWORD"]) == 0
    viewers = {name: users.authenticate(name, "a long password") for name in ("wang", "li", "zhao")}
    assert (viewers["wang"].role, viewers["wang"].team) == ("team_leader", "Team 1")
    assert (viewers["li"].role, viewers["li"].team, viewers["li"].agent_id) == ("agent", None, "1002")
    assert viewers["zhao"].role == "quality"
    assert users.main(["add", "ghost", "--agent", "1099", "--password-env", "NEW_PASSWORD"]) == 2
    assert "not on the roster" in capsys.readouterr().err


def test_the_analysts_prompt_reads_marts_and_nothing_else(center):
    from dashboards import sql

    con = sql.connect(center)
    assert con.execute("select count(*) from marts.fct_calls").fetchall()[0][0] == 15
    for statement in ("select * from read_csv('/etc/passwd')", f"copy marts.fct_calls to '{center}.csv'",
                      "set enable_external_access = true", "create table marts.x (i int)"):  # fmt: skip
        with pytest.raises(duckdb.Error):
            con.execute(statement)


def test_make_demo_creates_one_user_per_role_from_the_roster(center, capsys):
    assert users.main(["demo"]) == 0
    out = capsys.readouterr().out
    assert f"password for all: {users.DEMO_PASSWORD}" in out
    made = {name: users.authenticate(name, users.DEMO_PASSWORD) for name in users.load()}
    assert {(v.role, v.team, v.agent_id) for v in made.values()} == {
        ("manager", None, None), ("team_leader", "Team 1", None), ("agent", None, "1002"),
        ("quality", None, None), ("analyst", None, None),
    }  # fmt: skip
    assert users.main(["demo"]) == 0  # never into a users file that has users
    assert "has users already" in capsys.readouterr().out and len(users.load()) == 5
