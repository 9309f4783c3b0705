"""The metrics on a small landing folder whose every expected value was worked out by hand.

tests/fixtures/metrics/ is one center (Asia/Shanghai) from 2024-03-01 to 2024-03-09:

  K01 caller A  queued 10:00:00, answered 10:00:20 (wait exactly 20 s: within service level),
                talk 300 s with 20 s hold, ACW 30 s              -> handle 280 + 20 + 30 = 330
  K02 caller B  hung up after 4.9 s                            -> short abandon (just under 5 s)
  K03 caller C  hung up after exactly 5 s, no end_reason       -> abandoned (at the threshold)
  K04 caller D  jiangning, answered after 21 s, talk 180, ACW unknown       -> handle 180
  K05 caller E  repair 11:00:00 answered 11:00:10, transferred at 11:02:10 (talk 120, ACW 10)
                to complaints 11:02:15, answered 11:02:45 (segment wait 30 s), talk 240 with
                40 s hold, ACW 20                       -> call wait 10, handle 130 + 260 = 390
  K06 caller F  queue timeout after 300 s                      -> timed_out
  K07 caller G  left the queue by key                          -> other_exit
  K08 anonymous answered after 5 s, talk 120, ACW 10           -> handle 130, no FCR
  K09 caller H  IVR only                                        -> ivr_contained
  K10 caller I  answered after 10 s, talk 180, ACW 20           -> handle 200
  K11 caller I  again 6 min 50 s after K10 ended (same contact), wait 5, talk 120, ACW 10 -> 130
  K13 caller J  queued 23:59:50 on 1 March, answered 00:00:10 on 2 March (wait 20), talk 120
                with 30 s hold, ACW 30                  -> handle 90 + 30 + 30 = 150, day 1 March
  K14 caller K  16:30Z = 00:30 on 2 March local            -> attributed to 2 March
  K12 caller A  again on 4 March                           -> K01 not resolved; K12 a repeat
  K15 caller L  9 March, a 6 h 01 min call                 -> the newest call; over the phone cap
  3 and 5-8 March have no calls (empty days).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ingest.loader import load_landing
from tests.dbt_helpers import connect, run_dbt, target_dir

pytestmark = pytest.mark.slow
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "metrics"
MAR = {d: dt.date(2024, 3, d) for d in range(1, 10)}
RATES = (
    "connect_rate", "abandon_rate", "service_level", "asa_seconds", "aht_seconds", "fcr_rate",
    "repeat_call_rate", "csat", "survey_participation_rate", "is_fcr_final",
)  # fmt: skip


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("metrics")
    shutil.copytree(FIXTURE, root / "landing")
    report = load_landing(root / "landing", root / "w.duckdb", tz="Asia/Shanghai", secret=b"t", progress=None)
    assert report.totals()["rows_rejected"] == 0
    run_dbt(root / "w.duckdb", "build")
    return root / "w.duckdb"


@pytest.fixture(scope="module")
def q(warehouse):
    con = connect(warehouse)

    def _q(sql: str) -> list[dict]:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    yield _q
    con.close()


def _one(rows: list[dict]) -> dict:
    assert len(rows) == 1, rows
    return rows[0]


def test_call_level_outcomes_waits_and_flags(q):
    calls = {r["call_id"]: r for r in q("select * from marts.fct_calls")}
    assert len(calls) == 15  # 16 segments, 15 call ids
    expected = {  # outcome, wait, handle, is_fcr, is_repeat, call_date
        "K01": ("answered", 20, 330, False, False, MAR[1]),
        "K02": ("short_abandoned", 4.9, None, None, False, MAR[1]),
        "K03": ("abandoned", 5, None, None, False, MAR[1]),
        "K04": ("answered", 21, 180, True, False, MAR[1]),
        "K05": ("answered", 10, 390, True, False, MAR[1]),
        "K06": ("timed_out", 300, None, None, False, MAR[1]),
        "K07": ("other_exit", 30, None, None, False, MAR[1]),
        "K08": ("answered", 5, 130, None, False, MAR[1]),
        "K09": ("ivr_contained", None, None, None, False, MAR[1]),
        "K10": ("answered", 10, 200, True, False, MAR[1]),
        "K11": ("answered", 5, 130, True, False, MAR[1]),
        "K13": ("answered", 20, 150, True, False, MAR[1]),
        "K14": ("answered", 10, 300, True, False, MAR[2]),
        "K12": ("answered", 5, 180 + 10, True, True, MAR[4]),  # talk 180, ACW 10
        "K15": ("answered", 5, 21660 + 10, True, False, MAR[9]),  # 6 h 01 min talk, ACW 10
    }
    for call_id, (outcome, wait, handle, fcr, repeat, day) in expected.items():
        row = calls[call_id]
        got = (row["outcome"], row["wait_seconds"], row["handle_seconds"], row["is_fcr"], row["is_repeat"])
        assert got == pytest.approx((outcome, wait, handle, fcr, repeat)), call_id
        assert row["call_date"] == day, call_id
    assert calls["K05"]["is_transferred"] and calls["K05"]["segments"] == 2
    assert (calls["K05"]["first_queue"], calls["K05"]["last_queue"], calls["K05"]["agent_id"]) == (
        "repair", "complaints", "1003",
    )  # fmt: skip
    assert calls["K13"]["interval_15_start"] == dt.datetime(2024, 3, 1, 23, 45)
    assert calls["K14"]["interval_30_start"] == dt.datetime(2024, 3, 2, 0, 30)
    # FCR is final once the 7-day window ended before the newest call (K15, 9 March 10:00).
    assert calls["K13"]["is_fcr_final"] is True and calls["K12"]["is_fcr_final"] is False
    assert calls["K08"]["caller_key"] is None and calls["K08"]["is_fcr_final"] is None


def test_queue_level_segments(q):
    segs = {(r["call_id"], r["segment"]): r for r in q("select * from marts.fct_call_segments")}
    assert len(segs) == 16
    first, second = segs[("K05", 1)], segs[("K05", 2)]
    assert (first["outcome"], first["wait_seconds"], first["handle_seconds"], first["is_transfer_out"]) == (
        "answered", 10, 130, True,
    )  # fmt: skip
    assert (second["outcome"], second["wait_seconds"], second["handle_seconds"]) == ("answered", 30, 260)
    assert second["is_answered_within_sl"] is False
    assert segs[("K04", 1)]["acw_seconds"] is None and segs[("K04", 1)]["is_acw_known"] is False


def test_kpi_daily_on_1_march(q):
    row = _one(q("select * from marts.rpt_kpi_daily where call_date = '2024-03-01'"))
    counts = {
        "inbound": 12, "ivr_contained": 1, "offered": 11, "answered": 7, "abandoned": 1,
        "short_abandoned": 1, "timed_out": 1, "other_exit": 1, "answered_within_sl": 6,
        "answered_segments": 8, "acw_known_segments": 7, "transferred": 1, "fcr_eligible": 6,
        "fcr_resolved": 5, "offered_with_caller_key": 10, "repeat_calls": 0, "surveys_sent": 5,
        "survey_responses": 4, "csat_scored": 3, "csat_satisfied": 2,
    }  # fmt: skip
    assert {k: row[k] for k in counts} == counts
    assert (
        row["answered"] + row["abandoned"] + row["short_abandoned"] + row["timed_out"] + row["other_exit"]
        == row["offered"]
    )
    rates = {
        "connect_rate": 7 / 11,
        "abandon_rate": 1 / (11 - 1),
        "service_level": 6 / (7 + 1),
        "asa_seconds": (20 + 21 + 10 + 5 + 10 + 5 + 20) / 7,  # 13.0
        "aht_seconds": (330 + 180 + 390 + 130 + 200 + 130 + 150) / 7,  # 215.71
        "talk_seconds_per_call": (280 + 180 + 320 + 120 + 180 + 120 + 90) / 7,
        "acw_seconds": (30 + 10 + 20 + 10 + 20 + 10 + 30) / 7,  # 18.57
        "acw_known_share": 7 / 8,
        "transfer_rate": 1 / 7,
        "fcr_rate": 5 / 6,
        "repeat_call_rate": 0.0,
        "csat": 2 / 3,
        "survey_participation_rate": 4 / 5,
    }
    assert {k: row[k] for k in rates} == pytest.approx(rates)
    assert row["is_fcr_final"] is True


def test_kpi_daily_other_days_and_empty_days(q):
    rows = {r["call_date"]: r for r in q("select * from marts.rpt_kpi_daily order by call_date")}
    assert sorted(rows) == [MAR[d] for d in range(1, 10)]  # every day, empty ones included
    second = rows[MAR[2]]
    assert (second["inbound"], second["answered"], second["service_level"], second["aht_seconds"]) == (
        1,
        1,
        1.0,
        300,
    )
    assert second["acw_known_share"] == 0.0 and second["acw_seconds"] is None
    for empty in (3, 5, 6, 7, 8):
        row = rows[MAR[empty]]
        assert (row["inbound"], row["offered"], row["answered"]) == (0, 0, 0)
        for rate in RATES:
            assert row[rate] is None, (empty, rate)
    fourth = rows[MAR[4]]
    assert (fourth["repeat_calls"], fourth["repeat_call_rate"], fourth["fcr_rate"]) == (1, 1.0, 1.0)
    assert fourth["is_fcr_final"] is False  # K12's window runs to 11 March: provisional


def test_district_daily_adds_up_to_the_center(q):
    rows = {
        (r["call_date"], r["district"]): r
        for r in q("select * from marts.rpt_district_daily where call_date <= '2024-03-02'")
    }
    assert len(rows) == 2 * 5  # every district, every day
    assert (rows[(MAR[1], "shiqu")]["inbound"], rows[(MAR[1], "shiqu")]["offered"]) == (11, 10)
    assert rows[(MAR[1], "shiqu")]["answered"] == 6 and rows[(MAR[1], "shiqu")]["connect_rate"] == 0.6
    assert (rows[(MAR[1], "jiangning")]["answered"], rows[(MAR[1], "jiangning")]["connect_rate"]) == (1, 1.0)
    assert rows[(MAR[1], "pukou")]["inbound"] == 0 and rows[(MAR[1], "pukou")]["connect_rate"] is None
    assert rows[(MAR[2], "pukou")]["answered"] == 1
    assert rows[(MAR[1], "jiangning")]["csat"] == 0.0  # S2 on K04 scored 3


def test_queue_intervals(q):
    rows = {
        (r["interval_minutes"], r["interval_start"], r["queue"]): r
        for r in q("select * from marts.rpt_queue_interval where call_date = '2024-03-01'")
    }
    assert len(rows) == (96 + 48) * 5
    repair = rows[(30, dt.datetime(2024, 3, 1, 11, 0), "repair")]
    complaints = rows[(30, dt.datetime(2024, 3, 1, 11, 0), "complaints")]
    assert (repair["offered"], repair["answered"], repair["service_level"], repair["aht_seconds"]) == (
        1,
        1,
        1.0,
        130,
    )
    assert (complaints["service_level"], complaints["asa_seconds"], complaints["aht_seconds"]) == (
        0.0,
        30,
        260,
    )
    early = rows[(15, dt.datetime(2024, 3, 1, 10, 0), "general")]  # K01 answered, K02 short abandon
    assert (early["offered"], early["short_abandoned"], early["service_level"], early["abandon_rate"]) == (
        2,
        1,
        1.0,
        0.0,
    )
    late = rows[(15, dt.datetime(2024, 3, 1, 10, 15), "general")]  # K03 abandoned at 5 s
    assert (late["abandoned"], late["service_level"]) == (1, 0.0)
    quiet = rows[(15, dt.datetime(2024, 3, 1, 3, 0), "general")]
    assert quiet["offered"] == 0 and quiet["service_level"] is None


def test_agent_daily(q):
    rows = {r["agent_id"]: r for r in q("select * from marts.rpt_agent_daily where call_date = '2024-03-01'")}
    lead = rows["1001"]  # K01, K04, K13
    assert (lead["answered"], lead["talk_seconds"], lead["hold_seconds"], lead["handle_seconds"]) == (
        3,
        550,
        50,
        660,
    )
    assert lead["aht_seconds"] == 220 and lead["phone_hours"] == pytest.approx(600 / 3600)
    assert lead["qa_score"] == 40 and lead["qa_fatal_errors"] == 1  # (0 fatal + 80) / 2
    assert lead["fcr_rate"] == pytest.approx(2 / 3) and lead["csat"] == 0.5  # S1 5, S2 3
    assert (lead["phone_orders"], lead["phone_order_amount"]) == (1, 298)  # T4 from K13
    assert (rows["1002"]["transfers_out"], rows["1002"]["transfer_rate"], rows["1002"]["fcr_rate"]) == (
        1,
        0.5,
        None,
    )
    assert rows["1003"]["csat"] == 1.0  # S4 on ticket T1 of K05, last answered by 1003
    ranks = {a: (r["rank_in_center"], r["rank_in_team"]) for a, r in rows.items()}
    assert ranks == {"1001": (1, 1), "1002": (2, 2), "1004": (2, 1), "1003": (4, 2)}
    capped = _one(q("select * from marts.rpt_agent_daily where call_date = '2024-03-09'"))
    assert capped["agent_id"] == "1004" and capped["is_over_phone_cap"] is True
    assert capped["phone_hours"] == pytest.approx(21660 / 3600)


def test_agent_monthly_and_appraisal(q):
    rows = {r["agent_id"]: r for r in q("select * from marts.rpt_agent_monthly")}
    assert (rows["1002"]["answered"], rows["1004"]["answered"]) == (3, 3)
    assert rows["1004"]["is_over_phone_cap"] is True and rows["1004"]["days_over_phone_cap"] == 1
    scores = q(
        "select * from marts.rpt_appraisal_monthly where peer_group = 'agent' and component_code = 'A1'"
    )
    # 1002 and 1004 tie on 3 calls: both rank 1 of 2 -> tier A -> 30 of 30 points.
    assert {(r["agent_id"], r["component_rank"], r["tier"], r["points_earned"]) for r in scores} == {
        ("1002", 1, "A", 30), ("1004", 1, "A", 30),
    }  # fmt: skip
    qa = q("select * from marts.rpt_appraisal_monthly where peer_group = 'agent' and component_code = 'A2'")
    assert {(r["agent_id"], r["tier"], r["points_earned"]) for r in qa} == {
        ("1002", None, 0),
        ("1004", None, 0),
    }
    first_month = {r["dynamic_points"] for r in q("select dynamic_points from marts.rpt_appraisal_monthly")}
    assert first_month == {10}  # no previous month: the dynamic part starts at 10


def test_repeat_reasons(q):
    rows = q(
        "select * from marts.rpt_repeat_reasons where district = 'all' and period_start = '2024-03-01' "
        "order by period_type"
    )
    # day and month of 1 March, week of 26 February (ISO week starting Monday).
    assert [(r["period_type"], r["rank"], r["reason_code"], r["repeat_calls"], r["share"]) for r in rows] == [
        ("day", 1, "signal_fault", 1, 1.0), ("month", 1, "signal_fault", 1, 1.0),
    ]  # fmt: skip
    assert rows[0]["department_code"] == "network_ops" and rows[0]["reason_name_zh"] == "信号故障"
    week = _one(q("select * from marts.rpt_repeat_reasons where period_type = 'week' and district = 'all'"))
    assert week["period_start"] == dt.date(2024, 2, 26)


def test_tickets_sla(q):
    rows = {
        (r["ticket_type"], r["severity"]): r
        for r in q("select * from marts.rpt_ticket_sla_daily where created_date = '2024-03-01'")
    }
    complaint, repair, major = (
        rows[("complaint", "n/a")],
        rows[("repair", "general")],
        rows[("repair", "major")],
    )
    assert (
        complaint["resolved_within_target"],
        complaint["sla_compliance"],
        complaint["compliance_target"],
    ) == (1, 1.0, 0.98)
    assert complaint["median_hours_to_resolve"] == pytest.approx(
        47 + 52 / 60
    )  # 11:08 -> 11:00 two days later
    assert (repair["resolved_late"], repair["sla_compliance"], repair["median_hours_to_resolve"]) == (
        1,
        0.0,
        26.0,
    )
    assert (repair["callback_rate"], repair["callback_satisfaction"]) == (1.0, 1.0)
    assert (major["open_past_target"], major["sla_compliance"]) == (1, None)


def test_satisfaction(q):
    rows = {
        r["channel"]: r
        for r in q("select * from marts.rpt_satisfaction_daily where sent_date = '2024-03-01'")
    }
    assert (
        rows["all"]["csat"],
        rows["all"]["survey_participation_rate"],
        rows["all"]["nps"],
    ) == pytest.approx((2 / 3, 4 / 5, 100.0))
    ivr = rows["ivr"]
    assert (ivr["csat"], ivr["survey_participation_rate"], ivr["mean_csat_score"]) == (0.5, 0.75, 4.0)


def test_qa_sample_is_reproducible_and_capped(q, warehouse):
    rows = q("select agent_id, count(*) as n from marts.rpt_qa_sample_monthly group by 1 order by 1")
    # Fewer than 7 answered calls in March: every one of them is sampled.
    assert rows == [{"agent_id": "1001", "n": 3}, {"agent_id": "1002", "n": 3}, {"agent_id": "1003", "n": 2},
                    {"agent_id": "1004", "n": 3}]  # fmt: skip


def test_every_mart_column_is_documented(q):
    """Analysts' contract: every column of every mart has a description in the model YAML."""
    import json

    # The manifest of the build this module's warehouse came from (this worker's target folder).
    manifest = json.loads((target_dir() / "manifest.json").read_text())
    documented = {
        node["name"]: {name for name, col in node["columns"].items() if col.get("description", "").strip()}
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }
    actual: dict[str, set[str]] = {}
    for row in q(
        "select table_name, column_name from information_schema.columns where table_schema = 'marts'"
    ):
        actual.setdefault(row["table_name"], set()).add(row["column_name"])
    assert set(actual) == set(documented)
    missing = {
        table: sorted(cols - documented[table]) for table, cols in actual.items() if cols - documented[table]
    }
    assert missing == {}


