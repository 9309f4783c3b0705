"""The semantic layer answers as the marts and the pages do.

Every declared metric is asked of `mf query` (the analysts' command, a real MetricFlow over the
real DuckDB file) at day, ISO week and month grain, by district, ticket type and channel and
with a filter, and compared with the marts' stored columns and with the pages' roll-up
(dashboards.metrics.rates_over_period over the marts' daily rows). Two warehouses: the
hand-computed fixture center (tests/dbt/test_metrics_hand_computed.py) and a small demo center
with every district, tickets of every type and surveys on both channels.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboards.metrics import catalogue, measures, rates_over_period
from ingest import demo
from orchestration.defs.dbt.resources import DBT_DIR, dbt_project
from tests.conftest import TEST_SECRET, copy_warehouse

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def _env(database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DBT_DUCKDB_PATH", "DBT_TARGET")}
    return (
        env
        | extra
        | {
            "DUCKDB_DATABASE": str(database),
            "DBT_PROJECT_DIR": str(DBT_DIR),
            "DBT_PROFILES_DIR": str(DBT_DIR),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "CENTER_TIMEZONE": "Asia/Shanghai",
            "CALLER_KEY_SECRET": TEST_SECRET,
        }
    )


def _catalog() -> str:
    """The catalog dbt wrote into the semantic manifest (DuckDB names it after the file): the
    warehouses below get that name, as the published file of a center has it."""
    dbt_project()  # dbt parse writes target/semantic_manifest.json, which mf reads
    manifest = json.loads((DBT_DIR / "target" / "semantic_manifest.json").read_text())
    return manifest["semantic_models"][0]["node_relation"]["database"]


@pytest.fixture(scope="module")
def fixture_center(published_fixture, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("semantic") / f"{_catalog()}.duckdb"
    copy_warehouse(published_fixture, target)
    return target


@pytest.fixture(scope="module")
def demo_center(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("semantic_demo")
    quiet = lambda _message: None  # noqa: E731
    tables = demo.generate(
        demo.DemoConfig(days=21, calls_per_day=300, seed=5), "Asia/Shanghai", progress=quiet
    )
    demo.write_landing(tables, root / "landing", "csv", "canonical", progress=quiet)
    database = root / f"{_catalog()}.duckdb"
    env = _env(database)
    load = [BIN / "python", "-m", "ingest", "load", str(root / "landing"), "--database", str(database)]
    # The models only: their data tests run on other warehouses of the suite.
    build = [BIN / "dbt", "build", "--quiet", "--exclude-resource-type", "test", "unit_test"]
    for command in (load, build):
        done = subprocess.run(command, env=env, cwd=DBT_DIR.parent, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return database


def mf(database: Path, metrics: list[str], group_by: list[str], where: str | None = None) -> pl.DataFrame:
    """`mf query` as an analyst types it, read back from its CSV."""
    out = database.with_name(f"mf_{len(metrics)}_{'_'.join(group_by)}.csv")
    command = [str(BIN / "mf"), "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
               "--csv", str(out), "--quiet"]  # fmt: skip
    if where:
        command += ["--where", where]
    # The analyst target attaches the warehouse read-only (dbt_project/profiles.yml).
    done = subprocess.run(command, env=_env(database, DBT_TARGET="analyst"), capture_output=True, text=True)
    assert done.returncode == 0 and out.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    frame = pl.read_csv(out, infer_schema_length=None)
    # metric_time__day → day; grains come back as timestamps at midnight.
    renames = {
        c: c.split("__", 1)[1] if c.startswith("metric_time__") else c.split("__")[-1] for c in group_by
    }
    frame = frame.rename(renames)
    return frame.with_columns(
        pl.col(g).str.slice(0, 10).str.to_date() for g in ("day", "week", "month") if g in frame.columns
    )


def marts(database: Path, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(database), read_only=True) as con:
        return pl.from_arrow(con.sql(sql).to_arrow_table())


def assert_same(got: pl.DataFrame, expected: pl.DataFrame, keys: list[str], columns: list[str]) -> int:
    """Every row of `got` (MetricFlow leaves out empty groups) matches `expected` on `columns`
    (NULL where a denominator is 0); rows only in `expected` are empty groups (every count 0)."""
    joined = expected.join(got, on=keys, how="full", suffix="_mf", coalesce=True, nulls_equal=True)
    assert len(joined) == len(expected), "MetricFlow returned groups the marts do not have"
    compared = 0
    for row in joined.to_dicts():
        if all(row.get(f"{c}_mf") is None for c in columns):
            # MetricFlow has no row: the mart's group must be empty.
            counts = [c for c in columns if c in measures() and measures()[c].agg == "count"]
            assert all(row[c] in (0, None) for c in counts), row
            continue
        for column in columns:
            want, have = row[column], row[f"{column}_mf"]
            if want is None or (isinstance(want, float) and math.isnan(want)):
                assert have is None, (column, row)
            else:
                assert have is not None and math.isclose(have, want, rel_tol=1e-9, abs_tol=1e-9), (
                    column,
                    row,
                )
                COMPARED.add(column)
            compared += 1
    assert compared > 0
    return compared


def _of(model: str) -> list[str]:
    return [m.name for m in catalogue().values() if m.semantic_model == model and m.filter is None]


def _counts(model: str) -> list[str]:
    return [m.name for m in measures().values() if m.semantic_model == model]


WAREHOUSES = ["fixture_center", "demo_center"]
COMPARED: set[str] = set()  # metrics a test above compared on at least one non-NULL value


@pytest.mark.parametrize("center", WAREHOUSES)
def test_calls_and_surveys_by_day_and_district_equal_the_district_mart(center, request):
    database = request.getfixturevalue(center)
    for model, entity in (("calls", "call"), ("surveys", "survey")):
        columns = _of(model) + _counts(model)
        got = mf(database, columns, ["metric_time__day", f"{entity}__district"])
        daily = marts(
            database,
            "select call_date as day, district, * exclude (call_date, district) "
            "from marts.rpt_district_daily",
        )
        assert_same(got, daily.select("day", "district", *columns), ["day", "district"], columns)


# Each grain on one warehouse or both (every `mf` start costs about 5 s): day on the fixture
# (its empty days), week and month on the demo (several weeks and months).
@pytest.mark.parametrize(
    ("center", "grain"),
    [
        ("fixture_center", "day"),
        ("fixture_center", "month"),
        ("demo_center", "week"),
        ("demo_center", "month"),
    ],
)
def test_center_rates_at_every_grain_equal_the_pages_roll_up_of_the_kpi_mart(center, grain, request):
    database = request.getfixturevalue(center)
    columns = _of("calls") + _of("surveys")
    got = mf(database, columns, [f"metric_time__{grain}"])
    daily = marts(database, "select * from marts.rpt_kpi_daily").with_columns(
        pl.col("call_date").dt.truncate({"day": "1d", "week": "1w", "month": "1mo"}[grain]).alias(grain)
    )
    expected = rates_over_period(daily, [grain])
    assert_same(got, expected.select(grain, *columns), [grain], columns)
    if grain == "day":  # the stored rate columns too, not only the roll-up
        stored = marts(database, "select call_date as day, * exclude (call_date) from marts.rpt_kpi_daily")
        assert_same(got, stored.select("day", *columns), ["day"], columns)


def test_a_filter_and_a_week_grain_equal_the_filtered_roll_up(demo_center):
    database = demo_center
    district = marts(
        database,
        "select district from marts.rpt_district_daily group by 1 order by sum(offered) desc limit 1",
    )
    name = district["district"][0]
    columns = _of("calls")
    got = mf(
        database, columns, ["metric_time__week"], where=f"{{{{ Dimension('call__district') }}}} = '{name}'"
    )
    daily = marts(database, f"select * from marts.rpt_district_daily where district = '{name}'")
    expected = rates_over_period(
        daily.with_columns(pl.col("call_date").dt.truncate("1w").alias("week")), ["week"]
    )
    assert_same(got, expected.select("week", *columns), ["week"], columns)


def test_ticket_rates_by_month_and_type_equal_the_sla_mart(demo_center):
    columns = _of("tickets") + _counts("tickets")
    got = mf(demo_center, columns, ["metric_time__month", "ticket__ticket_type"])
    daily = marts(demo_center, "select * from marts.rpt_ticket_sla_daily").with_columns(
        pl.col("created_date").dt.truncate("1mo").alias("month")
    )
    expected = rates_over_period(daily, ["month", "ticket_type"])
    assert_same(got, expected.select("month", "ticket_type", *columns), ["month", "ticket_type"], columns)
    # A filtered metric is that group's rate: complaint timeliness = the complaints' SLA compliance.
    complaints = mf(demo_center, ["complaint_timeliness"], ["metric_time__month"])
    expected = rates_over_period(daily.filter(pl.col("ticket_type") == "complaint"), ["month"]).rename(
        {"sla_compliance": "complaint_timeliness"}
    )
    assert_same(
        complaints, expected.select("month", "complaint_timeliness"), ["month"], ["complaint_timeliness"]
    )


def test_survey_rates_by_channel_equal_the_satisfaction_mart(demo_center):
    columns = _of("surveys")
    got = mf(demo_center, columns, ["metric_time__day", "survey__channel"])
    daily = marts(
        demo_center,
        "select sent_date as day, * exclude (sent_date) from marts.rpt_satisfaction_daily "
        "where channel <> 'all'",
    )
    assert_same(got, daily.select("day", "channel", *columns), ["day", "channel"], columns)


def test_every_declared_metric_is_compared_above():
    # Runs last in this file: every declared rate and count was compared on a real value (not
    # only NULL = NULL) by the tests above, whatever semantic model or filter it has.
    if not COMPARED:
        pytest.skip("run with the whole file: it checks what the tests above compared")
    missing = (set(catalogue()) | set(measures())) - COMPARED
    assert not missing, sorted(missing)
