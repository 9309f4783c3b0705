"""A plain-words summary of what the refresh's store holds: raw rows, files, rejected rows and the
newest day's KPIs (used by `make demo`): `python -m orchestration.summary [--database PATH]`.
It lives with the orchestration, which owns the store, so that the loader reads no marts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from ingest import settings
from ingest.settings import center_yesterday

TABLES = [
    ("raw.calls", "call segments", "started_at"),
    ("raw.tickets", "tickets (latest state)", "created_at"),
    ("raw.ticket_history", "ticket states (history)", "created_at"),
    ("raw.surveys", "surveys sent", "sent_at"),
    ("raw.qa_evaluations", "QA evaluations", "evaluated_at"),
    ("raw.agents", "people on the roster", None),
]


def print_summary(database: Path) -> int:
    if not database.exists():
        print(f"No warehouse at {database} yet: run `make load` (or `make demo`).")
        return 1
    with duckdb.connect(str(database), read_only=True) as con:
        print(f"Warehouse {database}")
        for table, label, ts in TABLES:
            span = f", min({ts})::date, max({ts})::date" if ts else ""
            row = con.execute(f"select count(*){span} from {table}").fetchall()[0]
            dates = f"  ({row[1]} to {row[2]}, UTC dates)" if ts and row[0] else ""
            print(f"  {row[0]:>10,}  {label}{dates}")
        calls = con.execute(
            "select count(distinct call_id), count(distinct caller_key) from raw.calls"
        ).fetchall()[0]
        print(f"  {calls[0]:>10,}  distinct calls from {calls[1]:,} identified callers")
        files = con.execute(
            "select status, count(*), sum(rows_read), sum(rows_rejected) "
            "from raw.loaded_files group by status order by status"
        ).fetchall()
        for status, n, read, rejected in files:
            print(f"  {n:>10,}  files {status} ({read or 0:,} rows read, {rejected or 0:,} rejected)")
        rules = con.execute(
            "select source, rule, count(*) from raw.rejected_rows group by all order by 3 desc limit 10"
        ).fetchall()
        if rules:
            print("  Rejected rows by rule:")
            for source, rule, n in rules:
                print(f"  {n:>10,}  {source}: {rule}")
        _print_kpis(con)
    return 0


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1%}"


def _print_kpis(con: duckdb.DuckDBPyConnection) -> None:
    """The newest complete day's KPIs and district report, if the metrics have been built."""
    built = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'rpt_kpi_daily'"
    ).fetchall()[0][0]
    if not built:
        return
    # A manager reads yesterday's numbers (center time); older data shows its newest day.
    yesterday = center_yesterday()
    cursor = con.execute(
        "select * from marts.rpt_kpi_daily where offered > 0 "
        "order by (call_date = ?) desc, call_date desc limit 1",
        [yesterday],
    )
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    if not rows:
        return
    day = dict(zip(names, rows[0], strict=True))
    asa = "—" if day["asa_seconds"] is None else f"{day['asa_seconds']:.0f} s"
    aht = "—" if day["aht_seconds"] is None else f"{day['aht_seconds']:.0f} s"
    final = "" if day["is_fcr_final"] else " (provisional)"
    print(f"\n{day['call_date']}: {day['inbound']:,} inbound 呼入, {day['offered']:,} offered 人工呼入")
    print(
        f"  connect rate 接通率 {_pct(day['connect_rate'])}, "
        f"service level 服务水平 {_pct(day['service_level'])}, "
        f"abandonment 放弃率 {_pct(day['abandon_rate'])}, ASA {asa}, AHT {aht}"
    )
    print(
        f"  FCR 首次解决率 {_pct(day['fcr_rate'])}{final}, repeat calls {_pct(day['repeat_call_rate'])}, "
        f"CSAT 满意度 {_pct(day['csat'])}"
    )
    districts = con.execute(
        "select district_name_zh, district_name_en, offered, answered, connect_rate "
        "from marts.rpt_district_daily where call_date = ? order by sort_order",
        [day["call_date"]],
    ).fetchall()
    print("  district          offered  answered  connect rate")
    for zh, en, offered, answered, rate in districts:
        print(f"  {zh} {en:<12} {offered:>7,}  {answered:>8,}  {_pct(rate):>12}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.summary", description=__doc__)
    parser.add_argument("--database", type=Path, help="default: $DUCKDB_DATABASE.store")
    args = parser.parse_args(argv)
    try:
        return print_summary(args.database or settings.store_path())
    except settings.SettingsError as exc:
        print(f"Summary stopped: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
