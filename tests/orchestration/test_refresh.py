"""The refresh end to end: full materialization, readers never broken, failures and kills leave
the published warehouse byte for byte as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import copy_warehouse
from tests.orchestration.conftest import PARTITION, sha256

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
NEW_CALL = (
    "call_id,caller_number,district,queue,started_at,queued_at,answered_at,ended_at,agent_id,reason_code\n"
    "N1,13800000099,shiqu,general,2024-03-09 12:00:00,2024-03-09 12:00:05,2024-03-09 12:00:10,"
    "2024-03-09 12:03:10,1002,other_query\n"
)


def _refresh(**kwargs) -> bool:
    from orchestration.refresh import run_refresh

    return run_refresh(PARTITION, instance=dg.DagsterInstance.ephemeral(), **kwargs)


def _count(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()[0][0]


def test_full_materialization_publishes_and_records_status(published_fixture):
    # The fixture center refreshed from nothing by the real job (tests/conftest.py), as it was left.
    warehouse = published_fixture
    assert _count(warehouse, "select count(*) from marts.fct_calls") == 15
    assert _count(warehouse, "select offered from marts.rpt_kpi_daily where call_date = '2024-03-01'") == 11
    assert not warehouse.with_name(warehouse.name + ".next").exists()
    # The next publish starts from a copy of this one (a file of its own, not a link to it).
    spare = warehouse.with_name(warehouse.name + ".spare")
    assert spare.exists() and sha256(spare) == sha256(warehouse) and not os.path.samefile(spare, warehouse)
    status = json.loads(warehouse.with_name(warehouse.name + ".status.json").read_text())
    assert status["last_success"]["partition"] == PARTITION
    assert _count(warehouse, "select newest_call_started_at from meta.last_refresh") is not None


def test_reader_holding_the_old_file_through_a_refresh(center, published_fixture):
    copy_warehouse(published_fixture, center["warehouse"])
    reader = duckdb.connect(str(center["warehouse"]), read_only=True)
    before = reader.execute("select count(*) from marts.fct_calls").fetchall()[0][0]
    (center["landing"] / "calls" / "new.csv").write_text(NEW_CALL, encoding="utf-8")
    assert _refresh()
    # The open reader keeps its (old) file: no error, the old numbers.
    assert reader.execute("select count(*) from marts.fct_calls").fetchall()[0][0] == before
    reader.close()
    # Reopening sees the published new state.
    assert _count(center["warehouse"], "select count(*) from marts.fct_calls") == before + 1


def test_a_failing_blocking_check_leaves_the_published_file_unchanged(
    center, published_fixture, monkeypatch, webhook_server
):
    copy_warehouse(published_fixture, center["warehouse"])
    (center["landing"] / "calls" / "new.csv").write_text(NEW_CALL, encoding="utf-8")
    digest = sha256(center["warehouse"])
    from orchestration import checks

    monkeypatch.setattr(
        checks, "reconciliation_problems", lambda con, after=0: ["calls/new.csv: injected fault"]
    )
    assert not _refresh()
    assert sha256(center["warehouse"]) == digest
    status = json.loads(center["warehouse"].with_name(center["warehouse"].name + ".status.json").read_text())
    assert "every_landed_row_accounted_for" in status["last_failure"]["reason"]
    # The managers hear of it, with the reason, and get no report of a day not published.
    (message,) = webhook_server.received
    assert "FAILED" in message["subject"] and "every_landed_row_accounted_for" in message["text"]
    assert not (center["root"] / "reports").exists()


def test_nothing_new_costs_nothing_and_says_so(center, published_fixture, capsys):
    """The published warehouse was built from this very landing folder: the daily refresh stops
    before Dagster starts, leaves the file as it was and says why; one new file and it would run."""
    from orchestration.refresh import main

    copy_warehouse(published_fixture, center["warehouse"])
    before = sha256(center["warehouse"])
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Refresh not needed (") and "nothing new since the refresh of" in out
    assert "all loaded; models, seeds, mappings and settings unchanged" in out
    assert sha256(center["warehouse"]) == before
    assert not center["warehouse"].with_name("warehouse.duckdb.next").exists()  # nothing copied

    (center["landing"] / "calls" / "new.csv").write_text(NEW_CALL)
    from orchestration.inputs import nothing_new

    assert nothing_new(center["warehouse"], center["landing"]) is None


def test_refresh_refuses_the_demo_secret_for_a_center_of_its_own(center, monkeypatch, capsys):
    from orchestration.refresh import main

    monkeypatch.setenv("CALLER_KEY_SECRET", "demo-secret-not-for-production")
    assert main([]) == 2
    assert "Refresh not started: CALLER_KEY_SECRET is the published demo secret" in capsys.readouterr().err
    assert not center["warehouse"].exists()
