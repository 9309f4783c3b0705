"""One AppTest per page on the hand-computed fixture warehouse: real numbers on screen, and
filter changes. The expected values are those of tests/dbt/test_metrics_hand_computed.py."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.access import Viewer
from dashboards.filters import opening_period
from ingest.pii import caller_key
from tests.conftest import TEST_SECRET

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "streamlit_app.py")
MARCH_1, MARCH_2 = dt.date(2024, 3, 1), dt.date(2024, 3, 2)
MANAGER = Viewer("test-manager", "manager")


@pytest.fixture
def app(tmp_path, monkeypatch, published_fixture):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(published_fixture, warehouse)  # the pages need the published file only
    status = published_fixture.with_name(published_fixture.name + ".status.json")
    shutil.copyfile(status, warehouse.with_name(warehouse.name + ".status.json"))
    monkeypatch.setenv("DUCKDB_DATABASE", str(warehouse))
    monkeypatch.setenv("CENTER_TIMEZONE", "Asia/Shanghai")

    def _open(page: str | None = None, viewer: Viewer = MANAGER) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["viewer"] = viewer  # logged in (tests/dashboards/test_access.py logs in)
        at.run()
        if page:
            at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return _open


# A tile's label starts with its target mark: :green[●] (met) or :red[▲] (missed).
MARK = re.compile(r"^:(green|red)\[[^\]]*\] ")


def _metrics(at: AppTest) -> dict[str, str]:
    return {MARK.sub("", m.label): m.value for m in at.metric}


def _marks(at: AppTest) -> dict[str, str | None]:
    return {MARK.sub("", m.label): (MARK.match(m.label) or [None, None])[1] for m in at.metric}


def _table(at: AppTest, index: int = 0):
    return at.dataframe[index].value


def test_overview_shows_the_day_against_targets(app):
    at = app()
    at.date_input(key="overview_day").set_value(MARCH_1).run()
    shown = _metrics(at)
    assert shown["Inbound 呼入总数"] == "12"
    assert shown["Offered 人工呼入"] == "11"
    assert shown["Connect rate 接通率"] == "63.6%"  # 7 / 11
    assert shown["Service level 服务水平"] == "75.0%"  # 6 / (7 + 1)
    assert shown["Abandonment 放弃率"] == "10.0%"  # 1 / (11 - 1)
    assert shown["ASA 平均应答速度"] == "0:13"  # 91 s / 7
    assert shown["AHT 平均处理时长"] == "3:36"  # 1,510 s / 7 = 215.7 s
    assert shown["FCR 首次解决率"] == "83.3%"  # 5 / 6, final
    assert shown["CSAT 满意度"] == "66.7%"  # 2 / 3
    # Against the targets (connect >= 90 %, SL >= 80 %, abandonment <= 5 %, ASA <= 20 s, FCR >= 75 %,
    # repeat calls <= 15 %, CSAT >= 90 %): four of seven missed; volumes have no target.
    marks = _marks(at)
    assert {k for k, v in marks.items() if v == "red"} == {
        "Connect rate 接通率", "Service level 服务水平", "Abandonment 放弃率", "CSAT 满意度"
    }  # fmt: skip
    assert {k for k, v in marks.items() if v == "green"} == {
        "ASA 平均应答速度", "FCR 首次解决率", "Repeat calls 重复来电率"
    }  # fmt: skip
    assert marks["Inbound 呼入总数"] is None
    assert any("**4 of 7**" in m.value for m in at.markdown)
    # The alerts: Urban connects 6 of 10 (60 %), Jiangning answers its one call after 21 s (SL 0 %,
    # ASA 21 s), complaints answer none of 2 within 20 s (their own target 90 %); repairs meet all.
    alerts = {(row["scope"], row["where"], row["kpi"]) for row in _table(at, 0).to_dict("records")}
    assert {
        ("District 区域", "Urban 市区", "Connect rate 接通率"),
        ("District 区域", "Jiangning 江宁", "Service level 服务水平"),
        ("District 区域", "Jiangning 江宁", "ASA 平均应答速度"),
        ("Queue 技能组", "Complaints 投诉受理", "Service level 服务水平"),
    } <= alerts
    assert not any("Repairs" in where for _, where, _ in alerts)
    # 2 March against 1 March: connect rate 100.0 % vs 63.6 % -> +36.4 pts; ASA 10 s vs 13 s -> -3 s.
    at.date_input(key="overview_day").set_value(MARCH_2).run()
    deltas = {MARK.sub("", m.label): m.delta for m in at.metric}
    assert deltas["Connect rate 接通率"] == "+36.4 pts"
    assert deltas["ASA 平均应答速度"] == "-3 s"
    assert deltas["Inbound 呼入总数"] == "-91.7%"  # 1 vs 12
    # 4 March's FCR is provisional and says so.
    at.date_input(key="overview_day").set_value(dt.date(2024, 3, 4)).run()
    assert _metrics(at)["FCR 首次解决率 (provisional 暂定)"] == "100.0%"


def test_the_language_switch_changes_labels_weekday_and_buttons(app):
    at = app()
    at.date_input(key="overview_day").set_value(MARCH_1).run()
    at.sidebar.radio(key="language").set_value("zh").run()
    assert _metrics(at)["接通率"] == "63.6%"  # the numbers stay as they are
    assert at.title[0].value == "总览"
    assert any("2024年3月1日 · 星期五" in c.value for c in at.caption)  # 1 March 2024 was a Friday
    assert "下载 CSV" in [b.label for b in at.get("download_button")]
    assert "数据最新完整日：2024年3月9日" in [c.value for c in at.sidebar.caption]
    at.date_input(key="overview_day").set_value(MARCH_2).run()
    deltas = {MARK.sub("", m.label): m.delta for m in at.metric}
    assert deltas["接通率"] == "+36.4 个百分点" and deltas["平均应答速度"] == "-3 秒"
    at.sidebar.radio(key="language").set_value("en").run()
    assert at.title[0].value == "Overview" and "Connect rate" in _metrics(at)
    assert any("Saturday" in c.value for c in at.caption)


def test_overview_applies_the_district_and_queue_filters(app):
    at = app()
    at.sidebar.multiselect(key="filter_districts").set_value(["shiqu"]).run()
    at.date_input(key="overview_day").set_value(MARCH_1).run()
    shown = _metrics(at)
    assert shown["Offered 人工呼入"] == "10" and shown["Connect rate 接通率"] == "60.0%"  # 6 / 10
    assert shown["Service level 服务水平"] == "85.7%"  # 6 / 7
    # A queue: its passes only (repairs: 6 offered, 6 answered within 20 s).
    at.sidebar.multiselect(key="filter_queues").set_value(["repair"]).run()
    shown = _metrics(at)
    assert shown["Offered 人工呼入"] == "6" and shown["Service level 服务水平"] == "100.0%"
    assert shown["Inbound 呼入总数"] == "—"  # IVR calls belong to no queue


def test_overview_daily_report_follows_the_filters(app):
    at = app()
    at.sidebar.date_input(key="filter_dates").set_value((MARCH_1, MARCH_2)).run()
    report = _table(at, -1)
    assert list(report["district_name_zh"]) == [
        "市区",
        "江宁",
        "浦口",
        "六合",
        "高淳",
    ]  # as the center prints it
    shiqu = report[report["district_name_zh"] == "市区"].iloc[0]
    # Numbers stay numbers (the page formats them as percentages): 6 of 10 offered.
    assert (shiqu["inbound_2024-03-01"], shiqu["answered_2024-03-01"], shiqu["connect_rate_2024-03-01"]) == (
        11, 6, 0.6,
    )  # fmt: skip
    at.sidebar.multiselect(key="filter_districts").set_value(["jiangning"]).run()
    report = _table(at, -1)
    assert list(report["district_name_zh"]) == ["江宁"]
    assert report.iloc[0]["connect_rate_2024-03-01"] == 1.0


def _heatmap(at: AppTest) -> dict:
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return next(c for c in charts if c["data"][0]["type"] == "heatmap")


def test_districts_and_queues(app):
    at = app("districts_queues")
    # The tables hold numbers (sortable as numbers), formatted by their column configuration.
    districts = _table(at, 0).set_index("district_name_zh")
    assert districts.loc["市区", "answered"] == 8  # answered 1-9 March: 6 + K12 + K15
    assert districts.loc["市区", "connect_rate"] == pytest.approx(8 / 12)  # 8 of 12 offered
    assert pd.isna(districts.loc["高淳", "connect_rate"])  # nothing offered: no rate, not 0 %
    queues = _table(at, 1).set_index("queue")
    # K05 counts in both queues it passed through (queue level); complaints answered after 30 s.
    assert queues.loc["complaints", "service_level"] == 0.0
    assert queues.loc["repair", "offered"] == 4  # K05, K10, K11, K12
    # The heat map's rows are weekdays by name, Monday at the top, in the page's language.
    heat = _heatmap(at)
    assert heat["data"][0]["y"][0] == "Mon 周一" and heat["layout"]["yaxis"]["autorange"] == "reversed"
    at.sidebar.radio(key="language").set_value("zh").run()
    heat = _heatmap(at)
    assert set(heat["data"][0]["y"]) <= {"周一", "周二", "周三", "周四", "周五", "周六", "周日"}


def _frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_districts_and_queues_drill_down_to_their_calls_at_every_grain(app):
    at = app("districts_queues")
    at.date_input(key="districts_day").set_value(MARCH_1).run()
    at.selectbox(key="drill_district").set_value("jiangning").run()
    behind = _frame_with(at, "segment")
    assert len(behind) == 1 and set(behind["district"]) == {"jiangning"}  # its one call of 1 March
    assert all(c.startswith("#") or c == "anonymous" for c in behind["caller"])  # codes, not numbers
    at.selectbox(key="drill_district").set_value(None).run()
    at.selectbox(key="drill_queue").set_value("complaints").run()
    behind = _frame_with(at, "segment")
    assert list(behind["call_id"]) == ["K05"] and list(behind["segment"]) == [2]  # transferred in
    # The same day at 15, 30 and 60 minutes: the intraday curve sums to the same offered calls.
    totals = {}
    for minutes in (15, 30, 60):
        at.radio(key="districts_grain").set_value(minutes).run()
        curve = next(d.value for d in at.dataframe if "agents_handling" in d.value.columns)
        totals[minutes] = (int(curve["offered"].sum()), len(curve))
    assert totals[15][0] == totals[30][0] == totals[60][0] == 12  # the queue passes offered on 1 March
    assert totals[15][1] >= totals[30][1] >= totals[60][1]


def test_agents_rankings_and_phone_cap(app):
    at = app("agents")
    ranking = _table(at, 0)
    assert ranking.iloc[0]["agent_id"] == "1004"
    assert ranking.iloc[0]["is_over_phone_cap"]  # 6 h 01 min on 9 March
    at.date_input(key="agents_day").set_value(MARCH_1).run()
    ranking = _table(at, 0)
    assert list(ranking["rank"]) == [1, 2, 2, 4]  # 3, 2, 2 and 1 calls: ties share a rank
    assert (ranking.iloc[0]["agent_id"], ranking.iloc[0]["answered"]) == ("1001", 3)
    at.sidebar.multiselect(key="filter_teams").set_value(["Team 2"]).run()
    assert set(_table(at, 0)["agent_id"]) == {"1003", "1004"}


@pytest.mark.parametrize(
    ("period", "starts", "newest", "opens"),
    [
        # Data to Saturday 9 March: the week of 4 March is not over, the week before is.
        ("week", ["2024-03-04", "2024-02-26"], "2024-03-09", "2024-02-26"),
        ("week", ["2024-03-04", "2024-02-26"], "2024-03-10", "2024-03-04"),  # its Sunday: over
        ("month", ["2024-03-01", "2024-02-01"], "2024-03-30", "2024-02-01"),
        ("month", ["2024-02-01", "2024-01-01"], "2024-02-29", "2024-02-01"),  # a leap February's last day
        ("month", ["2024-03-01"], "2024-03-09", "2024-03-01"),  # none over yet: the newest
        ("day", ["2024-03-09", "2024-03-08"], "2024-03-09", "2024-03-09"),
    ],
)
def test_pages_open_on_the_newest_complete_period(period, starts, newest, opens):
    day = dt.date.fromisoformat
    assert opening_period(period, [day(s) for s in starts], day(newest)) == day(opens)


def test_repeat_calls_top_reasons(app):
    at = app("repeat_calls")
    top = _table(at, 0)
    first = top.iloc[0]
    assert (first["reason_code"], first["repeat_calls"], first["share"]) == ("signal_fault", 1, 1.0)
    assert first["department_name_zh"] == "网络运维部"
    calls = _table(at, 1)
    # The caller as a code (the first 8 characters of the caller key), never the number or its mask.
    expected = "#" + caller_key("13800000001", TEST_SECRET.encode())[:8]
    assert list(calls["call_id"]) == ["K01"] and calls.iloc[0]["caller"] == expected


def test_tickets_sla(app):
    at = app("tickets")
    summary = _table(at, 0)
    by_type = {(r["ticket_type"], r["severity"]): r for _, r in summary.iterrows()}
    assert by_type[("repair", "general")]["sla_compliance"] == 0.0  # 26 h > 24 h
    assert by_type[("complaint", "n/a")]["sla_compliance"] == 1.0
    open_late = _table(at, 1)
    assert list(open_late["ticket_id"]) == ["T3"]


def test_satisfaction_by_channel(app):
    at = app("satisfaction")
    shown = _metrics(at)
    assert shown["CSAT 满意度 · all"] == "66.7%" and shown["CSAT 满意度 · ivr"] == "50.0%"
    # One line per channel, not one line zigzagging between IVR and SMS.
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert sorted(trace["name"] for trace in figure["data"]) == ["ivr", "sms"]


def test_quality_sample_and_fatal_errors(app):
    at = app("quality")
    sample = _table(at, 0)
    assert len(sample) == 11  # every answered segment of March (fewer than 7 per agent)
    fatal = _table(at, -1)
    assert list(fatal["evaluation_id"]) == ["Q1"]


def test_data_health(app, tmp_path):
    # Two messages: the report sent at the second try, a failure notice never delivered.
    log = [
        {"at": "2024-03-10T00:30:00+00:00", "key": "daily 2024-03-09", "channel": "email", "attempt": 1,
         "ok": False, "detail": "cannot reach the server"},
        {"at": "2024-03-10T00:30:05+00:00", "key": "daily 2024-03-09", "channel": "email", "attempt": 2,
         "ok": True, "detail": "sent to 2 recipient(s)"},
        {"at": "2024-03-10T01:00:00+00:00", "key": "failure r1", "channel": "webhook", "attempt": 1,
         "ok": False, "detail": "HTTP 500 Internal Server Error"},
    ]  # fmt: skip
    (tmp_path / "warehouse.duckdb.deliveries.jsonl").write_text("".join(json.dumps(e) + "\n" for e in log))
    at = app("data_health")
    shown = _metrics(at)
    assert shown["Data as of 数据截至"] == "2024-03-09 16:01"  # K15 ended 16:01:15 local
    # The refresh's own time (UTC in the status file) in the center's time, as the caption says.
    status = json.loads((tmp_path / "warehouse.duckdb.status.json").read_text())
    utc = dt.datetime.fromisoformat(status["last_success"]["at"])
    assert (
        shown["Last refresh 最近刷新"]
        == f"{utc.astimezone(dt.timezone(dt.timedelta(hours=8))):%Y-%m-%d %H:%M}"
    )
    captions = " ".join(c.value for c in at.caption)
    assert "5 files · 32 rows read = 32 accepted + 0 rejected · 0 files not accounted for" in captions
    assert "Asia/Shanghai" in captions
    sent = _table(at, -1)
    assert list(sent["sent"]) == ["failure r1", "daily 2024-03-09", "daily 2024-03-09"]  # newest first
    assert list(sent["sent_at"]) == ["2024-03-10 09:00", "2024-03-10 08:30", "2024-03-10 08:30"]
    (error,) = at.error
    assert "1 message(s) not delivered" in error.value and "HTTP 500" in error.value


def test_no_warehouse_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("DUCKDB_DATABASE", str(tmp_path / "missing.duckdb"))
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["viewer"] = MANAGER
    at.run()
    assert not at.exception
    assert "No warehouse yet" in at.warning[0].value
