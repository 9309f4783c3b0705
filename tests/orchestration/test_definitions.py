"""The Dagster definitions load, the asset graph is as expected, the schedule and sensor fire right."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from tests.conftest import copy_warehouse
from tests.orchestration.conftest import PARTITION

SNAPSHOT = Path(__file__).with_name("asset_graph.snapshot")


@pytest.fixture
def defs(center):
    from orchestration.definitions import build_definitions

    return build_definitions()


def test_definitions_load(defs):
    job = defs.resolve_job_def("daily_refresh")
    assert job.executor_def is dg.in_process_executor
    assert defs.resolve_schedule_def("daily_refresh_at_2am")
    assert defs.resolve_sensor_def("new_landing_files")


def _graph_lines(defs) -> list[str]:
    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        parents = sorted(p.to_user_string() for p in graph.get(key).parent_keys)
        lines.append(f"{key.to_user_string()} <- {', '.join(parents) or '-'}")
    checks = sorted(k.to_user_string() for k in graph.asset_check_keys)
    return lines + [f"check {c}" for c in checks]


def test_asset_graph_snapshot(defs):
    """Regenerate with UPDATE_SNAPSHOTS=1 when the graph changes on purpose, and review the diff."""
    lines = _graph_lines(defs)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text("\n".join(lines) + "\n", encoding="utf-8")
        pytest.skip(f"{SNAPSHOT.name} rewritten: review its diff, then run without UPDATE_SNAPSHOTS")
    assert lines == SNAPSHOT.read_text(encoding="utf-8").splitlines()
    # The load feeds dbt's sources; dbt feeds the publish step, which is last.
    assert "marts/fct_calls <- intermediate/int_calls_fcr_flagged, raw/loaded_files" in lines
    assert any(line.startswith("published_warehouse <- ") and "marts/rpt_kpi_daily" in line for line in lines)
    assert any(line.startswith("staging/stg_raw__call_segments <- raw/calls") for line in lines)


def test_schedule_runs_yesterday_at_2am_center_time(defs):
    schedule = defs.resolve_schedule_def("daily_refresh_at_2am")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "Asia/Shanghai")
    tick = dt.datetime(2026, 11, 23, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=tick, repository_def=defs.get_repository_def()
        )
        requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2026-11-22"]


def test_schedule_skips_and_says_why_when_nothing_is_new(defs, center, published_fixture, monkeypatch):
    """The published warehouse was built from exactly this landing folder (the fixture center): the
    02:00 tick skips. A changed setting, or one more file, and it runs again."""

    copy_warehouse(published_fixture, center["warehouse"])
    schedule = defs.resolve_schedule_def("daily_refresh_at_2am")
    tick = dt.datetime(2026, 11, 23, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with dg.instance_for_test() as instance:

        def evaluate():
            context = dg.build_schedule_context(
                instance=instance, scheduled_execution_time=tick, repository_def=defs.get_repository_def()
            )
            return schedule.evaluate_tick(context)

        skipped = evaluate()
        assert skipped.run_requests == []
        assert skipped.skip_message.startswith("nothing new since the refresh of ")
        monkeypatch.setenv("CENTER_COUNTRY", "IL")  # a setting that changes the calendar: run
        assert [r.partition_key for r in evaluate().run_requests] == ["2026-11-22"]
        monkeypatch.delenv("CENTER_COUNTRY")
        assert evaluate().run_requests == []
        (center["landing"] / "calls" / "late.csv").write_text(
            "call_id,caller_number,district,started_at,ended_at\n"
            "L1,,shiqu,2024-03-09T10:00:00,2024-03-09T10:01:00\n"
        )
        assert [r.partition_key for r in evaluate().run_requests] == ["2026-11-22"]


def _settle(folder: Path) -> None:
    past = time.time() - 60
    for path in folder.rglob("*"):
        os.utime(path, (past, past))


def test_sensor_new_files_once(defs, center, published_fixture):
    import shutil

    sensor = defs.resolve_sensor_def("new_landing_files")
    _settle(center["landing"])
    with dg.instance_for_test() as instance:
        first = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, cursor=None, definitions=defs)
        )
        assert len(first.run_requests) == 1  # nothing loaded yet: one run for all files
        # Once the files are loaded (the fixture warehouse has them), the same files start nothing.
        copy_warehouse(published_fixture, center["warehouse"])
        again = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, cursor=first.cursor, definitions=defs)
        )
        assert again.run_requests == [] and "no new landing files" in again.skip_message
        # The same content under a new name is not new either.
        shutil.copyfile(center["landing"] / "calls" / "calls.csv", center["landing"] / "calls" / "copy.csv")
        _settle(center["landing"])
        copy = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, cursor=again.cursor, definitions=defs)
        )
        assert copy.run_requests == []
        # A genuinely new file starts one run, for the newest partition.
        (center["landing"] / "calls" / "late.csv").write_text(
            "call_id,caller_number,district,started_at,ended_at\n"
            "N1,13800000099,shiqu,2024-03-09 12:00:00,2024-03-09 12:01:00\n",
            encoding="utf-8",
        )
        _settle(center["landing"])
        new = sensor.evaluate_tick(
            dg.build_sensor_context(instance=instance, cursor=copy.cursor, definitions=defs)
        )
        assert len(new.run_requests) == 1
        assert "calls/late.csv" in new.run_requests[0].tags["landing_files"]
        assert new.run_requests[0].run_key != first.run_requests[0].run_key


def test_partition_vars_rebuild_from_range_start_minus_fcr_window():
    from orchestration.defs.dbt.assets import reprocess_vars

    assert reprocess_vars(PARTITION) == {"reprocess_from": "2024-03-01"}
    assert reprocess_vars(None) == {}
    # A daily run (the partition is the newest call day built, or the day before it): the models'
    # trailing window covers it, no var (dbt then parses only what changed). An older day (a
    # backfill) still asks for its rebuild.
    day = dt.date.fromisoformat(PARTITION)
    assert reprocess_vars(PARTITION, day) == {}
    assert reprocess_vars(PARTITION, day - dt.timedelta(days=1)) == {}
    assert reprocess_vars(PARTITION, day + dt.timedelta(days=1)) == {}
    assert reprocess_vars(PARTITION, day + dt.timedelta(days=2)) == {"reprocess_from": "2024-03-01"}
