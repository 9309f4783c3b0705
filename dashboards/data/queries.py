"""The dashboards' only way to the warehouse: read-only, one connection per query, marts only.

The refresh replaces the warehouse file by an atomic rename; a reader that opened it just before
keeps the old version, and a short retry covers the instant of the swap. Results are cached per
(query, file modification time), so a new refresh is visible at the next rerun.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import streamlit as st

from dashboards.access import AGENT_TABLES, Viewer, scope_sql
from dashboards.metrics import Target, breaches, catalogue, measures, rates_over_period
from ingest import settings


def warehouse() -> Path:
    return settings.warehouse_path()


def available() -> bool:
    return warehouse().exists()


def _version() -> float:
    try:
        return warehouse().stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _read(sql: str, params: tuple, path: str) -> pl.DataFrame:
    for attempt in range(5):
        try:
            with duckdb.connect(path, read_only=True) as con:
                return con.sql(sql, params=list(params)).pl()
        except duckdb.IOException:
            if attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(sql: str, params: tuple, path: str, version: float) -> pl.DataFrame:
    return _read(sql, params, path)


def viewer() -> Viewer:
    """Who is looking (set by the login in streamlit_app.py); no viewer, no data."""
    current = st.session_state.get("viewer")
    if not isinstance(current, Viewer):
        raise PermissionError("not logged in")
    return current


def _columns(table: str) -> list[str]:
    if table not in AGENT_TABLES:
        return []
    frame = _cached(
        "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ?",
        (table,), str(warehouse()), _version(),
    )  # fmt: skip
    return frame["column_name"].to_list()


def query(sql: str, *params) -> pl.DataFrame:
    """`sql` as the viewer may see it (dashboards/access.py): the scoped SQL is the cache key."""
    return _cached(scope_sql(sql, viewer(), _columns), tuple(params), str(warehouse()), _version())


def local_time(utc) -> str:
    """A UTC timestamp (or its text) as the center's local time, to the minute."""
    if utc in (None, ""):
        return "—"
    moment = dt.datetime.fromisoformat(str(utc)) if not isinstance(utc, dt.datetime) else utc
    local = moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(settings.center_timezone()))
    return f"{local:%Y-%m-%d %H:%M}"


