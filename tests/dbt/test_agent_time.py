"""Agent time from a switch's agent events, against a hand-worked queue_log (Asia/Shanghai).

Agent 1001, 2024-03-01: logs in to two queues at 08:50 (one session), answers a call 09:05-09:10,
pauses for lunch 09:20-09:50 (one PAUSE line per queue), logs off both queues at 10:00.
Agent 1002: logs in at 23:00 and never logs off (closed at midnight, flagged); logs in again on
03-02 08:00-09:00, then answers a call at 10:00-10:05 while logged out.
Agent 1003: night shift 22:00-02:00 with a break across midnight, 23:50-00:10.
Agent 1004: a logoff and an unpause with no login or pause before them (ignored).
Agent 1005: logged in to two queues 08:00-09:00 and again 10:00-11:00.
Agent 1006: takes a call 14:15-14:20 during a meeting pause 14:10-14:25 (logged in 14:00-14:30).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.dbt_helpers import rows, run_dbt

pytestmark = pytest.mark.slow
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def epoch(local: str) -> int:
    return int(dt.datetime.fromisoformat(local).replace(tzinfo=SHANGHAI).timestamp())


def line(local: str, callid: str, queue: str, agent: str, event: str, *data: str) -> str:
    return "|".join([str(epoch(local)), callid, queue, agent, event, *data])


def call(callid: str, agent: str, queued: str, answered: str, ended: str) -> list[str]:
    wait = epoch(answered) - epoch(queued)
    talk = epoch(ended) - epoch(answered)
    return [
        line(queued, callid, "support", "NONE", "ENTERQUEUE", "", "13912345678", "1"),
        line(answered, callid, "support", f"PJSIP/{agent}", "CONNECT", str(wait), callid + "0", "2"),
        line(ended, callid, "support", f"PJSIP/{agent}", "COMPLETECALLER", str(wait), str(talk), "1"),
    ]


QUEUE_LOG = [
    # 1001
    line("2024-03-01 08:50:00", "NONE", "support", "PJSIP/1001", "ADDMEMBER", ""),
    line("2024-03-01 08:50:00", "NONE", "billing", "PJSIP/1001", "ADDMEMBER", ""),
    *call("1.1", "1001", "2024-03-01 09:04:50", "2024-03-01 09:05:00", "2024-03-01 09:10:00"),
    line("2024-03-01 09:20:00", "NONE", "support", "PJSIP/1001", "PAUSE", "lunch"),
    line("2024-03-01 09:20:00", "NONE", "billing", "PJSIP/1001", "PAUSE", "lunch"),
    line("2024-03-01 09:50:00", "NONE", "support", "PJSIP/1001", "UNPAUSE", ""),
    line("2024-03-01 09:50:00", "NONE", "billing", "PJSIP/1001", "UNPAUSE", ""),
    line("2024-03-01 10:00:00", "NONE", "support", "PJSIP/1001", "REMOVEMEMBER", ""),
    line("2024-03-01 10:00:00", "NONE", "billing", "PJSIP/1001", "REMOVEMEMBER", ""),
    # 1002
    line("2024-03-01 23:00:00", "NONE", "support", "PJSIP/1002", "ADDMEMBER", ""),
    line("2024-03-02 08:00:00", "NONE", "support", "PJSIP/1002", "ADDMEMBER", ""),
    line("2024-03-02 09:00:00", "NONE", "support", "PJSIP/1002", "REMOVEMEMBER", ""),
    *call("2.1", "1002", "2024-03-02 09:59:50", "2024-03-02 10:00:00", "2024-03-02 10:05:00"),
    # 1003
    line("2024-03-01 22:00:00", "NONE", "support", "PJSIP/1003", "ADDMEMBER", ""),
    line("2024-03-01 23:50:00", "NONE", "support", "PJSIP/1003", "PAUSE", "break"),
    line("2024-03-02 00:10:00", "NONE", "support", "PJSIP/1003", "UNPAUSE", ""),
    line("2024-03-02 02:00:00", "NONE", "support", "PJSIP/1003", "REMOVEMEMBER", ""),
    # 1005: two queues, twice in a day (ties between the two queues' sessions must not merge the
    # two stretches into one)
    *[
        line(f"2024-03-01 {hh}:00:00", "NONE", q, "PJSIP/1005", e, "")
        for hh, e in (
            ("08", "ADDMEMBER"),
            ("09", "REMOVEMEMBER"),
            ("10", "ADDMEMBER"),
            ("11", "REMOVEMEMBER"),
        )
        for q in ("support", "billing")
    ],
    # 1006: a call taken while paused counts as talk, not as pause
    line("2024-03-01 14:00:00", "NONE", "support", "PJSIP/1006", "ADDMEMBER", ""),
    line("2024-03-01 14:10:00", "NONE", "support", "PJSIP/1006", "PAUSE", "meeting"),
    *call("6.1", "1006", "2024-03-01 14:14:50", "2024-03-01 14:15:00", "2024-03-01 14:20:00"),
    line("2024-03-01 14:25:00", "NONE", "support", "PJSIP/1006", "UNPAUSE", ""),
    line("2024-03-01 14:30:00", "NONE", "support", "PJSIP/1006", "REMOVEMEMBER", ""),
    # 1004
    line("2024-03-01 12:00:00", "NONE", "support", "PJSIP/1004", "UNPAUSE", ""),
    line("2024-03-01 12:00:00", "NONE", "support", "PJSIP/1004", "REMOVEMEMBER", ""),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from ingest.loader import load_landing

    root = tmp_path_factory.mktemp("agent_time")
    folder = root / "landing" / "calls" / "pbx"
    folder.mkdir(parents=True)
    (folder / "_format.yaml").write_text("format: asterisk_queue_log\ndistrict: shiqu\n")
    ordered = sorted(QUEUE_LOG, key=lambda text: int(text.split("|")[0]))
    (folder / "queue_log").write_text("\n".join(ordered) + "\n")
    database = root / "warehouse.duckdb"
    report = load_landing(root / "landing", database, tz="Asia/Shanghai", secret=b"agent-time", progress=None)
    assert not report.of("failed") and report.totals()["rows_rejected"] == 0
    # The agent-time marts and what they are built from, with the tests of those models only.
    run_dbt(database, "build", "--select", "+rpt_agent_time_daily", "+rpt_agent_interval_pauses",
            "--indirect-selection", "cautious")  # fmt: skip
    return database


COLUMNS = "logged_in_seconds, paused_seconds, talk_seconds, wrapup_seconds, idle_seconds"


def intervals(database, agent: str) -> dict[str, tuple]:
    found = rows(
        database,
        f"select interval_start, {COLUMNS}, occupancy, utilisation, call_logged_out_seconds, "
        f"is_session_closed_without_logoff from marts.rpt_agent_interval_time "
        f"where agent_id = '{agent}' and interval_minutes = 30 order by interval_start",
    )
    return {
        f"{r['interval_start']:%m-%d %H:%M}": tuple(v for k, v in r.items() if k != "interval_start")
        for r in found
    }


def test_one_session_over_two_queues_with_a_call_and_a_lunch_pause(built):
    got = intervals(built, "1001")
    # logged in, paused, talk, wrap-up, idle, occupancy, utilisation, call logged out, flagged
    assert got == {
        "03-01 08:30": (600, 0, 0, 0, 600, 0.0, 0.0, 0, False),
        # talk 09:05-09:10 (300), lunch 09:20-09:30 (600), idle the rest (900):
        # occupancy 300 ÷ (300 + 900) = 0.25, utilisation 300 ÷ 1800.
        "03-01 09:00": (1800, 600, 300, 0, 900, 0.25, pytest.approx(1 / 6), 0, False),
        "03-01 09:30": (1800, 1200, 0, 0, 600, 0.0, 0.0, 0, False),
    }


def test_a_missing_logoff_closes_at_midnight_and_is_flagged(built):
    got = intervals(built, "1002")
    assert got["03-01 23:00"] == (1800, 0, 0, 0, 1800, 0.0, 0.0, 0, True)
    assert got["03-01 23:30"] == (1800, 0, 0, 0, 1800, 0.0, 0.0, 0, True)
    assert got["03-02 08:00"][-1] is False and got["03-02 08:30"][0] == 1800
    # The call at 10:00 came while logged out: counted apart, no logged-in time.
    assert got["03-02 10:00"] == (0, 0, 0, 0, 0, None, None, 300, False)
    assert len(got) == 5


def test_a_pause_across_midnight_is_split_between_the_days(built):
    got = intervals(built, "1003")
    assert got["03-01 23:30"] == (1800, 600, 0, 0, 1200, 0.0, 0.0, 0, False)
    assert got["03-02 00:00"] == (1800, 600, 0, 0, 1200, 0.0, 0.0, 0, False)
    days = rows(built, f"select call_date, {COLUMNS} from marts.rpt_agent_time_daily where agent_id = '1003' "
                       "order by call_date")  # fmt: skip
    assert [tuple(d.values()) for d in days] == [
        (dt.date(2024, 3, 1), 7200, 600, 0, 0, 6600),
        (dt.date(2024, 3, 2), 7200, 600, 0, 0, 6600),
    ]


def test_sessions_of_several_queues_twice_a_day_stay_two_stretches(built):
    got = intervals(built, "1005")
    assert {k: v[0] for k, v in got.items()} == {
        "03-01 08:00": 1800, "03-01 08:30": 1800, "03-01 10:00": 1800, "03-01 10:30": 1800
    }  # fmt: skip


def test_a_call_during_a_pause_is_talk_time(built):
    # 14:00-14:30: talk 14:15-14:20 (300); paused 14:10-14:25 less the call (600); idle 14:00-14:10
    # and 14:25-14:30 (900). Occupancy 300 ÷ (300 + 900) = 0.25, utilisation 300 ÷ 1800.
    assert intervals(built, "1006") == {
        "03-01 14:00": (1800, 600, 300, 0, 900, 0.25, pytest.approx(1 / 6), 0, False)
    }


def test_pause_reasons_add_up_and_stray_events_count_nothing(built):
    reasons = rows(
        built,
        "select agent_id, interval_start, pause_reason, paused_seconds from marts.rpt_agent_interval_pauses "
        "where interval_minutes = 30 order by agent_id, interval_start",
    )
    assert [(r["agent_id"], f"{r['interval_start']:%m-%d %H:%M}", r["pause_reason"], r["paused_seconds"])
            for r in reasons] == [
        ("1001", "03-01 09:00", "lunch", 600),
        ("1001", "03-01 09:30", "lunch", 1200),
        ("1003", "03-01 23:30", "break", 600),
        ("1003", "03-02 00:00", "break", 600),
        ("1006", "03-01 14:00", "meeting", 600),
    ]  # fmt: skip
    assert rows(built, "select count(*) as n from marts.rpt_agent_interval_time where agent_id = '1004'") == [
        {"n": 0}
    ]


def test_the_day_and_the_15_minute_grain_agree_with_the_30_minute_grain(built):
    totals = rows(
        built,
        "select interval_minutes, sum(logged_in_seconds) as logged_in, sum(paused_seconds) as paused, "
        "sum(talk_seconds) as talk from marts.rpt_agent_interval_time group by 1 order by 1",
    )
    # 1001: 4200 s; 1002: 3600 + 3600; 1003: 14400; 1005: 7200; 1006: 1800. Paused 1800 + 1200 +
    # 600; talk 300 + 300.
    assert [tuple(t.values()) for t in totals] == [(15, 34800, 3600, 600), (30, 34800, 3600, 600)]
    daily = rows(
        built,
        "select agent_id, call_date, phone_seconds, is_session_closed_without_logoff "
        "from marts.rpt_agent_time_daily where agent_id = '1002' order by call_date",
    )
    assert [tuple(d.values()) for d in daily] == [
        ("1002", dt.date(2024, 3, 1), 0, True),
        ("1002", dt.date(2024, 3, 2), 300, False),
    ]
