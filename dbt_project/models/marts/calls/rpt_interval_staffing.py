"""One row per local date and interval (15 and 30 minutes), center level: offered calls, AHT, the
agents who handled calls, and the agents Erlang C requires for the service-level target.

A dbt Python model (dbt-duckdb runs it in process): the Erlang C functions below are pure and
tested against published cases (tests/dbt/test_erlang.py, shared erlang-oracles data).
Traffic A = offered calls × AHT / interval length; required agents = the smallest N > A whose
service level (answered within var service_level_seconds) reaches the service_level target
(models/semantic/_metrics.yml).
"""

import math


def traffic_erlangs(calls: float, aht_seconds: float, interval_seconds: float) -> float:
    return calls * aht_seconds / interval_seconds


def wait_probability(traffic: float, agents: int) -> float:
    """Erlang C: the probability that a call waits (1 when the agents cannot carry the traffic)."""
    if agents <= traffic:
        return 1.0
    blocking = 1.0  # Erlang B by its stable recursion, then C from B
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(traffic: float, agents: int, aht_seconds: float, target_seconds: float) -> float:
    if agents <= traffic:
        return 0.0
    return 1 - wait_probability(traffic, agents) * math.exp(
        -(agents - traffic) * target_seconds / aht_seconds
    )


def average_speed_of_answer(traffic: float, agents: int, aht_seconds: float) -> float:
    if agents <= traffic:
        return math.inf
    return wait_probability(traffic, agents) * aht_seconds / (agents - traffic)


def occupancy(traffic: float, agents: int) -> float:
    """Share of the agents' time spent on calls: traffic carried ÷ agents (Erlang C carries it all)."""
    return traffic / agents


def agents_for_asa(traffic: float, aht_seconds: float, max_asa_seconds: float) -> int:
    """Smallest number of agents whose average speed of answer is at most max_asa_seconds."""
    agents = math.floor(traffic) + 1
    while average_speed_of_answer(traffic, agents, aht_seconds) > max_asa_seconds:
        agents += 1
    return agents


def required_agents(
    calls: float,
    aht_seconds: float | None,
    interval_seconds: float,
    target_seconds: float,
    target_service_level: float,
    max_occupancy: float | None = None,
) -> int | None:
    """Smallest number of agents meeting the service-level target (and the occupancy cap, if any):
    0 without calls, None when no call was answered (handle time unknown)."""
    if not calls:
        return 0
    if not aht_seconds or aht_seconds <= 0:
        return None
    traffic = traffic_erlangs(calls, aht_seconds, interval_seconds)
    # One pass up the agent counts: Erlang B of k agents from B of k - 1 (the recursion
    # wait_probability runs from 1 for every count), so an interval costs O(N), not O(N²).
    blocking, agents = 1.0, 0
    while True:
        agents += 1
        blocking = traffic * blocking / (agents + traffic * blocking)
        if agents <= traffic:
            continue
        waits = agents * blocking / (agents - traffic * (1 - blocking))
        level = 1 - waits * math.exp(-(agents - traffic) * target_seconds / aht_seconds)
        if level >= target_service_level and (max_occupancy is None or traffic / agents <= max_occupancy):
            return agents


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Staff to schedule so that `agents` are on the phones after breaks, training, absence."""
    return math.ceil(agents / (1 - shrinkage))


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
    target_seconds = float(dbt.config.get("service_level_seconds") or 20)
    # The service-level target is declared with the metric (models/semantic/_metrics.yml).
    declared = dbt.ref("dim_kpi_targets").filter("kpi_code = 'service_level'").project("target_value")
    declared = declared.limit(1).fetchall()
    if not declared or declared[0][0] is None:
        raise ValueError("service_level has no target in models/semantic/_metrics.yml (meta.target)")
    target = float(declared[0][0])
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
                    "required_agents": required_agents(offered, aht, minutes * 60, target_seconds, target),
                    "agents_handling": handling.get((day, start_utc), 0),
                }
            )
    import pyarrow as pa

    schema = pa.schema(
        [("call_date", pa.date32()), ("interval_start", pa.timestamp("us")),
         ("interval_start_utc", pa.timestamp("us")), ("interval_minutes", pa.int32()),
         ("offered", pa.int64()), ("answered", pa.int64()), ("aht_seconds", pa.float64()),
         ("traffic_erlangs", pa.float64()), ("required_agents", pa.int64()), ("agents_handling", pa.int64())]
    )  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema)
