"""The reliability scenarios of `make reliability` (tests/reliability.py), smaller, in the suite:
a refresh process killed at every named point in a row, bad files, re-deliveries, schema drift
and readers querying through a refresh. Nothing lost, no reader query failed."""

from __future__ import annotations

import pytest

from tests import reliability

pytestmark = pytest.mark.slow


def test_refreshes_killed_in_every_stage_change_nothing_and_the_next_one_loads_once(
    published_fixture, tmp_path
):
    # One kill in each stage (load half done, dbt, publishing); `make reliability` kills at every
    # point of reliability.CRASH_POINTS and at random moments.
    points = ["load.between_files", "dbt.mid_build", "publish.before_replace"]
    assert set(points) <= set(reliability.CRASH_POINTS)
    outcome = reliability.crash_scenario(tmp_path, published_fixture, points, label="crash chain")
    assert outcome.ok and outcome.survived == len(points), outcome.notes


def test_bad_files_lose_nothing(tmp_path):
    outcome = reliability.bad_files_scenario(tmp_path, count=40, seed=3)
    assert outcome.ok, outcome.notes
    assert outcome.rows_read > 0 and outcome.rows_rejected > 0


def test_redelivered_files_change_nothing(tmp_path):
    outcome = reliability.redelivery_scenario(tmp_path)
    assert outcome.ok and outcome.survived == 3, outcome.notes


def test_schema_drift(tmp_path):
    outcome = reliability.schema_drift_scenario(tmp_path)
    assert outcome.ok and outcome.survived == 3, outcome.notes


def test_readers_through_a_refresh_see_old_or_new_and_never_fail(published_fixture, tmp_path):
    outcome = reliability.readers_scenario(tmp_path, published_fixture, readers=3, refreshes=1)
    assert outcome.ok, outcome.notes
    assert outcome.reader_queries > 50