def refresh_status() -> dict:
    status = warehouse().with_name(warehouse().name + ".status.json")
    try:
        return json.loads(status.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def center_timezone() -> str:
    return settings.center_timezone()


def deliveries(last: int = 50) -> pl.DataFrame:
    """The newest attempts to send the report or a failure notice (orchestration/reports), newest
    first; `final` marks each message's last attempt on its channel (its outcome)."""
    from orchestration.reports.delivery import read_log  # the log's format is the sender's

    entries = read_log(warehouse().with_name(warehouse().name + ".deliveries.jsonl"), last)
    schema = {"sent_at": pl.String, "sent": pl.String, "channel": pl.String, "attempt": pl.Int64,
              "ok": pl.Boolean, "detail": pl.String}  # fmt: skip
    frame = pl.DataFrame(
        [{"sent_at": local_time(e.get("at")), "sent": e.get("key"), "channel": e.get("channel"),
          "attempt": e.get("attempt"), "ok": bool(e.get("ok")), "detail": e.get("detail")} for e in entries],
        schema=schema,
    )  # fmt: skip
    return frame.with_columns(final=pl.int_range(pl.len()).over("sent", "channel") == 0)


# -- the queries the pages use ---------------------------------------------------------------


def date_bounds() -> tuple:
    """First and last local date with any activity (calls, tickets or surveys), of any year."""
    row = query("select min(date_day) as first, max(date_day) as last from marts.dim_dates")
    return (row["first"][0], row["last"][0]) if row.height else (None, None)


def day_calendar(day) -> dict:
    """The day's weekday and holiday names (dim_dates), for the page to say which day it shows."""
    rows = query(
        "select weekday_name_en, weekday_name_zh, holiday_name_en, holiday_name_zh from marts.dim_dates "
        "where date_day = ?",
        day,
    )
    return rows.to_dicts()[0] if rows.height else {}


def choices(column: str, table: str) -> list[str]:
    return query(f"select distinct {column} as v from marts.{table} where {column} is not null order by 1")[
        "v"
    ].to_list()


def kpi_daily(start, end) -> pl.DataFrame:
    return query(
        "select * from marts.rpt_kpi_daily where call_date between ? and ? order by call_date", start, end
    )


def district_daily(start, end, districts: list[str]) -> pl.DataFrame:
    return query(
        "select * from marts.rpt_district_daily where call_date between ? and ? "
        "and (len(?) = 0 or list_contains(?, district)) order by call_date, sort_order",
        start,
        end,
        districts,
        districts,
    )


QUEUE_MEASURES = (
    "offered, answered, abandoned, short_abandoned, abandon_base, service_level_base, answered_within_sl, "
    "answered_wait_seconds, handle_seconds"
)


def daily_figures(start, end, districts: list[str], queues: list[str]) -> tuple[pl.DataFrame, str]:
    """Per day counts and rates for the sidebar's selection, and which mart they come from: the
    center (rpt_kpi_daily); the districts picked (rpt_district_daily, summed); or the queues picked
    (rpt_queue_interval, summed: queue passes, so only the queue's figures, and not by district)."""
    if queues:
        rows = query(
            f"select call_date, {QUEUE_MEASURES} from marts.rpt_queue_interval "
            "where call_date between ? and ? and list_contains(?, queue)",
            start,
            end,
            queues,
        )
        scope = "queue"
    elif districts:
        rows = district_daily(start, end, districts)
        rows = rows.select("call_date", "is_fcr_final", *(c for c in measures() if c in rows.columns))
        scope = "district"
    else:
        return kpi_daily(start, end), "center"
    if rows.is_empty():
        return rows, scope
    also = [pl.col("is_fcr_final").all()] if "is_fcr_final" in rows.columns else []
    return rates_over_period(rows, ["call_date"], *also).sort("call_date"), scope


def targets_published() -> tuple[dict[str, Target], dict[tuple[str, str], Target]]:
    """The center's targets (dim_kpi_targets) and the queues' own (dim_queue_targets)."""
    center = query(
        "select kpi_code, target_value, comparison from marts.dim_kpi_targets "
        "where target_value is not null and comparison in ('>=', '<=')"
    )
    queues = query(
        "select kpi_code, queue, target_value, comparison from marts.dim_queue_targets "
        "where comparison in ('>=', '<=')"
    )
    return (
        {r["kpi_code"]: Target(r["target_value"], r["comparison"]) for r in center.to_dicts()},
        {(r["kpi_code"], r["queue"]): Target(r["target_value"], r["comparison"]) for r in queues.to_dicts()},
    )


def alerts(day, districts: list[str], queues: list[str]) -> pl.DataFrame:
    """The day's targets missed by district and by queue (within the sidebar's selection)."""
    by_district = district_daily(day, day, districts)
    if not by_district.is_empty():
        names = by_district.select("district", "district_name_zh", "district_name_en").unique("district")
        keep = [c for c in measures() if c in by_district.columns]
        by_district = (
            rates_over_period(by_district.select("district", *keep), ["district"])
            .join(names, on="district")
            .rename({"district": "name", "district_name_zh": "name_zh", "district_name_en": "name_en"})
        )
    by_queue = query(
        f"select i.queue as name, q.queue_name_zh as name_zh, q.queue_name_en as name_en, {QUEUE_MEASURES} "
        "from marts.rpt_queue_interval as i left join marts.dim_queues as q using (queue) "
        "where i.call_date = ? and (len(?) = 0 or list_contains(?, i.queue))",
        day,
        queues,
        queues,
    )
    if not by_queue.is_empty():
        by_queue = rates_over_period(by_queue, ["name", "name_zh", "name_en"])
    center, own = targets_published()
    return breaches(by_district, by_queue, center, own)


def district_names() -> dict[str, str]:
    """Each district's name in the session's language, in the center's order."""
    from dashboards.strings import words

    rows = query(
        "select district, district_name_zh, district_name_en from marts.dim_districts order by sort_order"
    )
    return {r["district"]: words(r["district_name_en"], r["district_name_zh"]) for r in rows.to_dicts()}


def queue_names() -> dict[str, str]:
    """Each queue's name in the session's language, in the center's order."""
    from dashboards.strings import words

    rows = query(
        "select queue, queue_name_zh, queue_name_en from marts.dim_queues order by sort_order, queue"
    )
    return {r["queue"]: words(r["queue_name_en"], r["queue_name_zh"]) for r in rows.to_dicts()}


def kpi_targets() -> dict[str, float]:
    """Each rate's target as declared (models/semantic/_metrics.yml)."""
    return {m.name: m.target for m in catalogue().values() if m.target is not None}


def queue_intervals(start, end, queues, minutes: int = 30) -> pl.DataFrame:
    """The queue mart at 15 or 30 minutes, or 60 (two half hours summed, by the UTC hour)."""
    rows = query(
        "select * from marts.rpt_queue_interval where call_date between ? and ? and interval_minutes = ? "
        "and (len(?) = 0 or list_contains(?, queue))",
        start,
        end,
        15 if minutes == 15 else 30,
        queues,
        queues,
    )
    return rows if minutes != 60 or rows.is_empty() else by_hour(rows)


def by_hour(rows: pl.DataFrame) -> pl.DataFrame:
    """Half-hour queue rows rolled up to the center's hours: counts summed and rates recomputed
    from them. An hour is a local clock hour; its UTC start is the half hours' UTC instant moved
    back by the same minutes as the local one, so that a fall-back day keeps its two 01:00 hours
    apart and a center half an hour off UTC (India) still pairs 09:00 with 09:30."""
    counts = [c for c in measures() if c in rows.columns]
    by = ["call_date", "interval_start", "interval_start_utc", "interval_minutes", "queue"]
    into_hour = pl.col("interval_start") - pl.col("interval_start").dt.truncate("1h")
    return rates_over_period(
        rows.with_columns(
            pl.col("interval_start").dt.truncate("1h"),
            pl.col("interval_start_utc") - into_hour,
            pl.lit(60).alias("interval_minutes"),
        ).select(*by, *counts, "agents_handling"),
        by,
        # Distinct agents of the hour are not the sum of its half hours': the busier half hour's
        # count (a lower bound) stands for the hour.
        pl.col("agents_handling").max(),
    )


def calls_behind(day, district: str | None, queue: str | None, interval_start, minutes: int) -> pl.DataFrame:
    """The queue passes (call segments) behind a district, a queue or an interval of a day: the
    caller as a code (the first 8 characters of the caller key), never a number."""
    grain = "interval_15_start" if minutes == 15 else "interval_30_start"
    start = f"date_trunc('hour', {grain})" if minutes == 60 else grain
    return query(
        f"select call_id, segment, {start} as interval_start, district, queue, "
        "coalesce('#' || left(caller_key, 8), 'anonymous') as caller, outcome, wait_seconds, "
        "handle_seconds, agent_id, reason_code from marts.fct_call_segments "
        "where segment_date = ? and (? is null or district = ?) and (? is null or queue = ?) "
        f"and (cast(? as timestamp) is null or {start} = cast(? as timestamp)) "
        "order by interval_start, call_id, segment limit 1000",
        day,
        district,
        district,
        queue,
        queue,
        interval_start,
        interval_start,
    )


def agent_daily(day) -> pl.DataFrame:
    return query(
        "select * from marts.rpt_agent_daily where call_date = ?",
        day,
    )


def agent_months() -> pl.DataFrame:
    return query(
        "select distinct month_start from marts.rpt_agent_monthly order by 1 desc",
    )


def agent_monthly(month) -> pl.DataFrame:
    return query(
        "select * from marts.rpt_agent_monthly where month_start = ?",
        month,
    )


def phone_cap_breaches(start, end) -> pl.DataFrame:
    return query(
        "select call_date, agent_id, agent_name, team, phone_hours, answered "
        "from marts.rpt_agent_daily where is_over_phone_cap and call_date between ? and ? order by phone_hours desc",
        start,
        end,
    )


def agent_history(agent, start, end) -> pl.DataFrame:
    return query(
        "select call_date, answered, aht_seconds, fcr_rate, csat from marts.rpt_agent_daily "
        "where agent_id = ? and call_date between ? and ? order by call_date",
        agent,
        start,
        end,
    )


def latest_appraisal() -> pl.DataFrame:
    return query(
        "select month_start, peer_group, agent_id, agent_name, team, static_points, dynamic_points, total_points, place, "
        "places_gained, string_agg(component_code || ' ' || coalesce(tier, '–'), ', ' order by component_code) as tiers "
        "from marts.rpt_appraisal_monthly where month_start = (select max(month_start) from marts.rpt_appraisal_monthly) "
        "group by all order by peer_group desc, place",
    )


def repeat_periods(period, district, end) -> pl.DataFrame:
    return query(
        "select distinct period_start from marts.rpt_repeat_reasons where period_type = ? and district = ? "
        "and period_start <= ? order by 1 desc",
        period,
        district,
        end,
    )


def repeat_top5(period, start, district) -> pl.DataFrame:
    return query(
        "select rank, reason_code, reason_name_zh, reason_name_en, department_name_zh, department_name_en, repeat_calls, "
        "share, unresolved_calls, is_final from marts.rpt_repeat_reasons "
        "where period_type = ? and period_start = ? and district = ? order by rank",
        period,
        start,
        district,
    )


def unresolved_calls(reason, start, end, district) -> pl.DataFrame:
    return query(
        "select call_id, call_date, district, coalesce('#' || left(caller_key, 8), 'anonymous') as caller, "
        "agent_id, wait_seconds, handle_seconds, ticket_id "
        "from marts.fct_calls where is_fcr = false and reason_code = ? and call_date between ? and ? "
        "and (? = 'all' or district = ?) order by call_date, call_id limit 500",
        reason,
        start,
        end,
        district,
        district,
    )


def ticket_sla(start, end, districts) -> pl.DataFrame:
    return query(
        "select * from marts.rpt_ticket_sla_daily where created_date between ? and ? "
        "and (len(?) = 0 or list_contains(?, district))",
        start,
        end,
        districts,
        districts,
    )


def open_past_target(districts) -> pl.DataFrame:
    return query(
        "select ticket_id, ticket_type, severity, district, department, created_at, target_hours, "
        "round(hours_open_as_of, 1) as hours_open from marts.fct_tickets where is_open_past_target "
        "and (len(?) = 0 or list_contains(?, district)) order by hours_open desc limit 500",
        districts,
        districts,
    )


def satisfaction_daily(start, end) -> pl.DataFrame:
    return query(
        "select * from marts.rpt_satisfaction_daily where sent_date between ? and ? order by sent_date",
        start,
        end,
    )


def csat_by_agent(start, end) -> pl.DataFrame:
    """The agents' scored and satisfied surveys per day (metrics.rates_over_period rolls them up)."""
    return query(
        "select agent_id, agent_name, team, csat_scored, csat_satisfied "
        "from marts.rpt_agent_daily where call_date between ? and ?",
        start,
        end,
    )


def qa_sample_months() -> pl.DataFrame:
    return query(
        "select distinct month_start from marts.rpt_qa_sample_monthly order by 1 desc",
    )


def qa_sample(month) -> pl.DataFrame:
    return query(
        "select sample.agent_id, agents.agent_name, agents.team, sample.sample_number, sample.call_id, sample.call_date, "
        "sample.queue, sample.reason_code, round(sample.talk_seconds) as talk_seconds "
        "from marts.rpt_qa_sample_monthly as sample left join marts.dim_agents as agents using (agent_id) "
        "where month_start = ? order by sample.agent_id, sample.sample_number",
        month,
    )


def qa_scores(start, end) -> pl.DataFrame:
    return query(
        "select qa.agent_id, agents.agent_name, agents.team, count(*) as evaluations, avg(qa.score) as qa_score, "
        "count(case when qa.is_fatal then 1 end) as fatal_errors from marts.fct_qa_evaluations as qa "
        "left join marts.dim_agents as agents using (agent_id) where qa.call_date between ? and ? group by all "
        "order by qa_score",
        start,
        end,
    )


def qa_fatal_errors(start, end) -> pl.DataFrame:
    return query(
        "select evaluation_id, call_id, agent_id, evaluator_id, evaluated_date, raw_score from marts.fct_qa_evaluations "
        "where is_fatal and call_date between ? and ? order by evaluated_date",
        start,
        end,
    )


def newest_call_end() -> pl.DataFrame:
    return query(
        "select max(ended_at) as newest from marts.fct_calls",
    )


def loaded_files() -> pl.DataFrame:
    return query(
        "select source, file_path, status, layout, encoding, rows_read, rows_accepted, rows_rejected, rows_duplicate, "
        "source_lines, lines_held, is_accounted_for and are_lines_accounted_for as is_accounted_for, message, loaded_at "
        "from marts.fct_loaded_files order by loaded_at desc, file_path",
    )


def rejected_by_rule() -> pl.DataFrame:
    return query(
        "select source, rule, message, sum(rows_rejected) as rows_rejected, count(*) as files, "
        "min(file_path || ': rows ' || example_row_numbers) as example, min(first_example_values) as example_values "
        "from marts.rpt_rejected_rows_by_rule group by all order by rows_rejected desc",
    )


def interval_staffing(day, minutes: int = 30) -> pl.DataFrame:
    return query(
        "select interval_start, offered, required_agents, agents_handling from marts.rpt_interval_staffing "
        "where call_date = ? and interval_minutes = ? order by interval_start_utc",
        day,
        minutes,
    )


# -- Workforce 排班 --------------------------------------------------------------------------------


def forecast_days() -> tuple[dt.date | None, dt.date | None]:
    """First and last day with a forecast (past days keep the forecast made before they began)."""
    frame = query("select min(call_date) as first, max(call_date) as last from marts.rpt_interval_forecast")
    return frame["first"][0], frame["last"][0]


def forecast_backtest() -> pl.DataFrame:
    return query(
        "select series, model, interval_minutes, wape, mase, baseline_wape, is_chosen, windows, horizon_days, "
        "outlier_days, history_start, history_end from marts.rpt_forecast_backtest order by series, wape"
    )


def interval_forecast(series: str, first: dt.date, last: dt.date, minutes: int = 30) -> pl.DataFrame:
    return query(
        "select call_date, interval_start, forecast_calls, model, backtest_wape, aht_seconds, required_agents, "
        "required_agents_capped, required_headcount, is_holiday from marts.rpt_interval_forecast "
        "where series = ? and call_date between ? and ? and interval_minutes = ? order by interval_start",
        series,
        first,
        last,
        minutes,
    )


def offered_by_interval(first: dt.date, last: dt.date, queues: list[str], minutes: int) -> pl.DataFrame:
    """Offered calls and AHT per local interval of `minutes` (a multiple of 15), queues summed."""
    return query(
        f"select call_date, time_bucket(interval '{int(minutes)} minutes', interval_start) as interval_start, "
        "sum(offered) as offered, sum(answered) as answered, sum(handle_seconds) as handle_seconds "
        "from marts.rpt_queue_interval where interval_minutes = 15 and call_date between ? and ? "
        "and (len(?) = 0 or list_contains(?, queue)) group by 1, 2 order by 2",
        first,
        last,
        queues,
        queues,
    )


def staffing_by_interval(day: dt.date, minutes: int = 30) -> pl.DataFrame:
    return query(
        "select interval_start, interval_start_utc, offered, aht_seconds, required_agents, "
        "required_agents_capped, required_headcount, agents_handling from marts.rpt_interval_staffing "
        "where call_date = ? and interval_minutes = ? order by interval_start_utc",
        day,
        minutes,
    )


def agents_logged_in(first: dt.date, last: dt.date, minutes: int = 30) -> pl.DataFrame:
    """Agents logged in and available (logged in, not paused) per interval: seconds ÷ interval."""
    return query(
        "select call_date, interval_start, interval_start_utc, "
        f"sum(logged_in_seconds) / {int(minutes) * 60}.0 as logged_in_agents, "
        f"sum(available_seconds) / {int(minutes) * 60}.0 as available_agents "
        "from marts.rpt_agent_interval_time where interval_minutes = ? and call_date between ? and ? "
        "group by 1, 2, 3 order by 3",
        minutes,
        first,
        last,
    )


def agent_time_day(day: dt.date) -> pl.DataFrame:
    return query(
        "select t.agent_id, a.agent_name, t.team, t.logged_in_seconds, t.paused_seconds, t.talk_seconds, "
        "t.wrapup_seconds, t.idle_seconds, t.occupancy, t.utilisation, t.phone_seconds, t.is_over_phone_cap, "
        "t.is_session_closed_without_logoff from marts.rpt_agent_time_daily as t "
        "left join marts.dim_agents as a on t.agent_id = a.agent_id where t.call_date = ? "
        "order by t.occupancy desc nulls last",
        day,
    )


def pauses_day(day: dt.date) -> pl.DataFrame:
    return query(
        "select pause_reason, count(distinct agent_id) as agents, sum(paused_seconds) as paused_seconds "
        "from marts.rpt_agent_interval_pauses where call_date = ? and interval_minutes = 30 "
        "group by 1 order by 3 desc",
        day,
    )


def seats_and_staff() -> pl.DataFrame:
    return query(
        "select district_name_zh, district_name_en, subscribers, seats_rule_of_thumb, staff_rule_of_thumb "
        "from marts.dim_districts order by sort_order"
    )


def workforce_settings() -> dict:
    frame = query("select * from marts.dim_workforce_settings")
    return frame.row(0, named=True) if not frame.is_empty() else {}


def interval_staffing_peak(first: dt.date, last: dt.date, minutes: int = 30) -> pl.DataFrame:
    return query(
        "select max(required_agents_capped) as peak_agents, max(required_headcount) as peak_headcount "
        "from marts.rpt_interval_staffing where call_date between ? and ? and interval_minutes = ?",
        first,
        last,
        minutes,
    )
