"""The workforce marts on a demo center of six weeks ending yesterday, built by dbt as the
refresh builds them: the forecast's backtest and choice, the forecast's staffing rules, and agent
time from the demo switch's agent events."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import pytest

from dashboards.strings import t
from ingest import demo, settings
from ingest.loader import load_landing
from tests.dbt_helpers import connect, rows, run_dbt

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("workforce")
    config = demo.DemoConfig(days=42, calls_per_day=250, seed=9)
    demo.write_landing(demo.generate(config, "Asia/Shanghai", progress=lambda _m: None), root / "landing",
                       "csv", "canonical", progress=lambda _m: None)  # fmt: skip
    database = root / "warehouse.duckdb"
    report = load_landing(root / "landing", database, tz="Asia/Shanghai", secret=b"workforce", progress=None)
    assert not report.of("failed")
    # A one-week horizon and two cut-offs: five weeks of history are enough (and the backtest quick).
    run_dbt(database, "build", vars_="{forecast_horizon_days: 7, forecast_windows: 2}")
    return database


def test_every_series_is_backtested_and_only_a_model_that_beats_last_week_is_chosen(built):
    scores = rows(built, "select * from marts.rpt_forecast_backtest")
    series = {r["series"] for r in scores}
    assert series == {"all", "repair", "billing", "complaints", "orders", "general"}
    assert len(scores) == 3 * len(series)
    for name in series:
        mine = [r for r in scores if r["series"] == name]
        chosen = [r for r in mine if r["is_chosen"]]
        baseline = next(r for r in mine if r["is_baseline"])
        assert len(chosen) <= 1 and not baseline["is_chosen"]
        if chosen:
            assert chosen[0]["wape"] < baseline["wape"] == chosen[0]["baseline_wape"]
            assert chosen[0]["wape"] == min(r["wape"] for r in mine if r["wape"] is not None)


def test_the_forecast_covers_the_horizon_and_follows_the_staffing_rules(built):
    chosen = {r["series"] for r in rows(built, "select * from marts.rpt_forecast_backtest where is_chosen")}
    assert chosen, "the demo's daily and weekly pattern should beat last week's values somewhere"
    every_grain = rows(built, "select * from marts.rpt_interval_forecast")
    assert {r["series"] for r in every_grain} == chosen
    forecast = [r for r in every_grain if r["interval_minutes"] == 30]
    # The other grains hold the same calls: 60 minutes sums two half hours, 15 splits one.
    for grain in (15, 60):
        for name in chosen:
            total = sum(
                r["forecast_calls"]
                for r in every_grain
                if r["series"] == name and r["interval_minutes"] == grain
            )
            assert total == pytest.approx(sum(r["forecast_calls"] for r in forecast if r["series"] == name))
    today = settings.center_yesterday() + dt.timedelta(days=1)
    for name in chosen:
        # The demo center works every day: the 7 days from today, every slot of the grid (at 250
        # calls a day the night's half-hours have calls on too few days to be operating slots).
        mine = [r for r in forecast if r["series"] == name]
        days = sorted({r["call_date"] for r in mine})
        slots = {r["interval_start"].time() for r in mine}
        assert days == [today + dt.timedelta(days=i) for i in range(7)]
        assert len(mine) == 7 * len(slots) and 24 <= len(slots) <= 48
    for r in forecast:
        assert r["forecast_calls"] >= 0
        if r["forecast_calls"] > 0 and r["aht_seconds"]:
            assert r["traffic_erlangs"] == pytest.approx(r["forecast_calls"] * r["aht_seconds"] / 1800)
            assert r["required_agents_capped"] >= r["required_agents"] > r["traffic_erlangs"]
            assert r["traffic_erlangs"] / r["required_agents_capped"] <= 0.85 + 1e-9  # the occupancy cap
            assert r["required_headcount"] == math.ceil(round(r["required_agents_capped"] / 0.7, 9))


def test_a_queue_with_its_own_target_is_staffed_to_it(built):
    """Complaints declare 90/20 (models/semantic/_metrics.yml, targets_by_queue); the others 80/20."""
    from orchestration.workforce.erlang import service_level

    assert rows(built, "select queue, target_value from marts.dim_queue_targets") == [
        {"queue": "complaints", "target_value": 0.9}
    ]
    forecast = rows(built, "select * from marts.rpt_interval_forecast where forecast_calls > 0.5")
    checked = set()
    for r in forecast:
        if r["series"] not in ("complaints", "repair") or not r["aht_seconds"]:
            continue
        goal = 0.9 if r["series"] == "complaints" else 0.8
        n, traffic = r["required_agents"], r["traffic_erlangs"]
        assert service_level(traffic, n, r["aht_seconds"], 20) >= goal
        if n - 1 > traffic:
            assert service_level(traffic, n - 1, r["aht_seconds"], 20) < goal
        checked.add(r["series"])
    assert checked, "no forecast row of complaints or repair to check"


def test_agent_time_comes_from_the_demo_switch(built):
    days = rows(
        built,
        "select count(*) as n, sum(logged_in_seconds) as logged_in, sum(talk_seconds) as talk, "
        "sum(paused_seconds) as paused, sum(idle_seconds) as idle, sum(wrapup_seconds) as wrapup "
        "from marts.rpt_agent_time_daily",
    )[0]
    assert days["n"] > 56 * 20
    assert days["logged_in"] == pytest.approx(days["talk"] + days["paused"] + days["idle"] + days["wrapup"])
    assert 0 < days["talk"] < days["logged_in"] and days["paused"] > 0 and days["wrapup"] > 0


def test_a_backtest_younger_than_a_week_is_kept_and_an_older_one_redone(built):
    settings_ = "{forecast_horizon_days: 7, forecast_windows: 2}"  # as the module's build
    query = "select * from marts.rpt_forecast_backtest order by series, model"
    first = rows(built, query)
    run_dbt(built, "run", "--select", "rpt_forecast_backtest", vars_=settings_)
    assert rows(built, query) == first
    # A week old: redone (the fresh one ends at the center's yesterday again).
    with connect(built) as con:
        con.execute("update marts.rpt_forecast_backtest set history_end = history_end - 7, wape = -1")
    run_dbt(built, "run", "--select", "rpt_forecast_backtest", vars_=settings_)
    assert rows(built, query) == first
    # Other settings: redone too.
    with connect(built) as con:
        con.execute("update marts.rpt_forecast_backtest set wape = -1")
    run_dbt(
        built,
        "run",
        "--select",
        "rpt_forecast_backtest",
        vars_="{forecast_horizon_days: 6, forecast_windows: 2}",
    )
    redone = rows(built, query)
    assert {r["horizon_days"] for r in redone} == {6} and -1 not in {r["wape"] for r in redone}
    run_dbt(built, "run", "--select", "rpt_forecast_backtest", vars_=settings_)


def test_past_days_keep_the_forecast_made_before_they_began(built):
    """Move the forecast a week back, as if a refresh a week ago had made it: the next build keeps
    those days (now past) and replaces only the days from today on."""
    with connect(built) as con:
        con.execute(
            "update marts.rpt_interval_forecast set call_date = call_date - 7, "
            "interval_start = interval_start - interval 7 day"
        )
        (moved,) = con.execute(
            "select count(*) from marts.rpt_interval_forecast where call_date < ?",
            [settings.center_yesterday() + dt.timedelta(days=1)],
        ).fetchone()
    run_dbt(built, "build", "--select", "rpt_interval_forecast")
    today = settings.center_yesterday() + dt.timedelta(days=1)
    with connect(built) as con:
        past, ahead, days = con.execute(
            "select count(*) filter (where call_date < ?), count(*) filter (where call_date >= ?), "
            "count(distinct call_date) from marts.rpt_interval_forecast",
            [today, today],
        ).fetchone()
    assert past == moved > 0 and days == 21  # seven kept, fourteen (the default horizon) afresh
    assert ahead > 0


def test_the_workforce_page_shows_the_marts(built, tmp_path, monkeypatch):
    """The page on a copy of the warehouse (dbt keeps this process's connection to the original):
    no error, every section, and the what-if at +0 % and +0 s gives the forecast's own agents."""
    from streamlit.testing.v1 import AppTest

    from dashboards.access import Viewer

    copy = tmp_path / "warehouse.duckdb"
    with connect(built) as con:
        con.execute("checkpoint")  # the file alone holds every table
    shutil.copyfile(built, copy)
    monkeypatch.setenv("DUCKDB_DATABASE", str(copy))
    monkeypatch.setenv("CENTER_TIMEZONE", "Asia/Shanghai")
    at = AppTest.from_file(str(ROOT / "dashboards" / "streamlit_app.py"), default_timeout=120)
    at.session_state["viewer"] = Viewer("planner", "manager")
    at.run()
    at.switch_page("app_pages/workforce.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [h.value for h in at.subheader] == [
        t(key) if key != "wf_occupancy_title" else t(key, day=settings.center_yesterday())
        for key in ("wf_forecast_title", "wf_agents_title", "wf_short_title", "wf_occupancy_title",
                    "wf_whatif_title", "wf_backtest_title", "wf_seats_title")
    ]  # fmt: skip
    at.slider(key="workforce_volume").set_value(0).run()
    at.slider(key="workforce_aht").set_value(0).run()
    day = at.date_input(key="workforce_day").value
    with connect(built) as con:
        expected = [
            row[0]
            for row in con.execute(
                "select required_agents_capped from marts.rpt_interval_forecast "
                "where series = 'all' and call_date = ? and interval_minutes = 30 order by interval_start",
                [day],
            ).fetchall()
        ]
    whatif = next(d.value for d in at.dataframe if "calls" in d.value.columns)
    # The tables hold numbers, shown by their column configuration (dashboards/components/widgets.py).
    assert [int(v) for v in whatif["required_agents_capped"]] == expected and expected


def test_erlang_a_staffing_is_an_option_of_the_marts(built):
    """With var staffing_patience_seconds the marts staff by Erlang A: never more agents than
    Erlang C for the same interval, and fewer where callers give up before they are answered."""
    query = (
        "select call_date, interval_minutes, interval_start_utc, required_agents, required_agents_capped "
        "from marts.rpt_interval_staffing where required_agents is not null"
    )
    since = settings.center_yesterday() - dt.timedelta(days=6)

    def last_week() -> dict:
        found = rows(built, query)
        return {
            (r["call_date"], r["interval_minutes"], r["interval_start_utc"]): r
            for r in found
            if r["call_date"] >= since
        }

    erlang_c = last_week()
    # The last week rebuilt (as a backfill from `since` does): Erlang A costs more per interval.
    models = ["fct_call_segments", "fct_calls", "rpt_interval_staffing", "dim_workforce_settings"]
    run_dbt(
        built,
        "run",
        "--select",
        *models,
        vars_=f"{{staffing_patience_seconds: 60, reprocess_from: '{since}'}}",
    )
    erlang_a = last_week()
    assert rows(built, "select staffing_patience_seconds from marts.dim_workforce_settings") == [
        {"staffing_patience_seconds": 60.0}
    ]
    assert erlang_a.keys() == erlang_c.keys()
    assert all(erlang_a[k]["required_agents"] <= erlang_c[k]["required_agents"] for k in erlang_c)
    assert sum(erlang_a[k]["required_agents"] < erlang_c[k]["required_agents"] for k in erlang_c) > 5