def test_interval_staffing(q):
    rows = {
        r["interval_start"]: r
        for r in q(
            "select * from marts.rpt_interval_staffing "
            "where interval_minutes = 30 and call_date = '2024-03-01'"
        )
    }
    ten = rows[dt.datetime(2024, 3, 1, 10, 0)]  # K01 answered (handle 330), K02 and K03 abandoned
    assert (ten["offered"], ten["answered"], ten["aht_seconds"]) == (3, 1, 330)
    assert ten["traffic_erlangs"] == pytest.approx(3 * 330 / 1800)  # 0.55 Erlang
    assert (ten["required_agents"], ten["agents_handling"]) == (2, 1)  # SL 0.465 with 1 agent, 0.891 with 2
    # Occupancy 0.55 ÷ 2 = 0.275 is under the 0.85 cap: still 2; headcount ⌈2 ÷ (1 − 0.30)⌉ = 3.
    assert (ten["required_agents_capped"], ten["required_headcount"]) == (2, 3)
    noon = rows[dt.datetime(2024, 3, 1, 12, 0)]  # K06 timed out, K07 left: nobody answered
    assert (noon["offered"], noon["required_agents"], noon["agents_handling"]) == (2, None, 0)
    assert (noon["required_agents_capped"], noon["required_headcount"]) == (None, None)
