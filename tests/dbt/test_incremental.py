"""A full refresh and a sequence of incremental runs give identical marts.

The demo center's files are delivered in two batches (days 1-14, then 15-24); after each batch
the loader and `dbt build` run incrementally. The result must equal one full build over all
files, including FCR and repeat flags of calls near the cut, whose windows span both batches.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from ingest import demo
from ingest.loader import load_landing
from tests.dbt_helpers import connect, run_dbt

pytestmark = pytest.mark.slow
END = dt.date(2024, 5, 24)
CUT = dt.date(2024, 5, 14)
MARTS = ["fct_calls", "fct_call_segments", "rpt_kpi_daily", "rpt_district_daily", "rpt_repeat_reasons",
         "rpt_agent_daily", "rpt_queue_interval", "rpt_ticket_sla_daily", "rpt_interval_staffing",
         "fct_survey_responses", "rpt_satisfaction_daily", "rpt_qa_sample_monthly", "fct_tickets",
         # built for the affected days only, like the marts above
         "intermediate.int_call_segments_classified", "intermediate.int_calls_collapsed",
         "intermediate.int_calls_fcr_flagged"]  # fmt: skip


def _snapshot(database: Path, marts: list[str] = MARTS) -> dict[str, list[tuple]]:
    with connect(database) as con:
        out = {}
        for table in marts:
            name = table if "." in table else f"marts.{table}"
            columns = [r[0] for r in con.execute(f"describe {name}").fetchall()]
            # file_id is lineage: the two warehouses loaded the same files in other batches
            kept = ", ".join(c for c in columns if c != "file_id")
            rows = con.execute(f"select {kept} from {name}").fetchall()
            out[table] = sorted(
                (tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows), key=repr
            )
        return out


def _load(landing: Path, database: Path) -> None:
    report = load_landing(landing, database, tz="Asia/Shanghai", secret=b"inc", progress=None)
    assert report.totals()["rows_rejected"] == 0


@pytest.fixture(scope="module")
def delivered(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("incremental")
    config = demo.DemoConfig(days=24, calls_per_day=400, end=END, seed=11)
    tables = demo.generate(config, "Asia/Shanghai", progress=lambda _m: None)
    demo.write_landing(tables, root / "all", "csv", "canonical", progress=lambda _m: None)
    return root


@pytest.fixture(scope="module")
def expected(delivered, tmp_path_factory) -> dict[str, list[tuple]]:
    """Every file loaded at once and built from nothing: what the incremental builds must equal.
    Its data tests are left out: the incremental builds run them on the same rows."""
    full_db = tmp_path_factory.mktemp("full") / "full.duckdb"
    _load(delivered / "all", full_db)
    run_dbt(full_db, "build", "--full-refresh", "--exclude-resource-type", "test", "unit_test")
    return _snapshot(full_db, [*MARTS, "rpt_agent_monthly", "rpt_appraisal_monthly"])


def _file_date(path: Path) -> dt.date | None:
    match = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
    return dt.date.fromisoformat(match.group(1)) if match else None


def test_incremental_runs_equal_a_full_refresh(delivered, expected, tmp_path):
    expected = {mart: expected[mart] for mart in MARTS}
    assert len(expected["fct_calls"]) > 5000

    landing, inc_db = tmp_path / "landing", tmp_path / "inc.duckdb"
    for path in (delivered / "all").rglob("*.csv"):
        day = _file_date(path)
        if day is None or day <= CUT:
            target = landing / path.relative_to(delivered / "all")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    _load(landing, inc_db)
    run_dbt(inc_db, "build")
    first = _snapshot(inc_db)
    assert max(r[1] for r in first["fct_calls"]) <= CUT + dt.timedelta(days=1)

    shutil.copytree(delivered / "all", landing, dirs_exist_ok=True)
    _load(landing, inc_db)
    run_dbt(inc_db, "build")  # incremental: only the trailing window is rebuilt
    assert _snapshot(inc_db) == expected

    run_dbt(inc_db, "build")  # nothing new: nothing changes
    assert _snapshot(inc_db) == expected


def test_a_late_file_older_than_the_trailing_window_is_recomputed(delivered, expected, tmp_path):
    """Every file but one day's calls, built; that day (ten days before the end, beyond the
    8-day trailing window) arrives late; the next incremental build equals a full rebuild: the
    late day, the days whose FCR window it falls into and the monthly reports."""
    late_day = END - dt.timedelta(days=10)
    marts = [*MARTS, "rpt_agent_monthly", "rpt_appraisal_monthly"]

    landing, inc_db = tmp_path / "landing", tmp_path / "inc.duckdb"
    shutil.copytree(delivered / "all", landing)
    late_file = landing / "calls" / f"demo_calls_{late_day}.csv"
    held_back = late_file.read_bytes()
    late_file.unlink()
    _load(landing, inc_db)
    run_dbt(inc_db, "build")
    before = _snapshot(inc_db, marts)
    assert before["rpt_kpi_daily"] != expected["rpt_kpi_daily"]

    late_file.write_bytes(held_back)
    _load(landing, inc_db)
    run_dbt(inc_db, "build")
    assert _snapshot(inc_db, marts) == expected


def test_the_daily_run_tests_the_rebuilt_days_and_make_check_tests_all(delivered, tmp_path):
    """test_scope=rebuilt (the refresh) reads the days the run rebuilt; the default reads all."""
    database = tmp_path / "scoped.duckdb"
    _load(delivered / "all", database)
    run_dbt(database, "build")
    bad_outcome = "accepted_values_fct_calls_outcome"
    with connect(database) as con:
        # A bad value on the first day, outside any daily window, written straight into the mart.
        con.execute(
            "update marts.fct_calls set outcome = 'bogus' "
            "where call_date = (select min(call_date) from marts.fct_calls)"
        )
    run_dbt(database, "build", "--select", "fct_calls", vars_="{test_scope: rebuilt}")  # not read
    with pytest.raises(AssertionError, match=bad_outcome):
        run_dbt(database, "test", "--select", "fct_calls")  # make check: every row is read

    run_dbt(database, "build", "--full-refresh", "--select", "fct_calls")
    with connect(database) as con:
        # The same bad value on the newest day of the model fct_calls is built from: the daily run
        # rebuilds that day from it, and its test reads that day.
        con.execute(
            "update intermediate.int_calls_fcr_flagged set outcome = 'bogus' "
            "where call_date = (select max(call_date) from intermediate.int_calls_fcr_flagged)"
        )
    with pytest.raises(AssertionError, match=bad_outcome):
        run_dbt(database, "build", "--select", "fct_calls", vars_="{test_scope: rebuilt}")
