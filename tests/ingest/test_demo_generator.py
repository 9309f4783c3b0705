"""The demo generator: deterministic, realistic shares and rates, and loadable without a rejection."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from ingest import demo
from ingest.loader import load_landing

END = dt.date(2024, 10, 20)  # includes the National Day holiday week


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    config = demo.DemoConfig(days=35, calls_per_day=3000, end=END, seed=7)
    return demo.generate(config, "Asia/Shanghai", progress=lambda _msg: None)


@pytest.fixture(scope="module")
def calls(tables) -> duckdb.DuckDBPyRelation:
    con = duckdb.connect()
    segments = tables["calls"]
    con.register("segments", segments)
    con.execute(
        """
        create table calls as
        select call_id,
               any_value(caller_number) as caller,
               any_value(district) as district,
               min(started_at) as started_at,
               min(queued_at) as queued_at,
               min(answered_at) as answered_at,
               max(ended_at) as ended_at,
               count(*) as segments,
               bool_or(answered_at is not null) as is_answered
        from segments group by call_id
        """
    )
    return con


def test_same_seed_same_data_other_seed_other_data(tables):
    again = demo.generate(
        demo.DemoConfig(days=35, calls_per_day=3000, end=END, seed=7),
        "Asia/Shanghai",
        progress=lambda _m: None,
    )
    for name in ("calls", "tickets", "surveys", "qa", "agents"):
        assert again[name].equals(tables[name]), name
    other = demo.generate(
        demo.DemoConfig(days=35, calls_per_day=3000, end=END, seed=8),
        "Asia/Shanghai",
        progress=lambda _m: None,
    )
    assert not other["calls"].equals(tables["calls"])


def test_volume_and_ivr_share(calls):
    inbound, offered = calls.execute("select count(*), count(queued_at) from calls").fetchall()[0]
    assert 0.8 * 3000 * 35 < inbound < 1.2 * 3000 * 35
    assert 0.07 < 1 - offered / inbound < 0.13  # about 10 % IVR self-service


def test_district_split_follows_the_published_report(calls):
    shares = dict(
        calls.execute(
            "select district, count(*) / sum(count(*)) over () from calls"
            " where queued_at is not null group by 1"
        ).fetchall()
    )
    expected = {"shiqu": 4500 / 4840, "jiangning": 180 / 4840, "pukou": 80 / 4840, "liuhe": 75 / 4840}
    for district, share in expected.items():
        assert share * 0.85 < shares[district] < share * 1.15, district
    assert shares["gaochun"] < 0.003


def test_connect_abandon_transfer_rates_are_plausible(calls):
    connect, transfer = calls.execute(
        "select count(*) filter (where is_answered) / count(queued_at),"
        " count(*) filter (where is_answered and segments > 1) / count(*) filter (where is_answered)"
        " from calls"
    ).fetchall()[0]
    assert 0.82 < connect < 0.96
    assert 0.03 < transfer < 0.08


def test_short_abandons_and_timeouts_exist(tables):
    seg = tables["calls"].filter(pl.col("answered_at").is_null() & pl.col("queued_at").is_not_null())
    wait = (seg["ended_at"] - seg["queued_at"]).dt.total_seconds()
    assert ((wait < 5) & (seg["end_reason"] == "caller_hangup")).sum() > 100
    assert (seg["end_reason"] == "queue_timeout").sum() > 10


def test_fcr_between_70_and_85_percent(calls):
    (fcr,) = calls.execute(
        """
        select avg(case when exists (
                   select 1 from calls as later
                   where later.caller = first.caller and later.queued_at is not null
                     and later.started_at >= first.ended_at + interval 15 minute
                     and later.started_at < first.ended_at + interval 7 day) then 0 else 1 end)
        from calls as first
        where first.is_answered and first.caller != 'anonymous'
          and first.ended_at < (select max(started_at) from calls) - interval 7 day
        """
    ).fetchall()[0]
    assert 0.70 <= fcr <= 0.85


def test_intraday_weekday_holiday_and_surge_patterns(calls):
    by_hour = dict(calls.execute("select hour(started_at), count(*) from calls group by 1").fetchall())
    assert by_hour[10] > 10 * by_hour[3] and by_hour[20] > 5 * by_hour[3]
    by_day = dict(calls.execute("select started_at::date, count(*) from calls group by 1").fetchall())
    counts = sorted(by_day.values())
    assert counts[-1] > 2.5 * counts[len(counts) // 2]  # one surge day
    holidays = set(
        pl.read_csv(demo.settings.SEEDS_DIR / "holidays.csv", try_parse_dates=True)["holiday_date"].to_list()
    )
    first_day = min(by_day)  # has no repeat calls from earlier days
    normal = {d: n for d, n in by_day.items() if n < 2 * counts[len(counts) // 2] and d != first_day}
    holiday = [n for d, n in normal.items() if dt.date(2024, 10, 2) <= d <= dt.date(2024, 10, 6)]
    mondays = [n for d, n in normal.items() if d.weekday() == 0 and d not in holidays]
    sundays = [n for d, n in normal.items() if d.weekday() == 6 and d not in holidays]
    assert sum(mondays) / len(mondays) > 1.25 * sum(sundays) / len(sundays)
    assert max(holiday) < min(mondays)


def test_roster_qa_tickets_and_surveys(tables):
    agents = tables["agents"]
    takers = agents.filter(pl.col("role").is_in(["agent", "team_leader"]) & pl.col("left_on").is_null())
    assert takers.height == 120 and takers["team"].n_unique() == 8
    assert agents.filter(pl.col("role") == "team_leader").height == 8
    segments = (
        tables["calls"]
        .filter(pl.col("agent_id").is_not_null())
        .select("call_id", "agent_id", month=pl.col("answered_at").dt.truncate("1mo"))
        .unique(["call_id", "agent_id"], keep="first", maintain_order=True)
    )
    qa = tables["qa"].join(segments, on=["call_id", "agent_id"])
    assert qa.height == tables["qa"].height  # every evaluation is of a call the agent answered
    assert qa.group_by("agent_id", "month").len()["len"].max() <= 7
    calls_sampled = (
        tables["calls"]
        .filter(pl.col("answered_at").is_not_null())
        .with_columns(month=pl.col("answered_at").dt.truncate("1mo"))
    )
    september = calls_sampled.filter(pl.col("month") == dt.datetime(2024, 9, 1)).group_by("agent_id").len()
    assert september.height == 120  # every agent answered calls in the full month ...
    # ... and has 7 evaluations of September calls.
    assert qa.filter(pl.col("month") == dt.datetime(2024, 9, 1)).group_by("agent_id").len()["len"].min() == 7
    tickets = tables["tickets"]
    assert set(tickets["ticket_type"].unique()) >= {"repair", "complaint", "installation", "order"}
    repairs = tickets.filter(
        (pl.col("ticket_type") == "repair")
        & (pl.col("severity") == "general")
        & pl.col("resolved_at").is_not_null()
    )
    breach = ((repairs["resolved_at"] - repairs["created_at"]).dt.total_hours() >= 24).mean()
    assert 0.03 < breach < 0.25  # around the 24 h target, with some breaches
    surveys = tables["surveys"]
    for channel, low, high in (("ivr", 0.25, 0.5), ("sms", 0.08, 0.3)):
        part = surveys.filter(pl.col("channel") == channel)["responded_at"].is_not_null().mean()
        assert low < part < high, channel


@pytest.mark.parametrize(
    ("file_format", "layout"),
    [("csv", "canonical"), ("parquet", "canonical"), ("xlsx", "canonical"), ("csv", "zh")],
)
def test_generated_files_load_without_a_rejection(file_format, layout, tmp_path):
    config = demo.DemoConfig(
        days=3, calls_per_day=400, end=END, seed=3, file_format=file_format, layout=layout
    )
    tables = demo.generate(config, "Asia/Shanghai", progress=lambda _m: None)
    written = demo.write_landing(tables, tmp_path / "landing", file_format, layout, progress=lambda _m: None)
    report = load_landing(
        tmp_path / "landing", tmp_path / "w.duckdb", tz="Asia/Shanghai", secret=b"s", progress=None
    )
    totals = report.totals()
    assert totals["files_failed"] == 0 and totals["rows_rejected"] == 0
    # Agent events are queue_log lines, stored in raw.agent_events, not rows of a source.
    events = written.pop("agent_events")
    assert totals["rows_read"] == sum(written.values())
    # The demo center is marked as such (the published demo secret is allowed for it only), and
    # the mark is not loaded as data.
    assert demo.settings.secret_problem(tmp_path / "landing") is None
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw.calls").fetchall() == [(written["calls"],)]
        assert con.execute("select count(*) from raw.agent_events").fetchall() == [(events,)] and events > 0
        assert con.execute("select count(distinct ticket_id) from raw.ticket_history").fetchall() == [
            (tables["tickets"].height,)
        ]


def test_a_long_period_is_generated_in_blocks_that_load_as_one_center(tmp_path, monkeypatch):
    """Above BLOCK_CALLS calls the generator writes block by block (whole days within a month,
    one roster): every row still loads, no id is used twice, one surge, a QA sample per month."""
    monkeypatch.setattr(demo, "BLOCK_CALLS", 2_500)
    config = demo.DemoConfig(days=40, calls_per_day=200, end=dt.date(2024, 3, 20), seed=5)
    parts = demo.blocks(config, "Asia/Shanghai")
    # 10 Feb - 20 Mar: February's 20 days in blocks of 12 and 8, March's 20 in 12 and 8.
    assert [(b.first, b.days, b.month_days) for b in parts] == [
        (0, 12, 20),
        (12, 8, 20),
        (20, 12, 20),
        (32, 8, 20),
    ]
    landing = tmp_path / "landing"
    written = demo.generate_landing(config, "Asia/Shanghai", landing, progress=lambda _m: None)
    assert len(list((landing / "agents").iterdir())) == 1
    report = load_landing(landing, tmp_path / "w.duckdb", tz="Asia/Shanghai", secret=b"s", progress=None)
    totals = report.totals()
    assert totals["files_failed"] == 0 and totals["rows_rejected"] == 0 and totals["rows_duplicate"] == 0
    events = written.pop("agent_events")
    assert totals["rows_read"] == sum(written.values())
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        days = con.execute(
            "select count(distinct cast(started_at as date)), count(distinct call_id) from raw.calls"
        ).fetchall()[0]
        assert days[0] >= 40 and days[1] > 40 * 150
        busiest = con.execute(
            "select count(distinct call_id) as n from raw.calls "
            "group by cast(started_at + interval 8 hour as date) order by n desc limit 2"
        ).fetchall()
        assert busiest[0][0] > 2.5 * busiest[1][0]  # one surge day, not one per block
        # Every block's agent events load; no block overwrote another's file.
        assert con.execute("select count(*) from raw.agent_events").fetchall() == [(events,)]
        per_month = con.execute(
            "select max(n) from (select agent_id, date_trunc('month', evaluated_at) as m, count(*) as n "
            "from raw.qa_evaluations group by all)"
        ).fetchall()[0][0]
        assert 5 <= per_month <= 9  # about 7 per agent and month, as in one piece
