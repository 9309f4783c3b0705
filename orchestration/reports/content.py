"""What the managers' report says, read from the published warehouse: the district daily table as
the center prints it, the KPIs against target with the period before and the same weekday last
week, the breaches (alerts) by district and queue, the top-5 repeat-call reasons with the owning
department, tickets past their SLA and the refresh's health. Weekly and monthly editions cover
their period; the monthly one adds the appraisal A–E table and the QA summary.

Every figure comes from a mart; rates of a period are the summed numerator ÷ the summed
denominator (dashboards.metrics.rates_over_period), never a mean of daily rates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from dashboards.metrics import DISTRICT_ALERTS, Target, breaches, catalogue, rates_over_period

EDITIONS = ("daily", "weekly", "monthly")
# The tiles, in the Overview's order: volumes first, then the declared rates.
TILE_COUNTS = ("inbound", "offered", "answered")
TILE_RATES = (
    "connect_rate", "service_level", "abandon_rate", "asa_seconds", "aht_seconds", "acw_seconds",
    "fcr_rate", "repeat_call_rate", "transfer_rate", "csat",
)  # fmt: skip


@dataclass(frozen=True)
class Period:
    edition: str
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def before(self) -> Period:
        """The period before: the previous day, week or month."""
        if self.edition == "monthly":
            last = self.first - dt.timedelta(days=1)
            return Period(self.edition, last.replace(day=1), last)
        return Period(
            self.edition, self.first - dt.timedelta(days=self.days), self.first - dt.timedelta(days=1)
        )

    def week_before(self) -> Period:
        return Period(self.edition, self.first - dt.timedelta(days=7), self.last - dt.timedelta(days=7))

    @property
    def name(self) -> str:
        """The stable part of the file names: 2024-03-01, 2024-W09, 2024-02."""
        if self.edition == "weekly":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.edition == "monthly":
            return f"{self.first:%Y-%m}"
        return self.first.isoformat()


def periods_ending(day: dt.date) -> list[Period]:
    """The editions due when `day` is complete: the daily one always, the weekly one on a Sunday
    (ISO weeks, Monday to Sunday), the monthly one on a month's last day."""
    due = [Period("daily", day, day)]
    if day.isoweekday() == 7:
        due.append(Period("weekly", day - dt.timedelta(days=6), day))
    if (day + dt.timedelta(days=1)).month != day.month:
        due.append(Period("monthly", day.replace(day=1), day))
    return due


@dataclass(frozen=True)
class Kpi:
    code: str
    label_en: str
    label_zh: str
    unit: str  # count | fraction | seconds
    value: float | None
    previous: float | None
    last_week: float | None
    target: float | None
    comparison: str | None  # >= or <= (dim_kpi_targets.comparison); None without a target
    direction: str  # higher | lower | none
    met: bool | None  # None: no target or no value


@dataclass
class Report:
    period: Period
    center_name: str
    kpis: list[Kpi]
    districts: pl.DataFrame  # one row per district and a total row, in the center's order
    alerts: pl.DataFrame  # scope, name, kpi_code, value, target, comparison
    repeat_reasons: pl.DataFrame
    tickets_past_sla: pl.DataFrame
    ticket_sla: dict
    health: dict
    daily: pl.DataFrame  # the period's days (daily edition: the last 14 days) for the chart
    appraisal: pl.DataFrame | None = None
    qa: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def missed(self) -> list[Kpi]:
        return [k for k in self.kpis if k.met is False]

    def judge(self, code: str, value) -> bool | None:
        """Whether `value` of KPI `code` meets the center-wide target (None: no target or value)."""
        kpi = next((k for k in self.kpis if k.code == code), None)
        if kpi is None or kpi.target is None:
            return None
        return Target(kpi.target, kpi.comparison).met(value)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, *params) -> pl.DataFrame:
    return con.sql(sql, params=list(params)).pl()


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?", [schema, name]
        ).fetchall()[0][0]
    )


def _rolled(frame: pl.DataFrame) -> dict:
    """One period's counts and rates from the mart's daily rows (an empty period: no values)."""
    if frame.is_empty():
        return {}
    return rates_over_period(frame.with_columns(pl.lit(1).alias("_all")), ["_all"]).to_dicts()[0]


def _targets(con: duckdb.DuckDBPyConnection) -> dict[str, Target]:
    return {
        code: Target(value, comparison)
        for code, value, comparison in con.execute(
            "select kpi_code, target_value, comparison from marts.dim_kpi_targets "
            "where target_value is not null and comparison in ('>=', '<=')"
        ).fetchall()
    }


def _judge(value, target: Target | None) -> bool | None:
    return None if target is None else target.met(value)


