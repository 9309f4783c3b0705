"""One row per local date and interval (15 and 30 minutes), center level: offered calls, AHT, the
agents who handled calls, the agents Erlang C requires for the service-level target, the agents
once the occupancy cap binds, and the headcount to roster after shrinkage.

A dbt Python model (dbt-duckdb runs it in process). The Erlang functions are the project's one
copy (orchestration/workforce/erlang.py, tested against published cases in
tests/orchestration/test_erlang.py); the staffing calculator and the Workforce page use them too.
Traffic A = offered calls × AHT / interval length; required agents = the smallest N > A whose
service level (answered within var service_level_seconds) reaches the service_level target
(models/semantic/_metrics.yml); then N rises until A ÷ N ≤ var staffing_max_occupancy; headcount
= ⌈N ÷ (1 − var staffing_shrinkage)⌉.
"""

from orchestration.workforce.erlang import Target, setting_seconds, staff, traffic_erlangs


def interval_staffing(calls, aht, interval_seconds, target, max_occupancy, shrinkage, patience=None):
    """(agents for the target, agents under the occupancy cap, headcount after shrinkage):
    0 without calls, None when no call was answered (handle time unknown). Erlang A when a mean
    patience is given."""
    if not calls:
        return 0, 0, 0
    if not aht or aht <= 0:
        return None, None, None
    on_target = staff(calls, interval_seconds, aht, target, patience_seconds=patience)
    capped = staff(calls, interval_seconds, aht, target, max_occupancy, shrinkage, patience)
    return on_target.agents, capped.agents, capped.headcount


def rebuilt_from(session) -> str | None:
    """The first day fct_calls and fct_call_segments rebuilt in their newest build (they run
    before this model), as 'YYYY-MM-DD'; None when either was rebuilt whole. An interval's row
    depends on the calls and segments of its own day only, so the days before stay as they are."""
    newest = session.sql(
        "select min(rebuilt_from), bool_and(rebuilt_from is not null), count(*) from ("
        "  select rebuilt_from, row_number() over (partition by model_name order by change_id desc) as n"
        "  from meta.mart_changes where model_name in ('fct_calls', 'fct_call_segments')"
        ") where n = 1"
    ).fetchall()[0]
    start, all_dated, models = newest
    return start.isoformat() if start is not None and all_dated and models == 2 else None


def model(dbt, session):
    # Incremental by day (delete+insert): the days fct_calls rebuilt. No entry in
    # meta.mart_changes (the publisher copies this small table whole; its tests read it whole).
    dbt.config(materialized="incremental", incremental_strategy="delete+insert", unique_key="call_date")
    target_seconds = float(dbt.config.meta_get("service_level_seconds"))
    # The service-level target is declared with the metric (models/semantic/_metrics.yml).
    declared = dbt.ref("dim_kpi_targets").filter("kpi_code = 'service_level'").project("target_value")
    declared = declared.limit(1).fetchall()
    if not declared or declared[0][0] is None:
        raise ValueError("service_level has no target in models/semantic/_metrics.yml (meta.target)")
    target = Target(service_level=float(declared[0][0]), answer_seconds=target_seconds)
    max_occupancy = float(dbt.config.meta_get("staffing_max_occupancy"))
    shrinkage = float(dbt.config.meta_get("staffing_shrinkage"))
    patience = setting_seconds(dbt.config.meta_get("staffing_patience_seconds"))
    first_day = rebuilt_from(session) if dbt.is_incremental else None
    since = f" and call_date >= date '{first_day}'" if first_day else ""
    calls = dbt.ref("fct_calls")
    segments = dbt.ref("fct_call_segments")
    rows = []
    for minutes in (15, 30):
        column = f"interval_{minutes}_start_utc"
        traffic = (
            calls.filter("is_offered" + since)
            .aggregate(
                f"call_date, {column}, any_value(interval_{minutes}_start) as interval_start, "
                "count(*) as offered, "
                "count(case when is_answered then 1 end) as answered, "
                "sum(case when is_answered then handle_seconds end) as handle_seconds"
            )
            .fetchall()
        )
        handling = dict(
            ((day, start), n)
            for day, start, n in segments.filter("is_answered" + since.replace("call_date", "segment_date"))
            .aggregate(f"segment_date, {column}, count(distinct agent_id)")
            .fetchall()
        )
        for day, start_utc, start, offered, answered, handle in traffic:
            aht = handle / answered if answered else None
            agents, capped, headcount = interval_staffing(
                offered, aht, minutes * 60, target, max_occupancy, shrinkage, patience
            )
            rows.append(
                {
                    "call_date": day,
                    "interval_start": start,
                    "interval_start_utc": start_utc,
                    "interval_minutes": minutes,
                    "offered": offered,
                    "answered": answered,
                    "aht_seconds": aht,
                    "traffic_erlangs": traffic_erlangs(offered, aht, minutes * 60) if aht else None,
                    "required_agents": agents,
                    "required_agents_capped": capped,
                    "required_headcount": headcount,
                    "agents_handling": handling.get((day, start_utc), 0),
                }
            )
    import pyarrow as pa

    schema = pa.schema(
        [("call_date", pa.date32()), ("interval_start", pa.timestamp("us")),
         ("interval_start_utc", pa.timestamp("us")), ("interval_minutes", pa.int32()),
         ("offered", pa.int64()), ("answered", pa.int64()), ("aht_seconds", pa.float64()),
         ("traffic_erlangs", pa.float64()), ("required_agents", pa.int64()),
         ("required_agents_capped", pa.int64()), ("required_headcount", pa.int64()),
         ("agents_handling", pa.int64())]
    )  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema)