def kpis(con: duckdb.DuckDBPyConnection, period: Period) -> list[Kpi]:
    """The tiles: this period, the period before and (daily) the same weekday last week."""
    daily = _frame(
        con,
        "select * exclude (holiday_name_zh, holiday_name_en, day_type) from marts.rpt_kpi_daily "
        "where call_date between ? and ?",
        min(period.before().first, period.week_before().first),
        period.last,
    )

    def of(p: Period) -> dict:
        return _rolled(daily.filter(pl.col("call_date").is_between(p.first, p.last)))

    now, before, week = of(period), of(period.before()), of(period.week_before())
    targets, metrics = _targets(con), catalogue()
    found = []
    labels = {
        "inbound": ("Inbound", "呼入"),
        "offered": ("Offered", "人工呼入"),
        "answered": ("Connected", "接通"),
    }
    for code in TILE_COUNTS + TILE_RATES:
        metric = metrics.get(code)
        en, zh = labels.get(code) or (metric.short, metric.label_zh)
        value = now.get(code)
        target = targets.get(code)
        found.append(
            Kpi(
                code=code,
                label_en=en,
                label_zh=zh,
                unit=metric.unit if metric else "count",
                value=value,
                previous=before.get(code),
                last_week=week.get(code) if period.edition == "daily" else None,
                target=target.value if target else None,
                comparison=target.comparison if target else None,
                direction=metric.direction if metric else "none",
                met=_judge(value, target),
            )
        )
    return found


def districts(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    """呼入 / 接通 / 接通率 per district for the period, with the center's total last."""
    rows = _frame(
        con,
        "select * exclude (holiday_name_zh, holiday_name_en, day_type) from marts.rpt_district_daily "
        "where call_date between ? and ?",
        period.first,
        period.last,
    )
    names = _frame(
        con, "select district, district_name_zh, district_name_en, sort_order from marts.dim_districts"
    )
    if rows.is_empty():
        by_district = names.with_columns(
            *(pl.lit(None, pl.Int64).alias(c) for c in ("inbound", "offered", "answered", "abandoned")),
            *(pl.lit(None, pl.Float64).alias(c) for c in DISTRICT_ALERTS),
        )
    else:
        by_district = rates_over_period(
            rows.drop("district_name_zh", "district_name_en", "sort_order"), ["district"]
        )
        # Every district of the center, and any the calls name that the seeds do not (by its code).
        by_district = names.join(by_district, on="district", how="full", coalesce=True).with_columns(
            pl.col("district_name_zh").fill_null(pl.col("district")),
            pl.col("district_name_en").fill_null(pl.col("district")),
        )
    total = _rolled(rows)
    counts = ["inbound", "offered", "answered", "abandoned"]
    columns = ["district", "district_name_zh", "district_name_en", *counts, *DISTRICT_ALERTS]
    total_row = {c: total.get(c) for c in columns} | {
        "district": "total",
        "district_name_zh": "合计",
        "district_name_en": "Total",
    }
    body = by_district.sort("sort_order", nulls_last=True).select(columns)
    return pl.concat([body, pl.DataFrame([total_row], schema=body.schema)], how="vertical")


def queue_targets(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], Target]:
    return {
        (code, queue): Target(value, comparison)
        for code, queue, value, comparison in con.execute(
            "select kpi_code, queue, target_value, comparison from marts.dim_queue_targets "
            "where comparison in ('>=', '<=')"
        ).fetchall()
    }


def alerts(con: duckdb.DuckDBPyConnection, period: Period, district_rows: pl.DataFrame) -> pl.DataFrame:
    """Every target missed in the period by a district or a queue (dashboards.metrics.breaches)."""
    districts = district_rows.filter(pl.col("district") != "total").rename({"district": "name"})
    districts = districts.rename({"district_name_zh": "name_zh", "district_name_en": "name_en"})
    queue_rows = _frame(
        con,
        "select queue, offered, answered, abandoned, short_abandoned, abandon_base, service_level_base, "
        "answered_within_sl, answered_wait_seconds, handle_seconds from marts.rpt_queue_interval "
        "where call_date between ? and ?",
        period.first,
        period.last,
    )
    names = _frame(
        con, "select queue, queue_name_zh as name_zh, queue_name_en as name_en from marts.dim_queues"
    )
    queues = (
        rates_over_period(queue_rows, ["queue"])
        .join(names, on="queue", how="left")
        .with_columns(
            pl.col("name_zh").fill_null(pl.col("queue")), pl.col("name_en").fill_null(pl.col("queue"))
        )
        .rename({"queue": "name"})
        .sort("name")
        if not queue_rows.is_empty()
        else pl.DataFrame(schema={"name": pl.String, "name_zh": pl.String, "name_en": pl.String})
    )
    return breaches(districts, queues, _targets(con), queue_targets(con))


def repeat_reasons(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    """The top five reasons of repeat calls, center-wide, with the department that owns each."""
    kind = {"daily": "day", "weekly": "week", "monthly": "month"}[period.edition]
    return _frame(
        con,
        "select rank, reason_code, reason_name_zh, reason_name_en, department_name_zh, department_name_en, "
        "repeat_calls, share, is_final from marts.rpt_repeat_reasons "
        "where period_type = ? and period_start = ? and district = 'all' and rank <= 5 order by rank",
        kind,
        period.first,
    )


def tickets(con: duckdb.DuckDBPyConnection, period: Period) -> tuple[pl.DataFrame, dict]:
    """Tickets open past their target now (the warehouse's "as of"), oldest first, and the
    period's compliance: resolved within target ÷ resolved with a target."""
    past = _frame(
        con,
        "select ticket_id, ticket_type, severity, district, department, created_at, target_hours, "
        "round(hours_open_as_of, 1) as hours_open from marts.fct_tickets where is_open_past_target "
        "order by hours_open_as_of desc, ticket_id",
    )
    sla = con.execute(
        "select sum(created), sum(resolved_within_target), sum(sla_base) "
        "from marts.rpt_ticket_sla_daily where created_date between ? and ?",
        [period.first, period.last],
    ).fetchall()[0]
    created, within, base = sla
    compliance = within / base if base else None
    target = _targets(con).get("sla_compliance")
    summary = {
        "created": created or 0,
        "resolved_within_target": within or 0,
        "sla_base": base or 0,
        "sla_compliance": compliance,
        "target": target.value if target else None,
        "met": _judge(compliance, target),
        "open_past_target_now": past.height,
    }
    return past, summary


def health(con: duckdb.DuckDBPyConnection, status: dict) -> dict:
    """The refresh behind the report: when it ran, how far the data reaches, the files loaded in
    the day before it (UTC) and everything rejected or failed so far."""
    success = status.get("last_success") or {}
    failure = status.get("last_failure") or {}
    refreshed = success.get("at")
    since = (dt.datetime.fromisoformat(refreshed) if refreshed else dt.datetime.now(dt.UTC)) - dt.timedelta(
        days=1
    )
    recent, rows_read, rows_accepted, rows_rejected, failed = con.execute(
        "select count(*) filter (where loaded_at >= ?), "
        "coalesce(sum(rows_read) filter (where loaded_at >= ?), 0), "
        "coalesce(sum(rows_accepted) filter (where loaded_at >= ?), 0), "
        "coalesce(sum(rows_rejected), 0), count(*) filter (where status = 'failed') "
        "from marts.fct_loaded_files",
        [since.replace(tzinfo=None)] * 3,
    ).fetchall()[0]
    newest = con.execute("select max(call_date) from marts.rpt_kpi_daily where inbound > 0").fetchall()[0][0]
    failed_after = failure.get("at", "") > success.get("at", "")
    return {
        "refreshed_at_utc": refreshed,
        "newest_call_day": newest,
        "files_loaded": recent,
        "rows_read": rows_read,
        "rows_accepted": rows_accepted,
        "rows_rejected": rows_rejected,
        "files_failed": failed,
        "last_failure": failure.get("reason") if failed_after else None,
    }


def appraisal(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return _frame(
        con,
        "select peer_group, place, agent_id, agent_name, team, total_points, places_gained, "
        "string_agg(component_code || ' ' || coalesce(tier, '–'), ', ' order by component_code) as tiers "
        "from marts.rpt_appraisal_monthly where month_start = ? group by all order by peer_group desc, place",
        period.first,
    )


def qa_summary(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    """Per team: evaluations, mean score over the evaluations, fatal errors, calls sampled."""
    if not _has(con, "marts.fct_qa_evaluations"):
        return pl.DataFrame()
    return _frame(
        con,
        "select coalesce(a.team, '—') as team, count(*) as evaluations, round(avg(q.score), 1) as qa_score, "
        "count(*) filter (where q.is_fatal) as fatal_errors "
        "from marts.fct_qa_evaluations as q left join marts.dim_agents as a using (agent_id) "
        "where q.evaluated_date between ? and ? group by all order by team",
        period.first,
        period.last,
    )


def report_day(published: Path, day: dt.date) -> dt.date:
    """The day a refresh of partition `day` reports: that day, or (a warehouse of history, a day
    without calls) the newest day with calls before it; `day` itself when there is none."""
    with duckdb.connect(str(published), read_only=True) as con:
        (newest,) = con.execute(
            "select max(call_date) from marts.rpt_kpi_daily where inbound > 0 and call_date <= ?", [day]
        ).fetchall()[0]
    return newest or day


def build(published: Path, period: Period, status: dict, center_name: str = "") -> Report:
    with duckdb.connect(str(published), read_only=True) as con:
        district_rows = districts(con, period)
        past, sla = tickets(con, period)
        chart_first = period.first if period.edition != "daily" else period.last - dt.timedelta(days=13)
        report = Report(
            period=period,
            center_name=center_name,
            kpis=kpis(con, period),
            districts=district_rows,
            alerts=alerts(con, period, district_rows),
            repeat_reasons=repeat_reasons(con, period),
            tickets_past_sla=past,
            ticket_sla=sla,
            health=health(con, status),
            daily=_frame(
                con,
                "select call_date, inbound, offered, answered, connect_rate, service_level "
                "from marts.rpt_kpi_daily where call_date between ? and ? order by call_date",
                chart_first,
                period.last,
            ),
        )
        if period.edition == "monthly":
            report.appraisal = appraisal(con, period)
            report.qa = qa_summary(con, period)
    if report.kpis[0].value is None:
        report.notes.append("No call in this period. 本期无来电。")
    if any(not r["is_final"] for r in report.repeat_reasons.to_dicts()):
        report.notes.append(
            "Repeat-call reasons are provisional: the FCR window is still open. 重复来电原因暂定。"
        )
    return report
